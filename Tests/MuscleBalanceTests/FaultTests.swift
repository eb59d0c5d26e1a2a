import BatchEngine
import TestSupport
import Foundation
import MuscleBalance
import Testing

/// Faults from outside: signals, full disks, concurrent runs, large bad batches, encodings.
/// Every test runs the built `mbt` on real files in a temporary folder.
@Suite("Faults", .serialized)
struct FaultTests {
    let scratch = Scratch("fault")

    func temporaryDirectory(_ name: String) throws -> String {
        try scratch.directory(name)
    }

    func generate(_ path: String, patients: Int, seed: UInt64) throws {
        var text = ""
        SyntheticClinic(patients: patients, seed: seed).write { text += $0 }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    /// Starts `mbt`, waits until it is writing a report (a temporary exists), then signals it.
    func interrupt(_ arguments: [String], in out: String, with signal: Int32) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning, try !entries(out).contains(where: { $0.contains(".tmp-") && !$0.contains("write-check") }) {
            usleep(2_000)
        }
        kill(process.processIdentifier, signal)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The folder of `path`: what a clinic passes as --base for the files of one folder.
    func dir(of path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    /// A 1,000-patient file scored once into `out`: the report a later, broken run must keep.
    func scoredOnce(_ name: String, seed: UInt64) throws -> (input: String, out: String, report: Data) {
        let dir = try temporaryDirectory(name)
        let input = dir + "/big.xml"
        try generate(input, patients: 1000, seed: seed)
        let out = dir + "/out"
        #expect(try run(Paths.mbtBinary, ["score", input, "--out", out, "--base", dir]).status == 0)
        return (input, out, try Data(contentsOf: URL(fileURLWithPath: out + "/big.report.xml")))
    }

    @Test("SIGINT and SIGTERM stop the batch cleanly: old reports kept, no temporaries, how far it got")
    func interruptCleanly() throws {
        let (input, out, before) = try scoredOnce("signal", seed: 7)
        for (signal, status, name) in [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")] {
            let result = try interrupt(["score", input, "--out", out, "--base", dir(of: input)], in: out, with: signal)
            #expect(result.status == status, "\(result.stderr)")
            #expect(result.stderr.contains("interrupted by \(name): 0 of 1 files have complete reports"), "\(result.stderr)")
            #expect(try entries(out) == ["big.report.txt", "big.report.xml", "summary.csv"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/big.report.xml")) == before, "the old report is intact")
            let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
            // The signal lands as soon as a temporary exists; summary.csv's is made first, so
            // on a loaded machine the file may not have started yet ("not scored") rather than
            // be stopped halfway ("file error"). Either way its row says it was interrupted.
            #expect(summary.contains("file error: interrupted") || summary.contains("not scored: interrupted"), "\(summary)")
        }
    }

    @Test("SIGKILL leaves the old report whole; the next run removes the dead run's temporaries at once, and a live writer's stay")
    func killed() throws {
        let (input, out, before) = try scoredOnce("kill", seed: 8)
        _ = try interrupt(["score", input, "--out", out, "--base", dir(of: input)], in: out, with: SIGKILL)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/big.report.xml")) == before)
        let orphans = try entries(out).filter { $0.contains(".tmp-") }
        #expect(!orphans.isEmpty, "a killed run cannot clean up after itself")
        // A live writer's temporary: this test process, holding its lock, as a running mbt does.
        let live = ".live.report.xml.tmp-\(WriterTag.current)-AbCdEf"
        // Another machine's (a shard on another node of a cluster): pid 999999 is no process
        // here, which says nothing of that machine; it is fresh, so it stays too.
        let otherHost = ".other.report.xml.tmp-999999-0badc0de-AbCdEf"
        for name in [live, otherHost] { #expect(FileManager.default.createFile(atPath: out + "/" + name, contents: Data("writing".utf8))) }
        let fd = open(out + "/" + live, O_RDONLY)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        // Right away, not a minute later: the dead run's pid and host are in the names.
        #expect(try run(Paths.mbtBinary, ["score", Paths.example, "--out", out]).status == 0)
        #expect(try entries(out).filter { $0.contains(".tmp-") }.sorted() == [live, otherHost].sorted())
    }

    /// ThreadSanitizer's runtime maps files of its own and dies with SIGBUS under a file-size
    /// limit, before mbt runs: that one case is left to the plain and ASan runs.
    static let underThreadSanitizer = ProcessInfo.processInfo.environment["MBT_SANITIZER"] == "thread"

    /// 64 blocks of 1 KiB: the summary fits, a 200-patient report does not (a buffered write
    /// fails). 4,096 blocks: four 1 MiB chunks of a 1,000-patient XML report go out with
    /// O_DIRECT, and the fifth fails on the chunk writer's thread.
    @Test(
        "a write that fails (file-size limit: EFBIG), buffered or on the chunk writer's thread, is a clear error and leaves nothing partial",
        .disabled(if: underThreadSanitizer), arguments: [(patients: 200, blocks: 64), (patients: 1000, blocks: 4096)])
    func fileTooLarge(patients: Int, blocks: Int) throws {
        let dir = try temporaryDirectory("efbig")
        let input = dir + "/big.xml"
        try generate(input, patients: patients, seed: 9)
        let out = dir + "/out"
        let result = try run("/bin/bash", ["-c", "ulimit -f \(blocks); exec \"$0\" score \"$1\" --out \"$2\" --base \"$3\"", Paths.mbtBinary, input, out, dir])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("big.report.xml': File too large"), "\(result.stdout)")
        #expect(try entries(out) == ["summary.csv"])
    }

    static let canMount: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

    /// A tmpfs of `kib` KiB mounted at `path` (made if missing): a disk that fills up.
    func mountTmpfs(kib: Int, at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kib)k", "tmpfs", path])
        try #require(mount.status == 0, "mount refused: \(mount.stderr)")
    }

    @Test("a full disk (a 64 KiB tmpfs) is a clear error and leaves nothing partial", .enabled(if: canMount))
    func fullDisk() throws {
        let dir = try temporaryDirectory("enospc")
        let input = dir + "/big.xml"
        try generate(input, patients: 200, seed: 10)
        let out = dir + "/tiny"
        try mountTmpfs(kib: 64, at: out)
        defer { _ = try? run("/bin/umount", [out]) }
        let result = try run(Paths.mbtBinary, ["score", input, "--out", out])
        #expect(result.status == 1)
        #expect(result.stdout.contains("No space left on device"), "\(result.stdout)")
        #expect(try entries(out).allSatisfy { !$0.contains(".tmp-") && !$0.hasSuffix(".report.xml") })
    }

    @Test("two runs into one folder at once: every report whole and valid")
    func concurrentRuns() throws {
        let dir = try temporaryDirectory("concurrent")
        var inputs: [String] = []
        for i in 0..<4 {
            let path = dir + "/clinic-\(i).xml"
            try generate(path, patients: 60, seed: UInt64(20 + i))
            inputs.append(path)
        }
        let out = dir + "/out"
        let reference = dir + "/reference"
        #expect(try run(Paths.mbtBinary, ["score"] + inputs + ["--out", reference]).status == 0)
        let processes = try (0..<2).map { _ -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
            p.arguments = ["score"] + inputs + ["--out", out]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        processes.forEach { $0.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        #expect(try entries(out) == entries(reference))
        for name in try entries(reference) {
            let a = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: reference + "/" + name))
            #expect(a == b, "\(name)")
        }
    }

    @Test("1,000 files, 100 of them bad: 900 complete reports, 100 precise errors, a summary of both, exit 1; inputs untouched")
    func thousandFiles() throws {
        let dir = try temporaryDirectory("thousand")
        let valid = try String(contentsOfFile: Paths.fixtures + "/measurements/valid-clinic.xml", encoding: .utf8)
        let breakers: [(String) -> String] = [
            { String($0.prefix(400)) },  // truncated
            { $0.replacingOccurrences(of: "</session>", with: "</sesion>") },  // malformed
            { _ in "" },  // empty
            { $0.replacingOccurrences(of: "urn:musclebalance:measurements:1", with: "urn:other") },  // wrong namespace
            { $0.replacingOccurrences(of: "protocol=\"lumbopelvic-balance\"", with: "protocol=\"nope\"") },  // unknown protocol
            { $0.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY e SYSTEM \"/etc/passwd\">]>") },
        ]
        var inputs: [String] = []
        for i in 0..<1000 {
            let path = dir + "/clinic-\(i).xml"
            let text = i % 10 == 3 ? breakers[(i / 10) % breakers.count](valid) : valid.replacingOccurrences(of: "RP-0001", with: "RP-\(i)")
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            inputs.append(path)
        }
        let before = try inputs.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let out = dir + "/out"
        let result = try run(Paths.mbtBinary, ["score"] + inputs + ["--out", out])
        #expect(result.status == 1)
        #expect(result.stdout.contains("1000 files: 900 reported, 100 failed; 1800 patients scored, 0 skipped"), "\(result.stdout.suffix(300))")
        let names = try entries(out)
        #expect(names.count { $0.hasSuffix(".report.xml") } == 900)
        #expect(names.count { $0.hasSuffix(".report.txt") } == 900)
        #expect(!names.contains { $0.contains(".tmp-") })
        for i in stride(from: 3, to: 1000, by: 10) {
            #expect(!names.contains("clinic-\(i).report.xml"))
            #expect(result.stdout.contains("/clinic-\(i).xml:"), "an error names clinic-\(i).xml with its position")
        }
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n")
        #expect(summary.count { $0.contains(",file error: ") || $0.contains(",\"file error: ") } == 100)
        #expect(summary.count { $0.contains(",scored,") } == 1800)
        let after = try inputs.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(before == after)
    }

