/// One line of summary.csv: a scored session, or a patient or file that could not be scored.
public struct SummaryRow: Sendable, Hashable {
    public var file: String
    public var patient: String
    public var date: String
    public var overallIndex: String
    public var grade: String
    public var topFindings: String
    public var status: String

    static let header = ["file", "patient", "date", "overall_index", "grade", "top_findings", "status"]

    var fields: [String] { [file, patient, date, overallIndex, grade, topFindings, status] }

    /// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. A leading
    /// =, +, - or @ is prefixed with an apostrophe so that a spreadsheet never runs it.
    /// The row as one CSV line, newline included.
    func appendCSVLine(to out: inout [UInt8]) {
        for (index, field) in [file, patient, date, overallIndex, grade, topFindings, status].enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendField(field, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    static func csv(_ fields: [String]) -> String {
        fields.map(escaped).joined(separator: ",")
    }

    private static func escaped(_ field: String) -> String {
        var f = field
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
        let utf8 = field.utf8
        if let first = utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") {
            out.put(escaped(field))
            return
        }
        var special = false, ascii = true
        for byte in utf8 {
            if isSpecial(byte) { special = true }
            if byte >= 0x80 { ascii = false }
        }
        guard special else {
            out.put(field)
            return
        }
        // ASCII text has no combining marks, so a quote there is a Character of its own and the
        // String path would double exactly these bytes: quoted here with no String built.
        guard ascii else {
            out.put(escaped(field))
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in utf8 {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
