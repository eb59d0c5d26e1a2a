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
        for bad in ["2/2", "-1/2", "0/0", "1", "a/b"] {
            let result = try run(Paths.mbtBinary, ["score", "--files-from", list, "--shard", bad, "--out", "bad"], currentDirectory: root)
            // "-1/2" reads as an option to the parser, which refuses it in its own words.
            #expect(result.status == 2 && (result.stderr.contains("--shard takes I/N") || (bad.hasPrefix("-") && result.stderr.contains("--shard"))), "\(bad): \(result.stderr)")
        }
    }
}
