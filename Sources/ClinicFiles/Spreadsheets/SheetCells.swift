import MuscleBalanceCore

/// The reading of one cell: its text made into what the measurement format holds (a decimal
/// with a point, a yyyy-mm-dd date, a side, a unit), or why it cannot be. Empty cells are
/// handled by the caller: an empty cell is no reading, never 0.
struct SheetCells: Sendable {
    let decimalComma: Bool
    let dateOrder: DateOrder?

    enum Outcome: Equatable {
        case ok(String)
        case problem(String)
    }

    /// A decimal as XML Schema's `xs:decimal` writes it: `12.5`, `-3`, `.5`.
    func decimal(_ text: String, column: String) -> Outcome {
        var t = Self.trimmed(text)
        if decimalComma { t = t.replacing(",", with: ".") }
        if Self.isDecimal(t) { return .ok(t) }
        if !decimalComma, t.contains(","), Self.isDecimal(t.replacing(",", with: ".")) {
            return .problem("'\(t)' in column \(column) has a decimal comma; write 12.5, or pass --decimal-comma (with --delimiter ';' or tab, as such sheets are saved)")
        }
        return .problem("'\(t)' in column \(column) is not a number; write a decimal with a point, e.g. 12.5, or leave the cell empty")
    }

    static func isDecimal(_ t: String) -> Bool {
        var digits = 0, points = 0, index = 0
        for byte in t.utf8 {
            defer { index += 1 }
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "-"): if index != 0 { return false }
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            default: return false
            }
        }
        return digits > 0 && points <= 1
    }

    /// A date as yyyy-mm-dd: as written when it is that already, else in `dateOrder`.
    func date(_ text: String, column: String) -> Outcome {
        let t = Self.trimmed(text)
        if Self.isISODate(t) { return .ok(t) }
        // A date-time (2026-11-02T10:15 or 2026-11-02 10:15): the day is the date.
        let day = t.split(whereSeparator: { $0 == "T" || $0 == " " }).first.map(String.init) ?? t
        if Self.isISODate(day) { return .ok(day) }
        let parts = day.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).map(String.init)
        guard let order = dateOrder else {
            return .problem("date '\(t)' in column \(column) is not yyyy-mm-dd; write 2026-11-02, or pass --date-format dd/mm/yyyy (or mm/dd/yyyy) to read dates as the sheet writes them")
        }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return .problem("date '\(t)' in column \(column) is not a date in the form \(order.rawValue)")
        }
        let (y, m, d): (String, String, String)
        switch order {
        case .dayMonthYear: (d, m, y) = (parts[0], parts[1], parts[2])
        case .monthDayYear: (m, d, y) = (parts[0], parts[1], parts[2])
        case .yearMonthDay: (y, m, d) = (parts[0], parts[1], parts[2])
        }
        guard y.count == 4, m.count <= 2, d.count <= 2 else {
            return .problem("date '\(t)' in column \(column) is not a date in the form \(order.rawValue) (a four-digit year, then up to two digits each)")
        }
        let iso = "\(y)-\(m.count == 1 ? "0" + m : m)-\(d.count == 1 ? "0" + d : d)"
        guard CivilDate(iso) != nil else {
            return .problem("date '\(t)' in column \(column) is not a real date read as \(order.rawValue)")
        }
        return .ok(iso)
    }

    static func isISODate(_ t: String) -> Bool {
        guard t.utf8.count == 10 else { return false }
        var index = 0
        for byte in t.utf8 {
            defer { index += 1 }
            if index == 4 || index == 7 {
                if byte != UInt8(ascii: "-") { return false }
            } else if byte < 48 || byte > 57 {
                return false
            }
        }
        return true
    }

    /// female/male, F/M, any case.
    func sex(_ text: String) -> Outcome {
        if text == "female" || text == "male" { return .ok(text) }
        switch Self.trimmed(text).lowercased() {
        case "female", "f": return .ok("female")
        case "male", "m": return .ok("male")
        default: return .problem("sex '\(Self.trimmed(text))' is neither female nor male (F or M)")
        }
    }

    /// left/right, L/R, any case; nil for an empty cell (a midline test).
    func side(_ text: String) -> Outcome? {
        if text == "left" || text == "right" { return .ok(text) }
        switch Self.trimmed(text).lowercased() {
        case "": return nil
        case "left", "l": return .ok("left")
        case "right", "r": return .ok("right")
        default: return .problem("side '\(Self.trimmed(text))' is neither left nor right (L or R); leave it empty for a midline test")
        }
    }

    /// One of the format's units, in any case; `°` and `degrees` are deg.
    static func unit(_ text: String) -> String? {
        let t = trimmed(text)
        if let exact = MeasurementUnit(rawValue: t) { return exact.rawValue }
        if t == "°" || t.lowercased() == "degrees" || t.lowercased() == "degree" { return "deg" }
        return MeasurementUnit.allCases.first { $0.rawValue.lowercased() == t.lowercased() }?.rawValue
    }

    func unit(_ text: String) -> Outcome {
        if let unit = Self.unit(text) { return .ok(unit) }
        return .problem("unit '\(Self.trimmed(text))' is not one mbt reads; use N, kgf, lbf, deg, cm, mm, in or s")
    }

    /// Spaces around a cell's text are not part of it (exports pad headers and cells).
    static func trimmed(_ text: String) -> String {
        // On the bytes: Character's first and last break graphemes, a cost on every cell.
        let utf8 = text.utf8
        guard let first = utf8.first else { return text }
        let last = utf8[utf8.index(before: utf8.endIndex)]
        guard first == 0x20 || last == 0x20 || first == 0x09 || last == 0x09 else { return text }
        return String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// The first character XML cannot hold (a control character other than tab and line
    /// breaks), if any: such a cell is refused, not passed on. Also U+FFFD, which the CSV
    /// reader puts for bytes that are not UTF-8: a sheet saved as Latin-1 made MÄLLER-1 and
    /// MÖLLER-1 one patient (issue 28).
    static func forbiddenCharacter(_ text: String) -> Unicode.Scalar? {
        // Nearly every cell has no byte below space and no 0xEF (U+FFFD, U+FFFE and U+FFFF
        // start with it).
        // Over the string's own bytes where it has them (a UTF8View scan costs several times more).
        let suspect: (UInt8) -> Bool = { $0 < 0x20 || $0 == 0xEF }
        guard text.utf8.withContiguousStorageIfAvailable({ $0.contains(where: suspect) }) ?? text.utf8.contains(where: suspect) else { return nil }
        // U+FEFF: a byte-order mark inside the file, where two files were joined into one.
        return text.unicodeScalars.first { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value >= 0xFFFD && $0.value <= 0xFFFF || $0.value == 0xFEFF }
    }
}