    /// The disk fills while the pair is put in place: before, the XML report was renamed into
    /// place before the text report's last buffer was written, so a file listed as failed kept
    /// a new XML report without its text (seen at 7,400-7,480 KiB for these 200 patients).
    @Test("a full disk at any point leaves both reports of a file or neither (a tmpfs swept around the pair's size)", .enabled(if: canMount))
    func fullDiskNeverHalfAPair() throws {
        let dir = try temporaryDirectory("pair")
        let input = dir + "/pair.xml"
        try generate(input, patients: 200, seed: 10)
        let sized = dir + "/sized"
        #expect(try run(Paths.mbtBinary, ["score", input, "--out", sized, "--base", dir]).status == 0)
        func size(_ name: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: sized + "/" + name)[.size] as? Int ?? 0 }
        let pairKiB = (try size("pair.report.xml") + size("pair.report.txt")) / 1024
        for kib in stride(from: pairKiB - 120, through: pairKiB + 60, by: 20) {
            let out = dir + "/tiny-\(kib)"
            try mountTmpfs(kib: kib, at: out)
            defer { _ = try? run("/bin/umount", [out]) }
            let result = try run(Paths.mbtBinary, ["score", input, "--out", out, "--base", dir])
            let names = try entries(out)
            let pair = names.filter { $0.hasPrefix("pair.report.") }
            #expect(pair.isEmpty || pair == ["pair.report.txt", "pair.report.xml"], "\(kib) KiB: \(names)")
            #expect(names.allSatisfy { !$0.contains(".tmp-") }, "\(kib) KiB: \(names)")
            // A file listed as failed has no report at all.
            if result.stdout.contains("1 failed") { #expect(pair.isEmpty, "\(kib) KiB: \(names)") }
        }
    }

