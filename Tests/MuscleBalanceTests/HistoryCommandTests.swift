import Foundation
import TestSupport
import Testing

/// `mbt history`, end to end with the built binary: the worked example of three visit files
/// (Examples/visits) with every figure worked by hand, the store's rules as a clinician meets
/// them, its audit trail, and the store read back by the `sqlite3` shell.
@Suite("History commands", .serialized)
struct HistoryCommandTests {
    let scratch = Scratch("history-commands")
    static let visits = (1...3).map { Paths.packageRoot + "/Examples/visits/visit\($0).xml" }

    func mbt(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> RunResult {
        try run(Paths.mbtBinary, arguments, currentDirectory: folder, environment: environment)
    }

    func sqlite3(_ path: String, _ sql: String) throws -> String {
        let shell = try #require(findExecutable("sqlite3"), "sqlite3 is not installed (apt-get install sqlite3)")
        return try run(shell, ["-readonly", path, sql]).stdout
    }

    @Test("three visit files make one course of care: each change against the visit before and the baseline, as worked by hand")
    func workedExample() throws {
        let folder = try scratch.directory("worked")
        let imported = try mbt(["history", "import"] + Self.visits, in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasSuffix("3 files: 3 added, 0 unchanged, 0 amended, 0 refused, in mbt-history.sqlite\n"), "\(imported.stdout)")
        let shown = try mbt(["history", "show", "--patient", "LK-0101", "--test", "hip-abduction-strength", "--format", "csv"], in: folder)
        #expect(shown.status == 0, "\(shown.stderr)")
        let rows = shown.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 7)
        // Left: 145 -> 175 -> 198 N over 35 and 28 days. The protocol's measurement error for
        // hip abduction is 5% of the earlier value either way (Thorborg 2010): +30 / 145 =
        // 20.7%, +23 / 175 = 13.1% and +53 / 145 = 36.6% are each beyond it; higher is better.
        // z against McKay 2017, men 20-59, 170.7 (43.9): (145 - 170.7) / 43.9 = -0.585.
        #expect(rows[1] == ["Lakeside Physiotherapy", "LK-0101", "hip-abduction-strength", "left", "N", "2026-09-01", "145.000", "-0.585", "normal", "", "", "", "", "", "", "", ""])
        #expect(rows[2] == ["Lakeside Physiotherapy", "LK-0101", "hip-abduction-strength", "left", "N", "2026-10-06", "175.000", "0.098", "normal", "30.000", "20.7", "35", "improved", "30.000", "20.7", "35", "improved"])
        #expect(rows[3] == ["Lakeside Physiotherapy", "LK-0101", "hip-abduction-strength", "left", "N", "2026-11-03", "198.000", "0.622", "normal", "23.000", "13.1", "28", "improved", "53.000", "36.6", "63", "improved"])
        // Right: 210 -> 212 -> 214, +0.9% at the last step and +1.9% over the course: within 5%.
        #expect(rows[6].suffix(8) == ["2.000", "0.9", "28", "within-mdc", "4.000", "1.9", "63", "within-mdc"])
        let text = try mbt(["history", "show", "--patient", "LK-0101"], in: folder)
        #expect(text.stdout.contains("  2026-11-03     198.0    0.62  normal    +23.0 (+13.1%) 28 d improved         +53.0 (+36.6%) 63 d improved\n"), "\(text.stdout)")
        // The store, read by another client: write-ahead log, three current sessions, their
        // figures (packed as SQLite's archive format packs a file: the shell unpacks them).
        let store = folder + "/mbt-history.sqlite"
        #expect(try sqlite3(store, "PRAGMA journal_mode; SELECT count(*) FROM session WHERE state = 'current';") == "wal\n3\n")
        let figures = try sqlite3(store, "SELECT CAST(sqlar_uncompress(figures, figuresSize) AS TEXT) FROM session ORDER BY date;").split(separator: "\n").filter { $0.hasPrefix("result\thip-abduction-strength\tleft\t") }
        #expect(figures.map { $0.split(separator: "\t", omittingEmptySubsequences: false)[3] } == ["145", "175", "198"])
    }

