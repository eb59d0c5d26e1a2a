@testable import ClinicReports
import Testing

/// The search that finds a page's patient markers, held to a plain scan: at the start, at the
/// end, after a false start, overlapping candidates, absent, and a needle longer than the text.
@Suite("Report stylesheet: marker search")
struct ReportStylesheetRangeTests {
    static func naive(_ needle: [UInt8], _ haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i..<(i + needle.count) }
        return nil
    }

    @Test("the same ranges as a plain scan")
    func sameAsScan() {
        let needle = Array("<!-- p -->".utf8)
        let cases = ["<!-- p -->tail", "head<!-- p -->", "<!-- <!-- p --> x", "<!<!-- p -->", "nothing here", "<!-- p --", "", "<!-- p --><!-- p -->"]
        for text in cases {
            let haystack = Array(text.utf8)
            #expect(ReportStylesheet.range(of: needle, in: haystack) == Self.naive(needle, haystack), "\(text)")
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let haystack = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 97...99, using: &random) }
            let small = (0..<Int.random(in: 1...3, using: &random)).map { _ in UInt8.random(in: 97...99, using: &random) }
            #expect(ReportStylesheet.range(of: small, in: haystack) == Self.naive(small, haystack))
        }
    }
}
