import Foundation
import TestSupport
import Testing

/// Inputs are never modified: an output that names an input, by the same path, `./`, or a
/// symlink, is refused before any work (exit 2, said plainly), and the input keeps its bytes.
/// `mbt report -o`, `mbt import -o` and `mbt template -o` wrote over their input before.
@Suite("An output that is an input is refused")
struct OutputIsInputTests {
    let scratch = Scratch("output-is-input")

    /// A folder holding copies of the example (XML, the long sheet, its patients file), a
    /// protocol and a symlink to the XML.
    func folder() throws -> String {
        let root = try scratch.directory("inputs")
        let files = FileManager.default
        try files.copyItem(atPath: Paths.example, toPath: root + "/clinic.xml")
        try files.copyItem(atPath: Paths.packageRoot + "/Examples/clinic-example.long.csv", toPath: root + "/clinic.csv")
        try files.copyItem(atPath: Paths.packageRoot + "/Examples/clinic-example.longpatients.csv", toPath: root + "/patients.csv")
        try files.copyItem(atPath: Paths.defaultProtocol, toPath: root + "/protocol.xml")
        try files.createSymbolicLink(atPath: root + "/link.xml", withDestinationPath: "clinic.xml")
        return root
    }

    static let cases: [(arguments: [String], input: String)] = [
        (["report", "clinic.xml", "--patient", "RP-0002", "-o", "clinic.xml"], "clinic.xml"),
        (["report", "clinic.xml", "--patient", "RP-0002", "--format", "html", "-o", "./clinic.xml"], "clinic.xml"),
        (["report", "clinic.xml", "--patient", "RP-0002", "--format", "xml", "-o", "link.xml"], "clinic.xml"),
        (["report", "clinic.xml", "--patient", "RP-0002", "--protocol", "protocol.xml", "-o", "protocol.xml"], "protocol.xml"),
        (["import", "clinic.csv", "-o", "clinic.csv"], "clinic.csv"),
        (["import", "clinic.csv", "--patients", "patients.csv", "-o", "patients.csv"], "patients.csv"),
        (["template", "--protocol", "protocol.xml", "-o", "protocol.xml"], "protocol.xml"),
    ]

    @Test("report, import and template refuse to write over an input", arguments: cases)
    func refused(_ arguments: [String], input: String) throws {
        let root = try folder()
        let before = try Data(contentsOf: URL(fileURLWithPath: root + "/" + input))
        let result = try run(Paths.mbtBinary, arguments, currentDirectory: root)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("refusing to write"), "\(result.stderr)")
        #expect(result.stderr.contains("it is the input \(input)"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/" + input)) == before)
        // Nothing else written beside the inputs either.
        let left = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        #expect(left == ["clinic.csv", "clinic.xml", "link.xml", "patients.csv", "protocol.xml"], "\(left)")
    }

    @Test("mbt score refuses a batch whose summary would be one of its sheets")
    func scoreSummary() throws {
        let root = try folder()
        try FileManager.default.moveItem(atPath: root + "/clinic.csv", toPath: root + "/summary.csv")
        let before = try Data(contentsOf: URL(fileURLWithPath: root + "/summary.csv"))
        let result = try run(Paths.mbtBinary, ["score", "summary.csv", "--patients", "patients.csv", "--out", "."], currentDirectory: root)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("would overwrite the input summary.csv"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/summary.csv")) == before)
    }

    @Test("an output beside the input, not the input, is written")
    func besideIsFine() throws {
        let root = try folder()
        let result = try run(Paths.mbtBinary, ["report", "clinic.xml", "--patient", "RP-0002", "-o", "RP-0002.txt"], currentDirectory: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: root + "/RP-0002.txt", encoding: .utf8).contains("RP-0002"))
    }
}
