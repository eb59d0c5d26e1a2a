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
        out.put(Self.csv(fields))
        out.append(UInt8(ascii: "\n"))
    }

    static func csv(_ fields: [String]) -> String {
        fields.map { field in
            var f = field
            if let first = f.first, "=+-@".contains(first), Double(f) == nil { f = "'" + f }
            // Checked on the bytes, not the Characters: faster, and a CR LF pair (one Character,
            // equal to neither "\r" nor "\n") or a comma with a combining mark is quoted too.
            if f.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                return "\"" + f.replacing("\"", with: "\"\"") + "\""
            }
            return f
        }.joined(separator: ",")
    }
}