    @Test("export --format fhir: a Bundle per current session, each the one mbt score --fhir writes for its visit file; again, the same bytes; no --fhir-system: refused")
    func exportFHIR() throws {
        let folder = try scratch.directory("fhir")
        #expect(try mbt(["history", "import"] + Self.visits, in: folder).status == 0)
        let system = "https://lakeside.example/patients"
        let exported = try mbt(["history", "export", "--format", "fhir", "--fhir-system", system], in: folder)
        #expect(exported.status == 0, "\(exported.stderr)")
        let lines = exported.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        for (n, visit) in Self.visits.enumerated() {
            let scored = try mbt(["score", visit, "--out", "v\(n)", "--fhir", system], in: folder)
            #expect(scored.status == 0, "\(scored.stderr)")
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/v\(n)").first { $0.hasSuffix(".fhir.ndjson") })
            #expect(try String(contentsOfFile: folder + "/v\(n)/" + name, encoding: .utf8) == lines[n] + "\n", "visit \(n + 1)")
        }
        #expect(try mbt(["history", "export", "--format", "fhir", "--fhir-system", system], in: folder).stdout == exported.stdout)
        let missing = try mbt(["history", "export", "--format", "fhir"], in: folder)
        #expect(missing.status != 0 && missing.stderr.contains("--format fhir needs --fhir-system"), "\(missing.stderr)")
    }

