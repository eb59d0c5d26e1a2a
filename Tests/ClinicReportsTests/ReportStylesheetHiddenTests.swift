import ClinicReports
import Foundation
import Testing

/// mbt replaces the characters of the stylesheets' `$hidden` in the document itself and passes
/// `$hidden` empty (`ReportStylesheet.hidden`): the two lists must be the same, or a character
/// one of them forgets would go live on a page made by the other way.
@Suite("Report stylesheet: hidden characters")
struct ReportStylesheetHiddenTests {
    static let reports: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Reports"
    }()

    /// The scalars of a stylesheet's `<xsl:param name="hidden" select="'&#x..;...'"/>`.
    static func hiddenParameter(_ file: String) throws -> [UInt32] {
        let text = try String(contentsOfFile: reports + "/" + file, encoding: .utf8)
        let start = try #require(text.range(of: "<xsl:param name=\"hidden\" select=\"'"))
        let end = try #require(text.range(of: "'\"/>", range: start.upperBound..<text.endIndex))
        return text[start.upperBound..<end.lowerBound].split(separator: ";").map { ref in
            UInt32(ref.dropFirst(3), radix: 16) ?? 0
        }
    }

    @Test("ReportStylesheet.hidden is every stylesheet's $hidden, no more, no less", arguments: ["report.html.xsl", "handout.html.xsl"])
    func same(file: String) throws {
        let listed = try Self.hiddenParameter(file)
        #expect(listed.count == 45 && !listed.contains(0))
        let replaced = (0...0x10FFFF as ClosedRange<UInt32>).filter { ReportStylesheet.hidden.contains($0) }
        #expect(replaced == listed.sorted())
    }
}
