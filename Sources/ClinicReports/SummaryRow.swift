import FastText
import MuscleBalanceCore

/// One line of summary.csv: a scored session, or a patient or file that could not be scored.
public struct SummaryRow: Sendable, Hashable {
    public var file: String
    public var patient: String
    public var date: String
    public var overallIndex: String
    public var grade: String
    public var topFindings: String
    public var status: String
    /// The cells of the outcome columns (`SummaryOutcomeColumns`), after `status`.
    public var outcomes: [String]

    public init(file: String, patient: String, date: String, overallIndex: String, grade: String, topFindings: String, status: String, outcomes: [String] = []) {
        self.outcomes = outcomes
        self.file = file
        self.patient = patient
        self.date = date
        self.overallIndex = overallIndex
        self.grade = grade
        self.topFindings = topFindings
        self.status = status
    }

    public static let header = ["file", "patient", "date", "overall_index", "grade", "top_findings", "status"]

    public var fields: [String] { [file, patient, date, overallIndex, grade, topFindings, status] + outcomes }

    /// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. A leading
    /// =, +, - or @ is prefixed with an apostrophe so that a spreadsheet never runs it.
    /// The row as one CSV line, newline included.
    public func appendCSVLine(to out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendField(field, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// `appendCSVLine` into a new array.
    public var csvLine: [UInt8] {
        var out: [UInt8] = []
        appendCSVLine(to: &out)
        return out
    }

    public static func csv(_ fields: [String]) -> String {
        fields.map(escaped).joined(separator: ",")
    }

    private static func escaped(_ field: String) -> String {
        // Hidden controls first (`VisibleText`, the rule for all text a person reads): a line
        // break or an escape sequence from a file is shown, never acted on by a spreadsheet.
        var f = VisibleText.escaped(field)
        if let first = f.first, "=+-@".contains(first), Double(f) == nil { f = "'" + f }
        // Checked on the bytes, not the Characters: faster, and a CR LF pair (one Character,
        // equal to neither "\r" nor "\n") or a comma with a combining mark is quoted too.
        if f.utf8.contains(where: isSpecial) {
            return "\"" + f.replacing("\"", with: "\"\"") + "\""
        }
        return f
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D
    }

    /// `escaped(field)` appended as bytes. Nearly every field (ids, dates, numbers, findings)
    /// starts with none of `= + - @` and is ASCII: its bytes go straight in, quoted when they
    /// must be. The rest take the String path above, which decides on Characters where it must.
    private static func appendField(_ field: String, to out: inout [UInt8]) {
        let done: Void? = field.utf8.withContiguousStorageIfAvailable { appendField(bytes: $0, to: &out) }
        if done == nil { Array(field.utf8).withUnsafeBufferPointer { appendField(bytes: $0, to: &out) } }
    }

    /// `appendField` of the String these UTF-8 bytes spell.
    private static func appendField(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if let first = bytes.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") {
            out.appendBytes(escaped(String(decoding: bytes, as: UTF8.self)))
            return
        }
        // Text that may hold a hidden control takes the String path, which makes it visible.
        if VisibleText.mayHoldHidden(bytes) {
            out.appendBytes(escaped(String(decoding: bytes, as: UTF8.self)))
            return
        }
        var special = false, ascii = true
        for byte in bytes {
            if isSpecial(byte) { special = true }
            if byte >= 0x80 { ascii = false }
        }
        guard special else {
            out.append(contentsOf: bytes)
            return
        }
        // ASCII text has no combining marks, so a quote there is a Character of its own and the
        // String path would double exactly these bytes: quoted here with no String built.
        guard ascii else {
            out.appendBytes(escaped(String(decoding: bytes, as: UTF8.self)))
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The line of a scored session: what `SummaryRow(...).appendCSVLine` writes for it, with
    /// the date, the index and the three top findings put together as bytes, not as Strings.
    public static func appendScoredLine(file: String, patient: String, session: SessionScore, outcomes: SummaryOutcomeColumns = .none, to out: inout [UInt8]) {
        var field: [UInt8] = []
        field.reserveCapacity(256)
        appendField(file, to: &out)
        out.append(UInt8(ascii: ","))
        appendField(patient, to: &out)
        out.append(UInt8(ascii: ","))
        session.date.appendISO8601(to: &field)
        field.withUnsafeBufferPointer { appendField(bytes: $0, to: &out) }
        out.append(UInt8(ascii: ","))
        field.removeAll(keepingCapacity: true)
        if let index = session.overallIndex { appendDecimal(index, digits: 1, to: &field) }
        field.withUnsafeBufferPointer { appendField(bytes: $0, to: &out) }
        out.append(UInt8(ascii: ","))
        appendField(session.overallGrade?.rawValue ?? "", to: &out)
        out.append(UInt8(ascii: ","))
        field.removeAll(keepingCapacity: true)
        for (n, finding) in session.findings.prefix(3).enumerated() {
            if n > 0 { field.put("; ") }
            field.put(finding.text)
        }
        field.withUnsafeBufferPointer { appendField(bytes: $0, to: &out) }
        out.append(UInt8(ascii: ","))
        out.put("scored")
        outcomes.append(session, to: &out)
        out.append(UInt8(ascii: "\n"))
    }
}