    @Test("again: unchanged; a changed session refused with what differs while the rest of the file lands; --amend; retract; the audit trail")
    func rulesAtTheTerminal() throws {
        let folder = try scratch.directory("rules")
        #expect(try mbt(["history", "import", Self.visits[0], Self.visits[1]], in: folder).status == 0)
        let again = try mbt(["history", "import", Self.visits[0]], in: folder)
        #expect(again.status == 0 && again.stdout.contains("visit1.xml: 0 added, 1 unchanged, 0 amended, 0 refused"), "\(again.stdout)")
        // Visit 2 typed again with 176 for 175, and a second patient in the same file.
        var changed = try String(contentsOfFile: Self.visits[1], encoding: .utf8).replacingOccurrences(of: "value=\"175\"", with: "value=\"176\"")
        changed = changed.replacingOccurrences(of: "</measurements>", with: """
              <patient id="LK-0102" sex="female" birthDate="1991-02-03">
                <session date="2026-10-06"><measure test="hip-abduction-strength" side="left" unit="N" value="120"/><measure test="hip-abduction-strength" side="right" unit="N" value="125"/></session>
              </patient>
            </measurements>
            """)
        try changed.write(toFile: folder + "/visit2-retyped.xml", atomically: true, encoding: .utf8)
        let refused = try mbt(["history", "import", "visit2-retyped.xml"], in: folder)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("visit2-retyped.xml: error: patient 'LK-0101' on 2026-10-06 differs from the stored session, and was not stored: measure hip-abduction-strength left: was <measure test=\"hip-abduction-strength\" side=\"left\" unit=\"N\" value=\"175\"/>, now <measure test=\"hip-abduction-strength\" side=\"left\" unit=\"N\" value=\"176\"/>; to store it as a new revision, keeping the old one, give --amend REASON"), "\(refused.stderr)")
        #expect(refused.stdout.contains("visit2-retyped.xml: 1 added, 0 unchanged, 0 amended, 1 refused"), "\(refused.stdout)")
        let amended = try mbt(["history", "import", "visit2-retyped.xml", "--amend", "dynamometer read again: 176"], in: folder)
        #expect(amended.status == 0 && amended.stdout.contains("0 added, 1 unchanged, 1 amended, 0 refused"), "\(amended.stdout)\(amended.stderr)")
        let shown = try mbt(["history", "show", "--patient", "LK-0101", "--test", "hip-abduction-strength", "--format", "csv"], in: folder)
        #expect(shown.stdout.contains(",left,N,2026-10-06,176.000,"), "\(shown.stdout)")
        let retracted = try mbt(["history", "retract", "--patient", "LK-0101", "--date", "2026-10-06", "--reason", "entered for the wrong patient"], in: folder)
        #expect(retracted.status == 0, "\(retracted.stderr)")
        let after = try mbt(["history", "show", "--patient", "LK-0101", "--format", "csv"], in: folder)
        #expect(!after.stdout.contains("2026-10-06") && after.stdout.contains("2026-09-01"))
        // One row per file of each import (the first imported two), then the withdrawal.
        let log = try mbt(["history", "log"], in: folder).stdout.split(separator: "\n").map(String.init)
        #expect(log.count == 6, "\(log)")
        #expect(log[3].contains("  mbt 0.") && log[3].contains("import visit2-retyped.xml (sha256 ") && log[3].hasSuffix(": 1 added, 0 unchanged, 0 amended, 1 refused"), "\(log[3])")
        #expect(log[4].contains(": 0 added, 1 unchanged, 1 amended, 0 refused"))
        #expect(log[5].contains("retract Lakeside Physiotherapy LK-0101 2026-10-06") && log[5].hasSuffix(": 1 withdrawn"), "\(log[5])")
        // Each line starts with the time in UTC, to the second, and the user.
        for line in log {
            let chars = Array(line)
            #expect(chars.count > 22 && chars[4] == "-" && chars[10] == "T" && chars[19] == "Z" && chars[20] == " ", "\(line)")
        }
        // Nothing was deleted: every revision is there, each with what ended it.
        #expect(try sqlite3(folder + "/mbt-history.sqlite", "SELECT revision, state, endReason FROM session JOIN patient p ON p.id = session.patient WHERE p.patientID = 'LK-0101' AND date = '2026-10-06' ORDER BY revision;")
            == "1|superseded|dynamometer read again: 176\n2|withdrawn|entered for the wrong patient\n")
        #expect(try mbt(["history", "check"], in: folder).status == 0)
    }

    @Test("what cannot be used is exit status 2 with the reason: a store on NFS, a file that is not a store, a show of no store")
    func refusals() throws {
        let folder = try scratch.directory("refusals")
        let nfs = try mbt(["history", "import", Self.visits[0]], in: folder, environment: ["MBT_HISTORY_ASSUME_FILESYSTEM": "nfs"])
        #expect(nfs.status == 2 && nfs.stderr.contains("is on NFS, a network file system: SQLite's write-ahead log needs every writer on one machine"), "\(nfs.stderr)")
        try "hello".write(toFile: folder + "/notes.sqlite", atomically: true, encoding: .utf8)
        let notStore = try mbt(["history", "import", Self.visits[0], "--history", "notes.sqlite"], in: folder)
        #expect(notStore.status == 2 && notStore.stderr.contains("'notes.sqlite' is not a history store (not an SQLite database)"), "\(notStore.stderr)")
        #expect(try String(contentsOfFile: folder + "/notes.sqlite", encoding: .utf8) == "hello")
        let none = try mbt(["history", "show", "--patient", "LK-0101", "--history", "missing.sqlite"], in: folder)
        #expect(none.status == 2 && none.stderr.contains("there is no history store at 'missing.sqlite'"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/missing.sqlite"))
        // A sheet that `mbt score` would refuse as a whole (an unread column that looks clinical)
        // stores nothing, not even its good patient.
        try "patient_id,sex,birth_date,session_date,medical_history,hip-abduction-strength L (N)\nLK-0101,male,1980-04-12,2026-09-01,hypertension,145\n"
            .write(toFile: folder + "/clinic.csv", atomically: true, encoding: .utf8)
        let sheet = try mbt(["history", "import", "clinic.csv", "--history", "sheet.sqlite"], in: folder)
        #expect(sheet.status == 1 && sheet.stderr.contains("clinic.csv: error: nothing of the file was stored: it has errors outside any patient"), "\(sheet.stdout)\(sheet.stderr)")
        #expect(try sqlite3(folder + "/sheet.sqlite", "SELECT count(*) FROM session; SELECT count(*) FROM change;") == "0\n0\n")
        // MBT_HISTORY names the store when --history does not.
        let named = try mbt(["history", "import", Self.visits[0]], in: folder, environment: ["MBT_HISTORY": folder + "/env.sqlite"])
        #expect(named.status == 0 && FileManager.default.fileExists(atPath: folder + "/env.sqlite"))
    }

    @Test("SIGKILL in the middle of an import leaves the store consistent: none of the file, or all of it; check is clean")
    func killedMidImport() throws {
        let folder = try scratch.directory("killed")
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "2000", "--seed", "7"], currentDirectory: Paths.packageRoot)
        try generated.stdout.write(toFile: folder + "/big.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["history", "import", Self.visits[0]], in: folder).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
        process.arguments = ["history", "import", "big.xml"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(400_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let check = try mbt(["history", "check"], in: folder)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let sessions = try sqlite3(folder + "/mbt-history.sqlite", "SELECT count(*) FROM session; SELECT count(*) FROM change;")
        // Visit 1 alone (the import never committed), or visit 1 and every session of big.xml.
        #expect(sessions == "1\n1\n" || sessions.hasSuffix("\n2\n"), "\(sessions)")
        if sessions == "1\n1\n" {
            // Importing it now lands it whole.
            let again = try mbt(["history", "import", "big.xml"], in: folder)
            #expect(again.status == 0 && again.stdout.contains(" added, 0 unchanged, 0 amended, 0 refused"), "\(again.stdout)\(again.stderr)")
        }
    }

    @Test("two imports into one store at once: the second waits for the first, both land")
    func twoAtOnce() throws {
        let folder = try scratch.directory("two")
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "600", "--seed", "3"], currentDirectory: Paths.packageRoot)
        try generated.stdout.write(toFile: folder + "/a.xml", atomically: true, encoding: .utf8)
        let other = try run(Paths.mbtBinary, ["generate", "--patients", "600", "--seed", "4"], currentDirectory: Paths.packageRoot)
        try other.stdout.replacingOccurrences(of: "id=\"SYN-", with: "id=\"OTH-").write(toFile: folder + "/b.xml", atomically: true, encoding: .utf8)
        let processes = ["a.xml", "b.xml"].map { file -> (Process, Pipe) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
            p.arguments = ["history", "import", file]
            p.currentDirectoryURL = URL(fileURLWithPath: folder)
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            return (p, pipe)
        }
        for (p, _) in processes { try p.run() }
        for (p, pipe) in processes {
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(out)")
        }
        #expect(try sqlite3(folder + "/mbt-history.sqlite", "SELECT count(*) FROM change; SELECT count(DISTINCT patient) > 1000 FROM session;") == "2\n1\n")
        #expect(try mbt(["history", "check"], in: folder).status == 0)
    }

    @Test("score --history: progress across files from the store, then the run stored; an old report made again later is the same bytes; a snapshot stores nothing")
    func scoreWithHistory() throws {
        let folder = try scratch.directory("score")
        for (i, visit) in Self.visits.enumerated() { try FileManager.default.copyItem(atPath: visit, toPath: folder + "/visit\(i + 1).xml") }
        // Alone, visit 3 has no visit before it.
        #expect(try mbt(["score", "visit3.xml", "--out", "alone"], in: folder).status == 0)
        let alone = try String(contentsOfFile: folder + "/alone/visit3.report.txt", encoding: .utf8)
        #expect(!alone.contains("PROGRESS SINCE"))
        #expect(try mbt(["history", "import", "visit1.xml", "visit2.xml"], in: folder).status == 0)
        let scored = try mbt(["score", "visit3.xml", "--out", "with", "--history", "mbt-history.sqlite"], in: folder)
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.contains("history mbt-history.sqlite: 1 added, 0 unchanged, 0 refused"), "\(scored.stdout)")
        let text = try String(contentsOfFile: folder + "/with/visit3.report.txt", encoding: .utf8)
        // Against visit 2, from the store: +23 / 175 = 13.1%, beyond Thorborg's 5%;
        // the asymmetry (214 - 198)/214 = 7.5% from (212 - 175)/212 = 17.5%.
        #expect(text.contains("PROGRESS SINCE 2026-10-06\n  Hip abduction strength   L    175 -> 198 N         +23  improved (MDC +-5%)\n"), "\(text)")
        #expect(text.contains("  Asymmetry, Hip abduction strength: 17.5% L -> 7.5% L (-10)\n"), "\(text)")
        let xml = try String(contentsOfFile: folder + "/with/visit3.report.xml", encoding: .utf8)
        #expect(xml.contains("date=\"2026-10-06\"") && xml.contains("date=\"2026-11-03\""))
        #expect(try sqlite3(folder + "/mbt-history.sqlite", "SELECT count(*) FROM session WHERE state = 'current'; SELECT command FROM change ORDER BY id DESC LIMIT 1;") == "3\nscore\n")
        // Visit 2's report made now, with visit 3 in the store, uses only what came before it:
        // the same bytes as when the store held visit 1 alone.
        let early = try scratch.directory("early")
        try FileManager.default.copyItem(atPath: folder + "/visit1.xml", toPath: early + "/visit1.xml")
        try FileManager.default.copyItem(atPath: folder + "/visit2.xml", toPath: early + "/visit2.xml")
        #expect(try mbt(["history", "import", "visit1.xml"], in: early).status == 0)
        #expect(try mbt(["score", "visit2.xml", "--out", "then", "--history-snapshot", "mbt-history.sqlite"], in: early).status == 0)
        #expect(try mbt(["score", "visit2.xml", "--out", "now", "--history-snapshot", "mbt-history.sqlite"], in: folder).status == 0)
        for kind in ["xml", "txt"] {
            let then = try Data(contentsOf: URL(fileURLWithPath: early + "/then/visit2.report.\(kind)"))
            let now = try Data(contentsOf: URL(fileURLWithPath: folder + "/now/visit2.report.\(kind)"))
            #expect(then == now, "\(kind)")
        }
        // A snapshot is read, never written: the store's change log did not grow.
        #expect(try sqlite3(folder + "/mbt-history.sqlite", "SELECT count(*) FROM change;") == "3\n")
        // Standard input is stored as `-`, as every report records it.
        let piped = try run(Paths.mbtBinary, ["score", "-", "--out", "piped", "--history", "stdin.sqlite"], currentDirectory: folder, stdin: try String(contentsOfFile: Self.visits[0], encoding: .utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try mbt(["history", "log", "--history", "stdin.sqlite"], in: folder).stdout.contains("  score - (sha256 "))
    }

    @Test("sessions stored by score --history are those import stores: importing the files again finds every one unchanged; a scored report is refused, naming its file")
    func scoreThenImport() throws {
        let folder = try scratch.directory("score-then-import")
        for (i, visit) in Self.visits.enumerated() { try FileManager.default.copyItem(atPath: visit, toPath: folder + "/visit\(i + 1).xml") }
        // A file's sessions go in as soon as its reports are written; several workers, one file at a time each.
        let scored = try mbt(["score", "visit1.xml", "visit2.xml", "visit3.xml", "--out", "reports", "--history", "h.sqlite"], in: folder)
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.contains("history h.sqlite: 3 added, 0 unchanged, 0 refused"), "\(scored.stdout)")
        let again = try mbt(["history", "import", "visit1.xml", "visit2.xml", "visit3.xml", "--history", "h.sqlite"], in: folder)
        #expect(again.stdout.hasSuffix("3 files: 0 added, 3 unchanged, 0 amended, 0 refused, in h.sqlite\n"), "\(again.stdout)\(again.stderr)")
        // The same again through score: unchanged, and the audit row says so.
        let rescored = try mbt(["score", "visit3.xml", "--out", "reports2", "--history", "h.sqlite"], in: folder)
        #expect(rescored.stdout.contains("history h.sqlite: 0 added, 1 unchanged, 0 refused"), "\(rescored.stdout)")
        #expect(try sqlite3(folder + "/h.sqlite", "SELECT command, added, unchanged FROM change ORDER BY id;") == "score|1|0\nscore|1|0\nscore|1|0\nimport|0|1\nimport|0|1\nimport|0|1\nscore|0|1\n")
        // A report is not a measurement file: it keeps no notes, condition dates or units as written.
        let report = try mbt(["history", "import", "reports/visit1.report.xml", "--history", "h.sqlite"], in: folder)
        #expect(report.status == 1)
        #expect(report.stderr.contains("reports/visit1.report.xml: error: this is a scored report, not a measurement file") && report.stderr.contains("import that file ('visit1.xml', its input attribute) instead"), "\(report.stderr)")
    }

    @Test("export --format measurements gives back a file that scores to the original's reports byte for byte; --format csv a row per result")
    func exportRoundTrip() throws {
        let folder = try scratch.directory("export")
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "300", "--seed", "5"], currentDirectory: Paths.packageRoot)
        try generated.stdout.write(toFile: folder + "/clinic.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["history", "import", "clinic.xml"], in: folder).status == 0)
        try FileManager.default.createDirectory(atPath: folder + "/back", withIntermediateDirectories: true)
        let exported = try mbt(["history", "export", "--format", "measurements", "-o", "back/clinic.xml"], in: folder)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try mbt(["score", "clinic.xml", "--out", "original"], in: folder).status == 0)
        #expect(try mbt(["score", "clinic.xml", "--out", "../again"], in: folder + "/back").status == 0)
        for name in ["clinic.report.xml", "clinic.report.txt", "summary.csv"] {
            let original = try Data(contentsOf: URL(fileURLWithPath: folder + "/original/" + name))
            let again = try Data(contentsOf: URL(fileURLWithPath: folder + "/again/" + name))
            #expect(original == again, "\(name)")
        }
        // CSV: a row per result of every current session, read by Python's csv module.
        let csv = try mbt(["history", "export", "--format", "csv", "--patient", "SYN-1"], in: folder)
        let python = try run("/usr/bin/env", ["python3", "-c", "import csv, sys; rows = list(csv.reader(sys.stdin.read().splitlines())); print(len(rows[0]), len(rows) - 1, rows[1][1], rows[1][6])"], environment: [:], stdin: csv.stdout)
        #expect(python.stdout == "12 \(csv.stdout.split(separator: "\n").count - 1) SYN-1 hip-abduction-strength\n", "\(python.stdout)\(python.stderr)")
    }

    @Test("rescore: a new protocol version scores the stored inputs again as new revisions, the old figures kept; run again, nothing to do")
    func rescore() throws {
        let folder = try scratch.directory("rescore")
        #expect(try mbt(["history", "import"] + Self.visits, in: folder).status == 0)
        let original = try String(contentsOfFile: Paths.packageRoot + "/Protocols/lumbopelvic-balance.xml", encoding: .utf8)
        let newer = try #require(original.range(of: "version=\"1.3.0\""))
        try original.replacingCharacters(in: newer, with: "version=\"1.3.1\"").write(toFile: folder + "/lumbopelvic-balance.xml", atomically: true, encoding: .utf8)
        let first = try mbt(["history", "rescore", "--protocol", "lumbopelvic-balance.xml"], in: folder)
        #expect(first.status == 0 && first.stdout.contains("3 sessions of 1 patients re-scored"), "\(first.stdout)\(first.stderr)")
        let again = try mbt(["history", "rescore", "--protocol", "lumbopelvic-balance.xml"], in: folder)
        #expect(again.stdout.contains("0 sessions of 0 patients re-scored"), "\(again.stdout)")
        #expect(try sqlite3(folder + "/mbt-history.sqlite", "SELECT s.revision, s.state, r.version FROM session s JOIN protocol r ON r.id = s.protocol WHERE s.date = '2026-09-01' ORDER BY s.revision;")
            .hasPrefix("1|superseded|1.3.0\n2|current|1.3.1\n"))
        let log = try mbt(["history", "log"], in: folder).stdout
        #expect(log.contains("rescore re-scored with protocol lumbopelvic-balance 1.3.1"), "\(log)")
        #expect(try mbt(["history", "check"], in: folder).status == 0)
    }

    @Test("export --deidentify: codes from a key kept apart and stable, days since the first visit, ages over 89 as 90+, no name, date or clinic")
    func deidentified() throws {
        let folder = try scratch.directory("deid")
        #expect(try mbt(["history", "import"] + Self.visits, in: folder).status == 0)
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <measurements xmlns="urn:musclebalance:measurements:1" protocol="lumbopelvic-balance" clinic="Lakeside Physiotherapy">
              <patient id="LK-0900" name="Ada Old" sex="female" birthDate="1930-06-30" bodyMassKg="60" heightCm="160">
                <session date="2026-10-01" assessor="M. Berg"><measure test="hip-abduction-strength" side="left" unit="N" value="80"/><measure test="hip-abduction-strength" side="right" unit="N" value="84"/></session>
              </patient>
            </measurements>
            """.write(toFile: folder + "/old.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["history", "import", "old.xml"], in: folder).status == 0)
        let first = try mbt(["history", "export", "--format", "csv", "--deidentify", "key.csv", "-o", "out.csv"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let out = try String(contentsOfFile: folder + "/out.csv", encoding: .utf8)
        let key = try String(contentsOfFile: folder + "/key.csv", encoding: .utf8)
        let keyRows = key.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(keyRows.count == 3 && keyRows[0] == ["clinic", "patient_id", "code"])
        let code = try #require(keyRows.first { $0.count == 3 && $0[1] == "LK-0101" }?[2])
        let old = try #require(keyRows.first { $0.count == 3 && $0[1] == "LK-0900" }?[2])
        let rows = out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0] == ["code", "day", "age", "revision", "protocol", "protocol_version", "test", "side", "value", "unit", "z", "grade"])
        // LK-0101, born 1980-04-12: 46 at each visit; days 0, 35, 63 since 2026-09-01.
        let left = rows.filter { $0[0] == code && $0[6] == "hip-abduction-strength" && $0[7] == "left" }
        #expect(left.map { [$0[1], $0[2], $0[8]] } == [["0", "46", "145.000"], ["35", "46", "175.000"], ["63", "46", "198.000"]])
        // Born 1930-06-30, seen 2026-10-01: 96, written 90+.
        #expect(rows.filter { $0[0] == old }.allSatisfy { $0[2] == "90+" && $0[1] == "0" })
        for identifying in ["LK-0101", "LK-0900", "Ada", "Lakeside", "2026-", "1980", "1930", "Berg"] {
            #expect(!out.contains(identifying), "\(identifying)")
        }
        // A second export keeps the codes; the key is not written again.
        #expect(try mbt(["history", "export", "--format", "csv", "--deidentify", "key.csv", "-o", "again.csv"], in: folder).status == 0)
        #expect(try String(contentsOfFile: folder + "/again.csv", encoding: .utf8) == out)
        #expect(try String(contentsOfFile: folder + "/key.csv", encoding: .utf8) == key)
    }

    @Test("merge folds another store in by the import's rules: new added, same unchanged, different refused and listed, nothing overwritten")
    func mergeStores() throws {
        let folder = try scratch.directory("merge")
        #expect(try mbt(["history", "import", Self.visits[0], Self.visits[1], "--history", "a.sqlite"], in: folder).status == 0)
        let retyped = try String(contentsOfFile: Self.visits[0], encoding: .utf8).replacingOccurrences(of: "value=\"145\"", with: "value=\"154\"")
        try retyped.write(toFile: folder + "/visit1-other-site.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["history", "import", "visit1-other-site.xml", Self.visits[1], Self.visits[2], "--history", "b.sqlite"], in: folder).status == 0)
        let merged = try mbt(["history", "merge", "b.sqlite", "--history", "a.sqlite"], in: folder)
        #expect(merged.status == 1)
        #expect(merged.stdout.contains("b.sqlite: 1 added, 1 unchanged, 1 refused"), "\(merged.stdout)")
        #expect(merged.stderr.contains("b.sqlite: error: patient 'LK-0101' on 2026-09-01 differs from this store's session, and was not merged: measure hip-abduction-strength left: was"), "\(merged.stderr)")
        let shown = try mbt(["history", "show", "--patient", "LK-0101", "--test", "hip-abduction-strength", "--format", "csv", "--history", "a.sqlite"], in: folder)
        #expect(shown.stdout.contains(",left,N,2026-09-01,145.000,") && shown.stdout.contains(",left,N,2026-11-03,198.000,"), "\(shown.stdout)")
        #expect(try sqlite3(folder + "/a.sqlite", "SELECT command, added, unchanged, refused FROM change ORDER BY id DESC LIMIT 1;") == "merge|1|1|1\n")
        #expect(try mbt(["history", "check", "--history", "b.sqlite"], in: folder).status == 0)
    }

    static let canMount: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

    @Test("a full disk in the middle of an import stores nothing of the file, says so, and leaves the store sound", .enabled(if: canMount))
    func fullDisk() throws {
        let folder = try scratch.directory("full")
        let disk = folder + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", disk])
        try #require(mount.status == 0, "mount refused: \(mount.stderr)")
        defer { _ = try? run("/bin/umount", [disk]) }
        #expect(try mbt(["history", "import", Self.visits[0], "--history", "disk/h.sqlite"], in: folder).status == 0)
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "400", "--seed", "9"], currentDirectory: Paths.packageRoot)
        try generated.stdout.write(toFile: folder + "/big.xml", atomically: true, encoding: .utf8)
        let full = try mbt(["history", "import", "big.xml", "--history", "disk/h.sqlite"], in: folder)
        #expect(full.status == 2, "\(full.stdout)\(full.stderr)")
        #expect(full.stderr.contains("big.xml: error: nothing of the file was stored: the disk holding the history store 'disk/h.sqlite' is full"), "\(full.stderr)")
        let check = try mbt(["history", "check", "--history", "disk/h.sqlite"], in: folder)
        #expect(check.status == 0 && check.stdout.contains("1 session revisions (1 current); sound"), "\(check.stdout)\(check.stderr)")
    }

    @Test("a truncated or damaged store is an error with the reason, never a crash")
    func damagedStore() throws {
        let folder = try scratch.directory("damaged")
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "200", "--seed", "2"], currentDirectory: Paths.packageRoot)
        try generated.stdout.write(toFile: folder + "/c.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["history", "import", "c.xml"], in: folder).status == 0)
        let shell = try #require(findExecutable("sqlite3"))
        _ = try run(shell, [folder + "/mbt-history.sqlite", "PRAGMA wal_checkpoint(TRUNCATE);"])
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder + "/mbt-history.sqlite"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: folder + "/truncated.sqlite"))
        var garbled = whole
        for i in stride(from: 8192, to: min(garbled.count, 8192 * 6), by: 7) { garbled[i] = 0x5A }
        try garbled.write(to: URL(fileURLWithPath: folder + "/garbled.sqlite"))
        for name in ["truncated.sqlite", "garbled.sqlite"] {
            for command in [["history", "check"], ["history", "show", "--patient", "SYN-150"], ["history", "import", "c.xml"]] {
                let result = try mbt(command + ["--history", name], in: folder)
                #expect(result.status == 1 || result.status == 2, "\(name) \(command): \(result.status)")
                #expect(result.status < 128 && !result.stderr.contains("Fatal error"), "\(name) \(command): \(result.stderr)")
                #expect(result.stderr.contains(name), "\(name) \(command): \(result.stdout)\(result.stderr)")
            }
        }
    }
}
