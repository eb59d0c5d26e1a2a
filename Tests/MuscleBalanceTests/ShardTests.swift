import Foundation
import TestSupport
import Testing

/// A batch split over machines: N shard runs (here concurrent processes, as a cluster's job
/// array would start them) and `mbt merge` give byte for byte the reports and the summary of
/// one run.
@Suite("Shards")
struct ShardTests {
    let scratch = Scratch("shards")

    /// Eight clinic files of different sizes in a folder, and a list of them in shuffled order.
    func batch() throws -> (root: String, list: String) {
        let root = try scratch.directory("batch")
        try FileManager.default.createDirectory(atPath: root + "/clinic", withIntermediateDirectories: true)
        var names: [String] = []
        for n in 1...8 {
            let out = try run(Paths.mbtBinary, ["generate", "--patients", "\(n * 9)", "--seed", "\(n)"], currentDirectory: Paths.packageRoot)
            try out.stdout.write(toFile: root + "/clinic/week-\(n).xml", atomically: false, encoding: .utf8)
            names.append("clinic/week-\(n).xml")
        }
        // One file with a bad patient, so a skipped row is merged too.
        let bad = try String(contentsOfFile: Paths.fixtures + "/measurements/duplicate-patient.xml", encoding: .utf8)
        try bad.write(toFile: root + "/clinic/week-9.xml", atomically: false, encoding: .utf8)
        names.append("clinic/week-9.xml")
        let list = root + "/files.txt"
        try ([names[3], names[0], names[8]] + names[4...7] + [names[2], names[1]]).joined(separator: "\n").appending("\n")
            .write(toFile: list, atomically: false, encoding: .utf8)
        return (root, list)
    }

