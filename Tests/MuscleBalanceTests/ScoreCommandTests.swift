import TestSupport
import Foundation
import Testing

/// `mbt score` and `mbt report`, run as built, on real files in a temporary folder.
@Suite("mbt score and mbt report, end to end")
struct ScoreCommandTests {
    let scratch = Scratch("score")

    func mbt(_ arguments: [String]) throws -> RunResult {
        try run(Paths.mbtBinary, arguments, currentDirectory: Paths.packageRoot)
    }

    func temporaryDirectory() throws -> String {
        try scratch.directory("out")
    }

    @Test("the example reports match Reports/examples byte for byte (re-make with Reports/examples/regenerate)")
    func examples() throws {
        let out = try temporaryDirectory()
        let result = try mbt(["score", "Examples/clinic-example.xml", "--out", out, "--html"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // Run from the checkout, the example is Examples/clinic-example.xml: its reports are
        // Examples--clinic-example.report.*, kept in Reports/examples under the file's own name.
        // The page too: a stylesheet change that the goldens missed was caught only by CI's
        // install check.
        for name in ["clinic-example.report.xml", "clinic-example.report.txt", "clinic-example.report.html", "summary.csv"] {
            let written = try Data(contentsOf: URL(fileURLWithPath: out + "/" + (name == "summary.csv" ? name : "Examples--" + name)))
            let expected = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/Reports/examples/" + name))
            #expect(written == expected, "\(name) differs from Reports/examples/\(name)")
        }
    }

    @Test("every XML report validates with xmllint --schema Reports/report.xsd")
    func xmllintValidatesReports() throws {
        let xmllint = try #require(findExecutable("xmllint"), "xmllint is needed: apt-get install libxml2-utils")
        let out = try temporaryDirectory()
        _ = try mbt(["score", "Examples/clinic-example.xml", "Tests/MuscleBalanceTests/Fixtures/measurements/duplicate-patient.xml", "--out", out])
        let single = out + "/single.xml"
        try (try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-0003", "--format", "xml"])).stdout
            .write(toFile: single, atomically: true, encoding: .utf8)
        for path in [out + "/Examples--clinic-example.report.xml", out + "/Tests--MuscleBalanceTests--Fixtures--measurements--duplicate-patient.report.xml", single, Paths.packageRoot + "/Reports/examples/clinic-example.report.xml"] {
            let check = try run(xmllint, ["--noout", "--nonet", "--schema", Paths.packageRoot + "/Reports/report.xsd", path])
            #expect(check.status == 0, "\(path): \(check.stderr)")
        }
    }

    @Test("a batch with bad files and a bad patient: the rest is scored, the bad ones listed, exit 2 (a file cannot be read), nothing half-written")
    func badInputsInABatch() throws {
        let out = try temporaryDirectory()
        let result = try mbt([
            "score", "Examples/clinic-example.xml", "Tests/MuscleBalanceTests/Fixtures/hostile/truncated.xml",
            "Tests/MuscleBalanceTests/Fixtures/measurements/duplicate-patient.xml", "no-such-file.xml", "--out", out,
        ])
        #expect(result.status == 2)
        #expect(result.stdout.contains("4 files: 2 reported, 2 failed; 4 patients scored, 1 skipped"))
        #expect(result.stdout.contains("duplicate-patient.xml:18:12: error: duplicate patient id 'RP-0001'"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        // No report at all for the broken files, and no temporary left behind.
        // Named from their paths relative to the checkout (the folder mbt ran in).
        let duplicate = "Tests--MuscleBalanceTests--Fixtures--measurements--duplicate-patient"
        #expect(files == [
            "Examples--clinic-example.report.txt", "Examples--clinic-example.report.xml", duplicate + ".report.txt", duplicate + ".report.xml", "summary.csv",
        ])
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
        let lines = summary.split(separator: "\n")
        // Then a column per instrument of the protocol (empty here: the example has no outcomes).
        #expect(lines.first == "file,patient,date,overall_index,grade,top_findings,status,nprs,odi,rmdq,psfs,start-back")
        #expect(lines.contains { $0.hasPrefix("Tests/MuscleBalanceTests/Fixtures/hostile/truncated.xml,,,,,,file error:") })
        #expect(lines.contains { $0.hasPrefix("no-such-file.xml,,,,,,file error: cannot open") })
        #expect(lines.contains { $0.contains(",RP-0001,,,,,\"error: line 18: duplicate patient id 'RP-0001'") })
        #expect(lines.count { $0.hasSuffix(",scored,,,,,") } == 5)  // 4 sessions of the example + 1 patient
        #expect(lines.contains { $0.hasPrefix("no-such-file.xml,,,,,,file error: cannot open") && $0.hasSuffix(",,,,,") })
        // The bad patient is named in the XML report, not silently dropped.
        let xml = try String(contentsOfFile: out + "/" + duplicate + ".report.xml", encoding: .utf8)
        #expect(xml.contains("<skipped patient=\"RP-0001\" line=\"18\">"))
        // And in the printed report: every patient of the file is accounted for on paper too.
        let text = try String(contentsOfFile: out + "/" + duplicate + ".report.txt", encoding: .utf8)
        #expect(text.contains("Patient RP-0001: NOT SCORED (line 18 of"), "\(text.prefix(400))")
        #expect(text.contains("Why: line 18: duplicate patient id 'RP-0001'"))
    }

    @Test("score --quiet prints errors only, as validate and import do; the reports are the same")
    func quiet() throws {
        let loud = try temporaryDirectory(), hushed = try temporaryDirectory()
        let bad = "Tests/MuscleBalanceTests/Fixtures/measurements/duplicate-patient.xml"
        let plain = try mbt(["score", "Examples/clinic-example.xml", bad, "--out", loud])
        let quiet = try mbt(["score", "Examples/clinic-example.xml", bad, "--out", hushed, "--quiet"])
        #expect(plain.stdout.contains(": warning: "))
        #expect(!quiet.stdout.contains(": warning: "), "\(quiet.stdout)")
        #expect(quiet.stdout.contains(": error: duplicate patient id"))
        #expect(quiet.status == plain.status)
        for name in ["Examples--clinic-example.report.txt", "Examples--clinic-example.report.xml", "summary.csv"] {
            #expect(try String(contentsOfFile: loud + "/" + name, encoding: .utf8) == String(contentsOfFile: hushed + "/" + name, encoding: .utf8))
        }
    }

    @Test("mbt report prints one patient, a chosen session, and says when the patient or session is not there")
    func report() throws {
        let latest = try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-0003"])
        #expect(latest.status == 0)
        #expect(latest.stdout.contains("Session 2026-11-05"))
        #expect(latest.stdout.contains("PROGRESS SINCE 2026-09-15"))
        #expect(latest.stdout.contains("Inversion table: NOT RECOMMENDED: Hypertension (contraindicated)"))
        #expect(latest.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let earlier = try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-0003", "--session", "2026-09-15"])
        #expect(earlier.stdout.contains("Session 2026-09-15"))
        #expect(!earlier.stdout.contains("PROGRESS SINCE"))
        // A --patient that names no one: the same id in another case, or the nearest one.
        let cased = try mbt(["report", "Examples/clinic-example.xml", "--patient", "rp-0003"])
        #expect(cased.status == 1 && cased.stderr.contains("no patient with id 'rp-0003'; did you mean 'RP-0003'?"), "\(cased.stderr)")
        let typo = try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-003"])
        #expect(typo.stderr.contains("did you mean 'RP-0003'?"), "\(typo.stderr)")
        let nobody = try mbt(["report", "Examples/clinic-example.xml", "--patient", "XYZ"])
        #expect(nobody.stderr.contains("no patient with id 'XYZ'") && !nobody.stderr.contains("did you mean"))
        let missing = try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-9999"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no patient with id 'RP-9999'"))
        let noSession = try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-0003", "--session", "2026-01-01"])
        #expect(noSession.status == 1)
        #expect(noSession.stderr.contains("sessions: 2026-09-15, 2026-11-05"))
        let badDate = try mbt(["report", "Examples/clinic-example.xml", "--patient", "RP-0003", "--session", "yesterday"])
        #expect(badDate.status == 2)
    }

    @Test("the printed report: 80 columns, a form feed between patients, sources as footnotes")
    func printable() throws {
        let text = try String(contentsOfFile: Paths.packageRoot + "/Reports/examples/clinic-example.report.txt", encoding: .utf8)
        #expect(text.components(separatedBy: "\u{0C}").count == 3)
        for line in text.split(separator: "\n") {
            #expect(line.filter { $0 != "\u{0C}" }.count <= 80, "\(line)")
        }
        #expect(text.contains("[1] McKay MJ, Baldwin JN, Ferreira P, Simic M, Vanicek N, Burns J."))
        #expect(text.contains("transcriber's grouping, not read in the paper. (code)"), "the source tag is shown")
        #expect(text.contains("1. Side-lying hip abduction - left side only"))
    }
}
