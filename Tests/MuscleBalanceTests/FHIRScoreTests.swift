@testable import FHIRExport
import ClinicFiles
import Foundation
import MuscleBalanceCore
import TestSupport
import Testing

/// `mbt score --fhir`: the FHIR format as one more implementation of the report formats' seam
/// (issue 32), end to end through the binary.
@Suite("mbt score --fhir: a Bundle per session beside the other reports")
struct FHIRScoreTests {
    let scratch = Scratch("fhir-score")
    static let system = "https://riverside.example/patients"

    func mbt(_ arguments: [String], in folder: String) throws -> RunResult {
        try run(Paths.mbtBinary, arguments, currentDirectory: folder, environment: ["MBT_PROTOCOLS": Paths.protocols])
    }

    /// What SessionBundle makes of every session of `file`, one per line.
    static func expected(_ file: String, codeSystem: String) throws -> String {
        let p = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let index = ProtocolIndex(p)
        let bundle = try SessionBundle(settings: FHIRExportSettings(patientSystem: system, codeSystem: codeSystem), index: index)
        let stream = try ClinicFileStream(path: file, schema: sharedLibrary.measurementSchema, sheetOptions: nil)
        var text = ""
        while let item = try stream.next() {
            let score = BalanceScorer(index: index).score(item.patient)
            for i in score.sessions.indices { text += String(decoding: try bundle.bundle(score, session: i), as: UTF8.self) + "\n" }
        }
        return text
    }

    @Test("the example clinic: <name>.fhir.ndjson, a line per session, what SessionBundle makes, passing the three checks; again: the same bytes; the other reports unchanged")
    func example() throws {
        let folder = try scratch.directory("example")
        let plain = try mbt(["score", Paths.example, "--out", "plain", "--base", Paths.packageRoot], in: folder)
        #expect(plain.status == 0, "\(plain.stderr)")
        let scored = try mbt(["score", Paths.example, "--out", "out", "--base", Paths.packageRoot, "--fhir", Self.system], in: folder)
        #expect(scored.status == 0, "\(scored.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted()
        #expect(names == ["Examples--clinic-example.fhir.ndjson", "Examples--clinic-example.report.txt", "Examples--clinic-example.report.xml", "summary.csv"])
        let ndjson = try String(contentsOfFile: folder + "/out/Examples--clinic-example.fhir.ndjson", encoding: .utf8)
        #expect(ndjson == (try Self.expected(Paths.example, codeSystem: "urn:musclebalance:protocol:lumbopelvic-balance")))
        for name in ["Examples--clinic-example.report.txt", "Examples--clinic-example.report.xml", "summary.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/out/" + name)) == Data(contentsOf: URL(fileURLWithPath: folder + "/plain/" + name)), "\(name)")
        }
        let check = try run("/usr/bin/env", ["python3", Paths.packageRoot + "/Scripts/fhir-check.py", folder + "/out/Examples--clinic-example.fhir.ndjson"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let again = try mbt(["score", Paths.example, "--out", "again", "--base", Paths.packageRoot, "--fhir", Self.system], in: folder)
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: folder + "/again/Examples--clinic-example.fhir.ndjson", encoding: .utf8) == ndjson, "exported twice: byte-identical")
    }

    @Test("a generated file of 200 patients, alone (a reader and workers, batch by batch) and beside another (written straight): the same lines as SessionBundle, with every format at once")
    func bothPaths() throws {
        let folder = try scratch.directory("generated")
        let generated = try mbt(["generate", "--patients", "200", "--seed", "32", "--outcomes"], in: folder)
        try generated.stdout.write(toFile: folder + "/g.xml", atomically: true, encoding: .utf8)
        try generated.stdout.write(toFile: folder + "/h.xml", atomically: true, encoding: .utf8)
        let expected = try Self.expected(folder + "/g.xml", codeSystem: "https://codes.example/mbt")
        let options = ["--fhir", Self.system, "--fhir-code-system", "https://codes.example/mbt", "--results-csv", "--html"]
        let alone = try mbt(["score", "g.xml", "--out", "alone"] + options, in: folder)
        #expect(alone.status == 0, "\(alone.stderr)")
        #expect(try String(contentsOfFile: folder + "/alone/g.fhir.ndjson", encoding: .utf8) == expected)
        let two = try mbt(["score", "g.xml", "h.xml", "--out", "two"] + options, in: folder)
        #expect(two.status == 0, "\(two.stderr)")
        for name in ["g", "h"] { #expect(try String(contentsOfFile: folder + "/two/\(name).fhir.ndjson", encoding: .utf8) == expected, "\(name)") }
        // The other formats the same bytes both ways too.
        for kind in ["report.xml", "report.txt", "report.html", "results.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/alone/g." + kind)) == Data(contentsOf: URL(fileURLWithPath: folder + "/two/g." + kind)), "\(kind)")
        }
    }

    @Test("mbt report --format fhir: one session's Bundle (the latest, or --session), the same line mbt score --fhir writes for it; no --fhir-system: refused")
    func report() throws {
        let folder = try scratch.directory("report")
        let lines = try Self.expected(Paths.example, codeSystem: "urn:musclebalance:protocol:lumbopelvic-balance").split(separator: "\n").map(String.init)
        // RP-0003 has two sessions, 2026-09-15 and 2026-11-05: the example's last two lines.
        let latest = try mbt(["report", Paths.example, "--patient", "RP-0003", "--format", "fhir", "--fhir-system", Self.system], in: folder)
        #expect(latest.status == 0, "\(latest.stderr)")
        #expect(latest.stdout == lines[lines.count - 1] + "\n")
        let earlier = try mbt(["report", Paths.example, "--patient", "RP-0003", "--session", "2026-09-15", "--format", "fhir", "--fhir-system", Self.system], in: folder)
        #expect(earlier.stdout == lines[lines.count - 2] + "\n")
        let missing = try mbt(["report", Paths.example, "--patient", "RP-0003", "--format", "fhir"], in: folder)
        #expect(missing.status != 0 && missing.stderr.contains("--format fhir needs --fhir-system"), "\(missing.stderr)")
    }

    @Test("--fhir with no URI, a code system without --fhir: refused before anything is written")
    func badFlags() throws {
        let folder = try scratch.directory("bad")
        let notURI = try mbt(["score", Paths.example, "--out", "out", "--fhir", "Riverside patients"], in: folder)
        #expect(notURI.status != 0 && notURI.stderr.contains("--fhir takes an absolute URI"), "\(notURI.stderr)")
        // A control character in the value is shown escaped, never live (history export too).
        let controls = try mbt(["history", "export", "--format", "fhir", "--fhir-system", "bad\u{1B}[31m"], in: folder)
        #expect(controls.status != 0 && controls.stderr.contains("--fhir-system takes an absolute URI") && !controls.stderr.contains("\u{1B}"), "\(controls.stderr)")
        let alone = try mbt(["score", Paths.example, "--out", "out", "--fhir-code-system", "https://codes.example/mbt"], in: folder)
        #expect(alone.status != 0 && alone.stderr.contains("--fhir-code-system goes with --fhir"), "\(alone.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/summary.csv"))
    }
}