    func contents(_ folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !name.hasPrefix("summary-") {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return result
    }

    @Test("3 concurrent shards and mbt merge give the reports and summary of one run, byte for byte", arguments: [1, 3, 4])
    func shardsEqualOneRun(parts: Int) throws {
        let (root, list) = try batch()
        let one = try run(Paths.mbtBinary, ["score", "--files-from", list, "--out", "one"], currentDirectory: root)
        #expect(one.status == 1, "\(one.stdout)")  // the duplicate patient
        // The shards as concurrent processes into one shared folder.
        let processes = try (0..<parts).map { i -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
            p.arguments = ["score", "--files-from", list, "--shard", "\(i)/\(parts)", "--out", "shards"]
            p.currentDirectoryURL = URL(fileURLWithPath: root)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in processes { p.waitUntilExit() }
        let merge = try run(Paths.mbtBinary, ["merge", "shards"], currentDirectory: root)
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        let single = try contents(root + "/one"), sharded = try contents(root + "/shards")
        #expect(single.keys.sorted() == sharded.keys.sorted())
        #expect(single.count == 9 * 2 + 1)
        for (name, bytes) in single {
            #expect(sharded[name] == bytes, "\(name) differs")
        }
    }

    /// Issue 29, the cluster path: shards must not write one SQLite file, so each reads a
    /// snapshot of the store (`--history-snapshot`); the reports still equal one run's, with the
    /// patients' earlier sessions (a year before, from the store) in every report.
    @Test("shards reading a snapshot of the history store give one run's reports, byte for byte", arguments: [1, 3, 8])
    func shardsWithSnapshot(parts: Int) throws {
        let (root, list) = try batch()
        // Last year's visits of the same patients, in the store; then its snapshot.
        try FileManager.default.createDirectory(atPath: root + "/last-year", withIntermediateDirectories: true)
        for n in 1...8 {
            let text = try String(contentsOfFile: root + "/clinic/week-\(n).xml", encoding: .utf8)
            try text.replacingOccurrences(of: "date=\"2026-", with: "date=\"2025-").replacingOccurrences(of: "screened=\"2026-", with: "screened=\"2025-")
                .write(toFile: root + "/last-year/week-\(n).xml", atomically: true, encoding: .utf8)
        }
        let stored = try run(Paths.mbtBinary, ["history", "import", "--history", "store.sqlite"] + (1...8).map { "last-year/week-\($0).xml" }, currentDirectory: root)
        #expect(stored.status != 2, "\(stored.stderr)")
        #expect(try run(Paths.mbtBinary, ["history", "snapshot", "snap.sqlite", "--history", "store.sqlite"], currentDirectory: root).status == 0)
        let one = try run(Paths.mbtBinary, ["score", "--files-from", list, "--out", "one", "--history-snapshot", "snap.sqlite"], currentDirectory: root)
        #expect(one.status == 1, "\(one.stdout)\(one.stderr)")
        let processes = try (0..<parts).map { i -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
            p.arguments = ["score", "--files-from", list, "--shard", "\(i)/\(parts)", "--out", "shards", "--history-snapshot", "snap.sqlite"]
            p.currentDirectoryURL = URL(fileURLWithPath: root)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in processes { p.waitUntilExit() }
        #expect(try run(Paths.mbtBinary, ["merge", "shards"], currentDirectory: root).status == 0)
        let single = try contents(root + "/one"), sharded = try contents(root + "/shards")
        #expect(single.keys.sorted() == sharded.keys.sorted())
        for (name, bytes) in single { #expect(sharded[name] == bytes, "\(name) differs") }
        // The store's sessions are in the reports: last year's visit is the one before.
        let text = try String(contentsOfFile: root + "/one/clinic--week-1.report.txt", encoding: .utf8)
        #expect(text.contains("PROGRESS SINCE 2025-"), "\(text.prefix(3000))")
        // And the snapshot is as it was: shards store nothing.
        let shell = try #require(findExecutable("sqlite3"))
        #expect(try run(shell, ["-readonly", root + "/snap.sqlite", "SELECT count(*) FROM change"]).stdout == "8\n")
    }

    @Test("every file is in exactly one part, whatever the order of the list")
    func partsCoverTheBatch() throws {
        let (root, list) = try batch()
        var seen: [String: Int] = [:]
        for i in 0..<4 {
            let out = "part-\(i)"
            #expect(try run(Paths.mbtBinary, ["score", "--files-from", list, "--shard", "\(i)/4", "--out", out], currentDirectory: root).status != 2)
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + out) where name.hasSuffix(".report.xml") {
                seen[name, default: 0] += 1
            }
            #expect(FileManager.default.fileExists(atPath: root + "/\(out)/summary-\(i)-of-4.csv"))
            #expect(!FileManager.default.fileExists(atPath: root + "/\(out)/summary.csv"))
        }
        #expect(seen.count == 9 && seen.values.allSatisfy { $0 == 1 }, "\(seen)")
    }

    @Test("merge refuses a missing part and a file in two parts; --shard refuses what is not I/N; --files-from's bad lists")
    func refusals() throws {
        let (root, list) = try batch()
        #expect(try run(Paths.mbtBinary, ["score", "--files-from", list, "--shard", "0/2", "--out", "half"], currentDirectory: root).status != 2)
        let missing = try run(Paths.mbtBinary, ["merge", "half"], currentDirectory: root)
        #expect(missing.status == 2 && missing.stderr.contains("shard 1/2 of 2 has no summary in 'half' yet"), "\(missing.stderr)")
        let twice = try run(Paths.mbtBinary, ["merge", "half/summary-0-of-2.csv", "half/summary-0-of-2.csv", "--out", "x.csv"], currentDirectory: root)
        #expect(twice.status == 2 && twice.stderr.contains("is in both"), "\(twice.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/x.csv"))
        // A list that cannot be read stops the run (exit 2); a path in it that cannot be read
        // fails that file alone. Blank lines and CR LF are allowed.
        let noList = try run(Paths.mbtBinary, ["score", "--files-from", "no-such-list.txt", "--out", "x"], currentDirectory: root)
        #expect(noList.status == 2 && noList.stderr.contains("cannot read the file list 'no-such-list.txt'"), "\(noList.stderr)")
        try "clinic/week-1.xml\r\n\r\nclinic/missing.xml\n".write(toFile: root + "/odd.txt", atomically: false, encoding: .utf8)
        let odd = try run(Paths.mbtBinary, ["score", "--files-from", "odd.txt", "--out", "odd"], currentDirectory: root)
        #expect(odd.status == 2 && odd.stdout.contains("clinic/missing.xml: error: cannot open"), "\(odd.stdout)")
        #expect(odd.stdout.contains("2 files: 1 reported, 1 failed"))
        // A list that is not one: a device of zeros, a line longer than any path.
        let zeros = try run(Paths.mbtBinary, ["score", "--files-from", "/dev/zero", "--out", "z"], currentDirectory: root)
        #expect(zeros.status == 2 && zeros.stderr.contains("the file list '/dev/zero' holds a NUL byte on line 1"), "\(zeros.stderr)")
        try (String(repeating: "a/", count: 3_000) + "x.xml\n").write(toFile: root + "/long.txt", atomically: false, encoding: .utf8)
        let long = try run(Paths.mbtBinary, ["score", "--files-from", "long.txt", "--out", "z"], currentDirectory: root)
        #expect(long.status == 2 && long.stderr.contains("line 1 of the file list 'long.txt' is longer than a path can be (4096 bytes)"), "\(long.stderr)")
        for bad in ["2/2", "-1/2", "0/0", "1", "a/b", "0/9223372036854775807", "0/100001"] {
            let result = try run(Paths.mbtBinary, ["score", "--files-from", list, "--shard", bad, "--out", "bad"], currentDirectory: root)
            // "-1/2" reads as an option to the parser, which refuses it in its own words.
            #expect(result.status == 2 && (result.stderr.contains("--shard takes I/N") || (bad.hasPrefix("-") && result.stderr.contains("--shard"))), "\(bad): \(result.stderr)")
        }
    }

    @Test("a stray part naming a split of 100,000,000 is not taken for a shard summary: merge says what is missing, no crash")
    func strayPart() throws {
        let (root, list) = try batch()
        #expect(try run(Paths.mbtBinary, ["score", "--files-from", list, "--shard", "0/2", "--out", "half"], currentDirectory: root).status != 2)
        try "file,patient\n".write(toFile: root + "/half/summary-0-of-100000000.csv", atomically: true, encoding: .utf8)
        let merged = try run(Paths.mbtBinary, ["merge", "half"], currentDirectory: root)
        #expect(merged.status == 2 && merged.stderr.contains("shard 1/2 of 2 has no summary in 'half' yet"), "\(merged.stderr)")
    }

    @Test("merge refuses to write over one of its parts, and a damaged part: cut in a row, garbage after it, rows added out of order; nothing written")
    func damagedParts() throws {
        let (root, list) = try batch()
        for i in 0..<2 {
            let shard = try run(Paths.mbtBinary, ["score", "--files-from", list, "--shard", "\(i)/2", "--out", "parts"], currentDirectory: root)
            #expect(shard.status != 2, "\(shard.stderr)")
        }
        let part0 = root + "/parts/summary-0-of-2.csv"
        let original = try Data(contentsOf: URL(fileURLWithPath: part0))
        // --out naming a part: refused before anything is read or written.
        let over = try run(Paths.mbtBinary, ["merge", "parts/summary-0-of-2.csv", "parts/summary-1-of-2.csv", "--out", "parts/./summary-0-of-2.csv"], currentDirectory: root)
        #expect(over.status == 2 && over.stderr.contains("refusing to write parts/./summary-0-of-2.csv: it is the input parts/summary-0-of-2.csv; choose another --out"), "\(over.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: part0)) == original)
        let text = String(decoding: original, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.count - 1  // the last is empty: the file ends with a line feed
        for (name, damaged, message) in [
            ("cut", String(text.dropLast(7)), "'parts/summary-0-of-2.csv' line \(rows): the row is cut short"),
            ("garbage", text + "\u{0}\u{1}PK\u{3}\u{4}\n", "'parts/summary-0-of-2.csv' line \(rows + 1): the row holds a control character"),
            ("unsorted", text + lines[1] + "\n", "'parts/summary-0-of-2.csv' line \(rows + 1): the row's file sorts before the row above it"),
        ] {
            try damaged.write(toFile: part0, atomically: false, encoding: .utf8)
            let merged = try run(Paths.mbtBinary, ["merge", "parts/summary-0-of-2.csv", "parts/summary-1-of-2.csv", "--out", "\(name).csv"], currentDirectory: root)
            #expect(merged.status == 2 && merged.stderr.contains(message) && merged.stderr.contains("nothing written"), "\(name): \(merged.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root + "/\(name).csv"), "\(name)")
        }
        // Not UTF-8 at all (a Latin-1 byte): refused too.
        var latin = Array(original)
        latin.append(contentsOf: Array("clinic/z.xml,P".utf8))
        latin.append(0xD6)
        latin.append(contentsOf: Array(",2026-11-02,1,mild,,scored\n".utf8))
        try Data(latin).write(to: URL(fileURLWithPath: part0))
        let notText = try run(Paths.mbtBinary, ["merge", "parts/summary-0-of-2.csv", "parts/summary-1-of-2.csv", "--out", "latin.csv"], currentDirectory: root)
        #expect(notText.status == 2 && notText.stderr.contains("the row is not UTF-8 text"), "\(notText.stderr)")
    }

    @Test("merge refuses a part that is a FIFO, a device or a link to /dev/zero, at once: never a hang")
    func partsThatAreNotFiles() throws {
        let root = try scratch.directory("not-files")
        try "file,patient\n".write(toFile: root + "/real.csv", atomically: true, encoding: .utf8)
        #expect(mkfifo(root + "/fifo.csv", 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: root + "/zero.csv", withDestinationPath: "/dev/zero")
        for (part, kind) in [("fifo.csv", "a FIFO"), ("zero.csv", "a device"), ("/dev/zero", "a device")] {
            // Run with a deadline: the old merge blocked on the FIFO and read /dev/zero forever.
            let result = try run(Paths.mbtBinary, ["merge", part, "real.csv", "--out", "merged.csv"], currentDirectory: root, timeout: 30)
            #expect(result.status == 2, "\(part): \(result.stderr)")
            #expect(result.stderr.contains("'\(part)' is \(kind), not a summary written by mbt score"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root + "/merged.csv"))
        }
    }
}
