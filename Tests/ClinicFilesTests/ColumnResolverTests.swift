@testable import ClinicFiles
import Foundation
import TestSupport
import MuscleBalanceCore
import Testing

/// Columns found from the file on disk, read in chunks: long lines are never held whole.
@Suite("Column resolver")
struct ColumnResolverTests {
    let scratch = Scratch("columns")

    func file(_ text: String) throws -> String {
        let path = scratch.path("input") + ".xml"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test("element and attribute anchors on their lines, across chunk boundaries")
    func anchors() throws {
        // Line 3 starts past the first 64 KiB chunk, so the line spans two reads.
        let filler = "<!--" + String(repeating: "x", count: 70_000) + "-->"
        let path = try file("<root>\n\(filler)\n    <measure test=\"t\" unit=\"s\"/>\n  <é/><session date=\"x\"/>\n</root>")
        let resolved = ColumnResolver.resolve([
            Diagnostic(.error, line: 3, message: "a", anchor: .element("measure")),
            Diagnostic(.error, line: 3, message: "b", anchor: .attribute(element: "measure", name: "unit")),
            Diagnostic(.error, line: 4, message: "c", anchor: .attribute(element: "session", name: "date")),
            Diagnostic(.error, line: 2, message: "d", anchor: .element("nothing-here")),
        ], path: path)
        // Line 3: 4 spaces, "<measure" at 5-12, ' test="t"' to 21, "unit" at 23.
        // Line 4: 2 spaces, "<é/>" at 3-6 ("é" is one column, two bytes), "<session " to 15, "date" at 16.
        // Line 2 has no "<nothing-here": the first non-blank column.
        #expect(resolved.map(\.column) == [5, 23, 16, 1])
    }

    @Test("a line longer than the limit is cut, not read whole; its column still comes back")
    func longLine() throws {
        let body = String(repeating: "<a/>", count: (ColumnResolver.lineLimit / 4) + 10_000)
        let path = try file("<root>\(body)<patient id=\"1\"/></root>\n")
        let resolved = ColumnResolver.resolve([Diagnostic(.error, line: 1, message: "a", anchor: .element("patient"))], path: path)
        // The anchor lies beyond the kept prefix: the fallback is the first non-blank column.
        #expect(resolved[0].column == 1)
    }
}
