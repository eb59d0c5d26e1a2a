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

    /// `escaped(field)` appended as bytes. Nearly every field (ids, dates, numbers, plain
    /// findings) starts with none of `= + - @` and holds nothing to quote: its bytes go straight
    /// in. The rest take the String path above, which decides on Characters where it must.
    private static func appendField(_ field: String, to out: inout [UInt8]) {
        let utf8 = field.utf8
        if let first = utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") {
            out.put(escaped(field))
            return
        }
        if utf8.contains(where: isSpecial) {
            out.put(escaped(field))
            return
        }
        out.put(field)
    }
}
