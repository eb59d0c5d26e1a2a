import Foundation
import TestSupport
import Testing

/// Two `mbt score` runs into one folder at once (issue 28): each file's reports and every
/// one of their rows in summary.csv, whichever run finishes first.
@Suite("Two runs at once")
struct ConcurrentRunsTests {
    let scratch = Scratch("concurrent-runs")

    @Test("two runs into one folder at once, three times: the summary keeps the rows of both")
    func summaryKeepsBoth() throws {
        let root = try scratch.directory("runs")
        var expected: [String: Int] = [:]
        for (name, seed) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
            let generated = try run(Paths.mbtBinary, ["generate", "--patients", "400", "--seed", "\(seed)"], currentDirectory: root)
            try generated.stdout.write(toFile: root + "/\(name).xml", atomically: false, encoding: .utf8)
            expected["\(name).xml"] = 400
        }
        for trial in 0..<3 {
            let out = "out-\(trial)"
            // Two processes started together, each into the same folder (not through a shell's
            // `&`: a shell under the test runner did not reap its children).
            let runs = try [["a.xml", "b.xml"], ["c.xml", "d.xml"]].map { files -> Process in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
                process.arguments = ["score"] + files + ["--out", out, "--quiet"]
                process.currentDirectoryURL = URL(fileURLWithPath: root)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            for process in runs {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "trial \(trial)")
            }
            let summary = try String(contentsOfFile: root + "/\(out)/summary.csv", encoding: .utf8)
            var rows: [String: Int] = [:]
            for line in summary.split(separator: "\n").dropFirst() {
                rows[String(line.split(separator: ",", maxSplits: 1)[0]), default: 0] += 1
            }
            #expect(rows.keys.sorted() == ["a.xml", "b.xml", "c.xml", "d.xml"], "trial \(trial): \(rows)")
            for (file, count) in rows { #expect(count >= expected[file]!, "trial \(trial): \(file) has \(count) rows") }
            // Nothing but the reports and the summary is left in the folder.
            let names = try FileManager.default.contentsOfDirectory(atPath: root + "/" + out)
            #expect(names.allSatisfy { $0 == "summary.csv" || $0.contains(".report.") }, "\(names)")
        }
    }
}
