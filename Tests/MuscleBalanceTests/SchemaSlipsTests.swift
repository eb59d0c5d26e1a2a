import Foundation
import TestSupport
import Testing

/// Slips the schema finds, end to end through `mbt validate` (issue 27, item 6): positioned
/// on the attribute, in plain words with the allowed values and the value meant; a sheet's in
/// the sheet's words.
@Suite("Schema slips in plain words")
struct SchemaSlipsTests {
    let scratch = Scratch("schema-slips")

    @Test("side L, sex M, unit kg, -8,5, 05/12/2026 and an unknown condition in an XML file")
    func xmlSlips() throws {
        let folder = try scratch.directory("xml")
        var xml = try String(contentsOfFile: Paths.example, encoding: .utf8)
        func once(_ old: String, _ new: String) throws {
            let range = try #require(xml.range(of: old), "\(old) not in the example")
            xml.replaceSubrange(range, with: new)
        }
        try once("sex=\"female\"", "sex=\"M\"")
        try once("date=\"2026-11-02\"", "date=\"05/12/2026\"")
        try once("side=\"left\" unit=\"N\"", "side=\"L\" unit=\"kg\"")
        try once("<trial>108</trial>", "<trial>-8,5</trial>")
        try xml.write(toFile: folder + "/slips.xml", atomically: true, encoding: .utf8)
        let result = try run(Paths.mbtBinary, ["validate", "slips.xml"], currentDirectory: folder)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func line(of text: String) -> Int { xml[..<xml.range(of: text)!.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).count }
        func column(of text: String) -> Int {
            let start = xml.range(of: text)!.lowerBound
            let lineStart = xml[..<start].lastIndex(of: "\n").map { xml.index(after: $0) } ?? xml.startIndex
            return xml[lineStart..<start].count + 1
        }
        for (written, message) in [
            ("sex=\"M\"", "sex=\"M\" on <patient> is not one of female, male; did you mean sex=\"male\"?"),
            ("date=\"05/12/2026\"", "date=\"05/12/2026\" on <session> is not a date written yyyy-mm-dd (e.g. 2026-11-02); did you mean date=\"2026-12-05\" (day first) or date=\"2026-05-12\" (month first)?"),
            ("side=\"L\"", "side=\"L\" on <measure> is not one of left, right; did you mean side=\"left\"?"),
            ("unit=\"kg\"", "unit=\"kg\" on <measure> is not one of N, kgf, lbf, deg, cm, mm, in, s; did you mean unit=\"kgf\"?"),
        ] {
            let expected = "slips.xml:\(line(of: written)):\(column(of: written)): error: \(message)"
            #expect(lines.contains(expected), "\(expected)\n\(result.stdout)")
        }
        #expect(result.stdout.contains("did you mean <trial>-8.5</trial>?"), "\(result.stdout)")
        #expect(!result.stdout.contains("{urn:") && !result.stdout.contains("Element '"), "\(result.stdout)")

        // An unknown condition word is the rules' (they know the protocol's codes): the same kind of message.
        var conditions = try String(contentsOfFile: Paths.example, encoding: .utf8)
        conditions = conditions.replacingOccurrences(of: "<condition code=\"hypertension\"/>", with: "<condition code=\"hypertensoin\"/>")
        try conditions.write(toFile: folder + "/conditions.xml", atomically: true, encoding: .utf8)
        let checked = try run(Paths.mbtBinary, ["validate", "conditions.xml"], currentDirectory: folder)
        #expect(checked.stdout.contains("error: unknown condition 'hypertensoin' for protocol 'lumbopelvic-balance'; did you mean 'hypertension'"), "\(checked.stdout)")
    }

    @Test("a sheet's slip the schema finds speaks of its column and cell, at that cell")
    func sheetSlip() throws {
        let folder = try scratch.directory("sheet")
        let header = "patient_id,sex,birth_date,session_date,blood_pressure,hip-abduction-strength L (N)\n"
        try (header + "LK-0101,male,1980-01-01,2026-11-02,118-76,150\n").write(toFile: folder + "/clinic.csv", atomically: true, encoding: .utf8)
        let result = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("clinic.csv:2:5: error: blood_pressure '118-76' is not systolic/diastolic in mmHg, e.g. 128/84; did you mean '118/76'?"), "\(result.stdout)")
        #expect(!result.stdout.contains("<session>") && !result.stdout.contains("bloodPressure"), "\(result.stdout)")
    }
}
