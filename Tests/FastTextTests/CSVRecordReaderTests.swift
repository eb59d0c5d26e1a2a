import FastText
import Foundation
import SeededRandom
import Testing

/// The CSV reader held to a second, independent client: Python's `csv` module (dialect excel)
/// reads the same bytes, and every record and field must agree; the reader is fed in random
/// pieces, so records split anywhere across reads.
@Suite("CSV record reader")
struct CSVRecordReaderTests {
    func read(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), pieces: Int = 1) throws -> [CSVRecordReader.Record] {
        var reader = CSVRecordReader(delimiter: delimiter)
        var records: [CSVRecordReader.Record] = []
        let size = max(1, bytes.count / pieces)
        var start = 0
        while start < bytes.count {
            reader.feed(bytes[start..<min(bytes.count, start + size)]) { records.append($0) }
            start += size
        }
        try reader.finish { records.append($0) }
        return records
    }

    @Test("quotes, doubled quotes, delimiters and line breaks inside fields, CR LF, a byte-order mark, lines")
    func handWritten() throws {
        let text = "\u{FEFF}id,name,note\r\nP-1,\"Smith, Ann\",\"said \"\"ok\"\"\"\r\nP-2,\"two\r\nlines\",\r\n\nP-3,,x\"y\n"
        let records = try read(Array(text.utf8))
        #expect(records.map(\.fields) == [["id", "name", "note"], ["P-1", "Smith, Ann", "said \"ok\""], ["P-2", "two\r\nlines", ""], ["P-3", "", "x\"y"]])
        // The blank line after P-2's record (line 4 ends it) is line 5; P-3 is on line 6.
        #expect(records.map(\.line) == [1, 2, 3, 6])
        #expect(throws: CSVRecordReader.UnclosedQuote(line: 2, column: 2)) { try read(Array("a,b\nc,\"open\nmore\n".utf8)) }
        #expect(try read(Array("a;b,c\n".utf8), delimiter: UInt8(ascii: ";")).map(\.fields) == [["a", "b,c"]])
    }

    @Test("a cell holds at most 32,767 characters (UTF-16 units, as Excel counts), quoted or not, whatever the pieces")
    func cellLimit() throws {
        let limit = SheetLimits.cellCharacters
        // Exactly on the limit, and one past it, in one-, two- and three-byte characters and a
        // character of two UTF-16 units.
        for (unit, units) in [("a", 1), ("\u{E9}", 1), ("\u{4E2D}", 1), ("\u{1F600}", 2)] {
            let fits = String(repeating: unit, count: limit / units)
            let over = fits + (units == 2 ? unit : unit)
            for quoted in [false, true] {
                for pieces in [1, 7, 1000] {
                    func cell(_ text: String) -> String { quoted ? "\"\(text)\"" : text }
                    let records = try read(Array("id,\(cell(fits)),x\nid,\(cell(over)),y\nid,b,z\n".utf8), pieces: pieces)
                    #expect(records.map(\.line) == [1, 2, 3])
                    #expect(records[0].overflow == nil && records[0].fields == ["id", fits, "x"], "\(unit) \(quoted) \(pieces)")
                    #expect(records[1].overflow == .init(kind: .cell, column: 2), "\(unit) \(quoted) \(pieces)")
                    #expect(records[1].fields == ["id", "", "y"])
                    #expect(records[2].overflow == nil && records[2].fields == ["id", "b", "z"])
                }
            }
        }
    }

    @Test("a row holds at most 16,384 cells (A to XFD); those past it are counted, never kept")
    func columnLimit() throws {
        let full = Array(repeating: "c", count: SheetLimits.columns).joined(separator: ",")
        for pieces in [1, 13] {
            let records = try read(Array("\(full)\n\(full),d,e\nnext\n".utf8), pieces: pieces)
            #expect(records.count == 3)
            #expect(records[0].overflow == nil && records[0].fields.count == SheetLimits.columns)
            #expect(records[1].overflow == .init(kind: .columns, column: SheetLimits.columns + 1))
            #expect(records[1].fields.count == SheetLimits.columns)
            #expect(records[2].fields == ["next"] && records[2].overflow == nil)
        }
    }

    @Test("the same records as Python's csv module, 300 generated files fed in pieces", .enabled(if: findPython() != nil))
    func agreesWithPython() throws {
        let python = try #require(findPython())
        let alphabet = ["a", "Z", "1", " ", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", "é", "中", "\t", "'", "="]
        var random = SplitMix64(state: 11)
        func next(_ n: Int) -> Int { random.below(n) }
        let folder = NSTemporaryDirectory() + "mbt-csv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var paths: [String] = []
        for n in 0..<300 {
            // Fields written as a spreadsheet would (quoted when they must be) or raw and odd.
            var text = ""
            for _ in 0..<(1 + next(5)) {
                let fields = (0..<(1 + next(4))).map { _ -> String in
                    let raw = (0..<next(6)).map { _ in alphabet[next(alphabet.count)] }.joined()
                    return next(2) == 0 ? "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : raw.filter { $0 != "\"" && $0 != "\n" && $0 != "\r" && $0 != "," && $0 != "\r\n" }
                }
                text += fields.joined(separator: ",") + (next(3) == 0 ? "\r\n" : "\n")
            }
            let path = folder + "/\(n).csv"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            paths.append(path)
        }
        let script = """
            import csv, json, sys
            out = []
            for p in sys.argv[1:]:
                with open(p, newline='', encoding='utf-8') as f:
                    out.append([r for r in csv.reader(f, dialect='excel') if r != []])
            print(json.dumps(out))
            """
        let result = try run(python, ["-c", script] + paths)
        let expected = try JSONDecoder().decode([[[String]]].self, from: Data(result.utf8))
        for (index, path) in paths.enumerated() {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let ours = try read(bytes, pieces: 1 + index % 7).map(\.fields)
            if ours != expected[index] {
                Issue.record("\(path): ours \(ours) python \(expected[index])")
                return
            }
        }
    }
}

func findPython() -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/python3"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
