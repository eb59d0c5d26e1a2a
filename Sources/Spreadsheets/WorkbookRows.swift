import FastText
import Foundation
import MBXML

/// Turns a worksheet's XML (`<row r="812"><c r="E812" t="s" s="3"><v>..</v></c>...`) into
/// rows of text as the SAX events arrive.
final class WorkbookRows: XMLEventHandler {
    static let vocabulary = XMLVocabulary(["row", "c", "v", "is", "t", "r", "s"], textOf: ["v", "t"])
    private enum Name: Int { case row, c, v, `is`, t, r, s }

    private let shared: SharedStringTable
    private let dateStyles: DateStyles
    private let date1904: Bool
    private var ready: [SheetRow] = []
    private var nextReady = 0
    var ended = false
    /// The first thing the sheet says that a workbook cannot (issue 28: "workbooks that lie"):
    /// the sheet is refused at that cell, never read on with a reading replaced or dropped.
    private(set) var lie: (message: String, row: Int, column: Int)?

    /// Excel's last row and column (XFD, 16,384): a reference past them is not a cell.
    static let lastRow = 1_048_576
    static let lastColumn = 16_384

    private var rowNumber = 0
    private var cells: [String] = []
    private var column = 0
    private var type: [UInt8] = []
    private var style = -1
    private var text: [UInt8] = []
    /// The cell's text passed `SheetLimits.cellBytes`: its further bytes are dropped.
    private var textCut = false
    private var inValue = false
    private var inInline = false