    @Test("a large file's summary rows spill to disk and merge back whole; orphaned parts of dead runs are removed")
    func summarySpill() throws {
        let dir = try temporaryDirectory("spill")
        let input = dir + "/many.xml"
        try generate(input, patients: 2500, seed: 11)
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // A part left by a run that no longer exists (pid 999999 is above Linux's pid_max).
        let orphan = out + "/.summary.csv.part-999999-\(WriterTag.hostHash)-AbCdEf"
        try "stale\n".write(toFile: orphan, atomically: false, encoding: .utf8)
        let result = try run(Paths.mbtBinary, ["score", input, "--out", out, "--base", dir])
        #expect(result.status == 0)
        #expect(try entries(out) == ["many.report.txt", "many.report.xml", "summary.csv"])
        let rows = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n")
        // Every fifth patient has two sessions: 2500 + 500 rows, and the header.
        #expect(rows.count == 3001)
        #expect(rows.dropFirst().allSatisfy { $0.contains(",scored,") })
        #expect(rows[1].contains(",SYN-1,") && rows[3000].contains(",SYN-2500,"))
    }

    @Test("UTF-16 and byte-order marks score; invalid UTF-8 is a positioned error", arguments: [
        ("utf8-bom.xml", true), ("utf16le-bom.xml", true), ("utf16be-bom.xml", true), ("latin1-declared.xml", true), ("invalid-utf8.xml", false),
    ])
    func encodings(name: String, scores: Bool) throws {
        let out = try temporaryDirectory("encoding")
        let input = Paths.fixtures + "/encodings/" + name
        let result = try run(Paths.mbtBinary, ["score", input, "--out", out])
        if scores {
            #expect(result.status == 0, "\(result.stdout)")
            #expect(result.stdout.contains("2 patients scored"))
        } else {
            #expect(result.status == 1)
            #expect(result.stdout.contains("invalid-utf8.xml:3:103: error: Input is not proper UTF-8"), "\(result.stdout)")
            #expect(try entries(out) == ["summary.csv"])
        }
    }
}
