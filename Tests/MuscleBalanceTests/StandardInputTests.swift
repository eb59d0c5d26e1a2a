import Foundation
import TestSupport
import Testing

/// `-` is standard input for validate, score and report, and is named `-` wherever the input
/// is named.
@Suite("Standard input")
struct StandardInputTests {
    let scratch = Scratch("stdin")

    /// Runs mbt with `input` piped in through a shell (`cat FILE | mbt ...`: a real pipe).
    func piped(_ input: String, _ arguments: [String], in folder: String) throws -> RunResult {
        let quoted = arguments.map { "'" + $0 + "'" }.joined(separator: " ")
        return try run("/bin/sh", ["-c", "cat '\(input)' | '\(Paths.mbtBinary)' \(quoted)"], currentDirectory: folder)
    }

    @Test("score - writes stdin.report.* recording '-', the same figures as the file scored by name")
    func score() throws {
        let folder = try scratch.directory("score")
        let result = try piped(Paths.example, ["score", "-", "--out", "out"], in: folder)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted()
        #expect(names == ["stdin.report.txt", "stdin.report.xml", "summary.csv"])
        let text = try String(contentsOfFile: folder + "/out/stdin.report.txt", encoding: .utf8)
        #expect(text.contains("Scored from -"))
        let xml = try String(contentsOfFile: folder + "/out/stdin.report.xml", encoding: .utf8)
        #expect(xml.contains("input=\"-\""))
        let expected = try String(contentsOfFile: Paths.packageRoot + "/Reports/examples/clinic-example.report.xml", encoding: .utf8)
        #expect(xml == expected.replacingOccurrences(of: "input=\"Examples/clinic-example.xml\"", with: "input=\"-\""))
        // A leading '-' in a CSV field is kept from spreadsheets' formulas as always.
        #expect(try String(contentsOfFile: folder + "/out/summary.csv", encoding: .utf8).contains("\n'-,RP-0001,"))
    }

    @Test("validate - and report - name the input '-' in their messages")
    func messages() throws {
        let folder = try scratch.directory("messages")
        let bad = Paths.fixtures + "/measurements/duplicate-patient.xml"
        let validate = try piped(bad, ["validate", "-"], in: folder)
        #expect(validate.status == 1)
        #expect(validate.stdout.hasPrefix("-:18:12: error: duplicate patient id 'RP-0001'"), "\(validate.stdout)")
        let report = try piped(Paths.example, ["report", "-", "--patient", "RP-0002"], in: folder)
        #expect(report.status == 0 && report.stdout.contains("Scored from -"))
        let missing = try piped(Paths.example, ["report", "-", "--patient", "NOPE"], in: folder)
        #expect(missing.status == 1 && missing.stderr.hasPrefix("-: no patient with id 'NOPE'"), "\(missing.stderr)")
        // The private copy is never named.
        #expect(!(validate.stdout + report.stdout + missing.stderr).contains("/stdin.xml"))
    }

    @Test("standard input beside a file whose reports would have the same name: the later one fails, nothing is overwritten")
    func clash() throws {
        let folder = try scratch.directory("clash")
        try FileManager.default.copyItem(atPath: Paths.example, toPath: folder + "/stdin.xml")
        let result = try piped(Paths.fixtures + "/measurements/valid-clinic.xml", ["score", "-", "stdin.xml", "--out", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("its reports would be named stdin.report.* like those of"), "\(result.stdout)")
        #expect(result.stdout.contains("2 files: 1 reported, 1 failed"))
    }

    @Test("standard input past the file-size limit stops at the limit with a message, leaving no copy behind (never killed by SIGXFSZ)")
    func pastFileSizeLimit() throws {
        let folder = try scratch.directory("fsize")
        let tmp = try scratch.directory("fsize-tmp")
        let big = folder + "/big.xml"
        try String(repeating: "<!-- x -->\n", count: 200_000).write(toFile: big, atomically: true, encoding: .utf8)
        // 500 blocks, and a file of 2.2 MB on standard input.
        let result = try run("/bin/sh", ["-c", "ulimit -f 500; exec \"$0\" validate - < \"$1\"", Paths.mbtBinary, big], environment: ["TMPDIR": tmp])
        #expect(result.status == 2, "\(result.status) \(result.stderr)")
        // dash counts ulimit -f in blocks of 512 bytes, bash of 1,024: the limit as the kernel has it.
        #expect(result.stderr.contains("standard input is larger than this process may write (the file-size limit, ulimit -f, 256000 bytes); stopped at the limit")
            || result.stderr.contains("(the file-size limit, ulimit -f, 512000 bytes); stopped at the limit"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }

    @Test("report -o a FIFO writes through it, and the FIFO stays a FIFO (never replaced by a regular file)")
    func reportIntoFIFO() throws {
        let folder = try scratch.directory("fifo")
        let fifo = folder + "/report.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader: cat, a process of its own (not a shell job, which the test runner would not reap).
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let pipe = Pipe()
        reader.standardOutput = pipe
        try reader.run()
        let result = try run(Paths.mbtBinary, ["report", Paths.example, "--patient", "RP-0001", "-o", fifo], timeout: 60)
        let read = pipe.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: read, as: UTF8.self).contains("RP-0001"))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }
}