    init(shared: SharedStringTable, dateStyles: DateStyles, date1904: Bool) {
        self.shared = shared
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    func take() -> SheetRow? {
        if nextReady < ready.count {
            defer { nextReady += 1 }
            return ready[nextReady]
        }
        ready.removeAll(keepingCapacity: true)
        nextReady = 0
        return nil
    }

    func startElement(_ tag: borrowing XMLStartTag) {
        switch Name(rawValue: tag.name) {
        case .row:
            // Rows without r follow the one before.
            let written: String? = tag.withValue(Name.r.rawValue) { String(decoding: $0, as: UTF8.self) }
            let previous = rowNumber
            if let written {
                guard let n = Int(written), n >= 1, n <= Self.lastRow else {
                    return refuse("row number '\(written)' is not a row of a sheet (1 to \(Self.lastRow))", row: previous + 1, column: 0)
                }
                rowNumber = n
            } else {
                rowNumber += 1
            }
            if rowNumber <= previous {
                return refuse("row \(rowNumber) comes after row \(previous): a sheet's rows are stored in order, and this one says a row twice or out of place", row: rowNumber, column: 0)
            }
            cells.removeAll(keepingCapacity: true)
            column = 0
        case .c:
            let written: [UInt8]? = tag.withValue(Name.r.rawValue) { Array($0) }
            if let written {
                guard let (placedRow, placed) = Self.reference(written) else {
                    return refuse("cell reference '\(String(decoding: written, as: UTF8.self))' is not a cell of a sheet (A1 to XFD\(Self.lastRow))", row: rowNumber, column: column + 1)
                }
                if placedRow != rowNumber {
                    return refuse("cell \(String(decoding: written, as: UTF8.self)) is stored in row \(rowNumber)", row: rowNumber, column: placed + 1)
                }
                if placed < column {
                    return refuse("cell \(String(decoding: written, as: UTF8.self)) is stored twice or out of order: a later value would replace an earlier one", row: rowNumber, column: placed + 1)
                }
                column = placed
            } else if column >= Self.lastColumn {
                return refuse("row \(rowNumber) has more cells than a sheet has columns (\(Self.lastColumn))", row: rowNumber, column: column + 1)
            }
            type = tag.withValue(Name.t.rawValue) { Array($0) } ?? []
            let styled: Int?? = tag.withValue(Name.s.rawValue) { Int(String(decoding: $0, as: UTF8.self)) }
            style = (styled ?? nil) ?? -1
            text.removeAll(keepingCapacity: true)
            textCut = false
        case .v: inValue = true
        case .is: inInline = true
        default: break
        }
    }

    func endElement(name: Int, depth: Int) {
        switch Name(rawValue: name) {
        case .v: inValue = false
        case .is: inInline = false
        case .c:
            guard lie == nil else { return }
            let value = cellText()
            if column >= cells.count { cells.append(contentsOf: repeatElement("", count: column - cells.count + 1)) }
            cells[column] = value
            column += 1
        case .row:
            guard lie == nil else { return }
            if cells.contains(where: { !$0.isEmpty }) { ready.append(SheetRow(row: rowNumber, cells: cells)) }
        default: break
        }
    }

    func characters(_ piece: borrowing XMLCharacters) {
        // <v>, or the <t> runs of an inline string (<is>); a formula's <f> is never read.
        // Never more than a cell holds (a 100 MB cell is cut here, and refused at its end).
        guard inValue || inInline else { return }
        if !SheetLimits.appendToCell(piece.bytes, to: &text) { textCut = true }
    }

    private func cellText() -> String {
        if textCut || SheetLimits.overfills(text) {
            refuse("cell \(spreadsheetColumnLetters(column + 1))\(rowNumber) holds more than \(SheetLimits.cellCharacters.formatted) characters, the most a spreadsheet's cell holds", row: rowNumber, column: column + 1)
            return ""
        }
        let raw = String(decoding: text, as: UTF8.self)
        switch String(decoding: type, as: UTF8.self) {
        case "s":
            guard let index = Int(raw), index >= 0, index < shared.count else {
                refuse("cell \(spreadsheetColumnLetters(column + 1))\(rowNumber) points at shared text \(raw), which the workbook does not have (it has \(shared.count))", row: rowNumber, column: column + 1)
                return ""
            }
            guard let string = shared[index] else {
                refuse("cell \(spreadsheetColumnLetters(column + 1))\(rowNumber) points at shared text \(raw), which holds more than \(SheetLimits.cellCharacters.formatted) characters, the most a spreadsheet's cell holds", row: rowNumber, column: column + 1)
                return ""
            }
            return string
        case "inlineStr", "str", "e":
            return raw
        case "b":
            return raw == "1" ? "TRUE" : raw == "0" ? "FALSE" : raw
        case "d":
            // An ISO 8601 date-time: the date is what a session or a birth needs.
            return raw.split(separator: "T").first.map(String.init) ?? raw
        default:
            guard !raw.isEmpty, let number = Double(raw) else { return raw }
            if dateStyles.isDate(style: style) { return Self.civilDate(serial: number, date1904: date1904) ?? raw }
            return Self.decimalText(number, raw)
        }
    }

    /// `E812` -> (812, 4): the row and the 0-based column; nil for anything that is not a
    /// cell of a sheet (no letters or digits, more than three letters, past XFD or row
    /// 1,048,576, something after the digits). Counted without overflow whatever its length.
    static func reference(_ text: [UInt8]) -> (row: Int, column: Int)? {
        var i = 0
        var column = 0
        while i < text.count, text[i] >= 65 && text[i] <= 90 {
            column = column * 26 + Int(text[i] - 64)
            i += 1
            if i > 3 || column > lastColumn { return nil }
        }
        guard i > 0, i < text.count else { return nil }
        var row = 0
        while i < text.count {
            guard text[i] >= 48 && text[i] <= 57 else { return nil }
            row = row * 10 + Int(text[i] - 48)
            if row > lastRow { return nil }
            i += 1
        }
        guard row >= 1 else { return nil }
        return (row, column - 1)
    }

    private func refuse(_ message: String, row: Int, column: Int) {
        if lie == nil { lie = (message, row, column) }
    }

    /// A stored number as the decimal a spreadsheet shows: 15 significant digits (binary
    /// floating point stores 0.3 as 0.30000000000000004), no exponent.
    static func decimalText(_ number: Double, _ raw: String) -> String {
        // Most values are stored as written: short and without an exponent.
        if raw.utf8.count <= 16, !raw.contains("E"), !raw.contains("e") { return raw }
        var text = String(format: "%.15g", number)
        if text.contains("e") { text = plain(Decimal(string: text) ?? Decimal(number)) }
        return text
    }

    private static func plain(_ value: Decimal) -> String {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 15, .plain)
        return "\(rounded)"
    }

    /// A date serial as `yyyy-mm-dd`: days since 1899-12-30 (so that 1900-03-01 is 61, past
    /// Lotus's false 1900-02-29) or, in a 1904 workbook, since 1904-01-01. The time of day is
    /// dropped.
    static func civilDate(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        // Days from 1970-01-01.
        let days = Int(serial.rounded(.down)) + (date1904 ? -24_107 : -25_569)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d))"
    }
}
