import ClinicReports
import Testing

/// summary.csv's line: RFC 4180 quoting, no formula a spreadsheet would run, and the byte path
/// that writes scored lines held to the String path.
@Suite("Summary row")
struct SummaryRowTests {
    @Test("CSV fields are quoted and never run as formulas")
    func csv() {
        #expect(SummaryRow.csv(["a", "b,c", "say \"hi\"", "=cmd()", "-1.5"]) == "a,\"b,c\",\"say \"\"hi\"\"\",'=cmd(),-1.5")
        // A line break from a file is shown, not kept (VisibleText): a CR LF pair, one
        // Character, is two visible controls. A comma under a combining mark is still quoted.
        #expect(SummaryRow.csv(["two\r\nlines", "x,\u{301}"]) == "two<U+000D><U+000A>lines,\"x,\u{301}\"")
        #expect(SummaryRow.csv(["\u{1B}[2J=x", "=\u{9B}1", "a\u{202E}b"]) == "<U+001B>[2J=x,'=<U+009B>1,a<U+202E>b")
    }

    @Test("a summary line written as bytes is the CSV of its fields, whatever they hold")
    func csvLineBytes() {
        let odd = ["", "a", "b,c", "say \"hi\"", "=cmd()", "-1.5", "-x", "+1", "@a", "=\u{301}x", "two\r\nlines", "x,\u{301}", "é", "a\"\u{301}b", "'q", "P-0001", "x, \"y\", z", "\"\"", "a\nb"]
        for (n, field) in odd.enumerated() {
            let row = SummaryRow(
                file: "f\(n).xml", patient: field, date: "2026-11-02", overallIndex: odd[(n + 3) % odd.count], grade: "mild",
                topFindings: odd[(n + 7) % odd.count], status: field)
            var bytes: [UInt8] = []
            row.appendCSVLine(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == SummaryRow.csv(row.fields) + "\n", "\(field)")
        }
    }
}
