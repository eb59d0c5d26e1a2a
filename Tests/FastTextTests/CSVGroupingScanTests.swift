import FastText
import Foundation
import SeededRandom
import Testing

/// The scan that tells a sheet kept by patient from one kept in date order, held to Python's
/// `csv` module reading the same bytes: both must agree on every generated file, fed in pieces.
@Suite("CSV grouping scan")
struct CSVGroupingScanTests {
    func grouped(_ text: String, keyField: Int = 0, pieces: Int = 1) -> Bool {
        let bytes = Array(text.utf8)
        var scan = CSVGroupingScan(keyField: keyField)
        let size = max(1, bytes.count / pieces)
        var start = 0
        while start < bytes.count {
            let more = bytes[start..<min(bytes.count, start + size)].withUnsafeBufferPointer { scan.feed($0) }
            if !more { return false }
            start += size
        }
        return scan.finish()
    }

    @Test("a patient's rows together are grouped; a returning patient after another is not")
    func handWritten() {
        #expect(grouped("id,v\nA,1\nA,2\nB,3\n"))
        #expect(!grouped("id,v\nA,1\nB,2\nA,3\n"))
        // The header is passed over, even when a row repeats its text.
        #expect(grouped("id,v\nid,1\nA,2\n"))
        // Blank rows and rows of empty cells are no rows; a row with no id belongs to none.
        #expect(grouped("id,v\nA,1\n\n,,\n , \nA,2\n,3\nA,4\n"))
        // Ids are trimmed of spaces and tabs, as the importer trims them; inner spaces count.
        #expect(grouped("id,v\nA B,1\n  A B\t,2\n\"A B\",3\n"))
        #expect(!grouped("id,v\nA B,1\nAB,2\nA B,3\n"))
        // A quoted id with the delimiter and a line break in it; CR LF; a byte-order mark.
        #expect(!grouped("\u{FEFF}id,v\r\n\"X,\nY\",1\r\nZ,2\r\n\"X,\nY\",3\r\n"))
        #expect(grouped("v,id\n1,\"a\"\"b\"\n2,\"a\"\"b\"\n3,c\n", keyField: 1))
        // Another field holding quotes and line breaks does not move the key.
        #expect(!grouped("v,id\n\"1\n2\",A\n\"x,\"\"y\",B\n3,A\n", keyField: 1))
        #expect(!grouped("id,v\nA,1\nB,2\nA,3", pieces: 7))
    }

    @Test("the same verdict as Python's csv module, 400 generated files fed in pieces", .enabled(if: findPython() != nil))
    func agreesWithPython() throws {
        let python = try #require(findPython())
        let noise = ["a", "1", " ", ",", "\"", "\n", "\r\n", "é", "\t", ";"]
        var random = SplitMix64(state: 27)
        func next(_ n: Int) -> Int { random.below(n) }
        let folder = NSTemporaryDirectory() + "mbt-grouping-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var paths: [String] = []
        var keyFields: [Int] = []
        func quoted(_ raw: String) -> String { "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for n in 0..<400 {
            let width = 1 + next(3)
            let keyField = next(width)
            var text = n % 5 == 0 ? "\u{FEFF}" : ""
            text += (0..<width).map { "h\($0)" }.joined(separator: ",") + "\n"
            var key = ["P-1", " P-1", "P-2\t", "P 2", "P,3", "P\n4", "", "é"][next(8)]
            for _ in 0..<(1 + next(14)) {
                if next(2) == 0 { key = ["P-1", " P-1", "P-2\t", "P 2", "P,3", "P\n4", "", "é"][next(8)] }
                let fields = (0..<width).map { field -> String in
                    if field == keyField { return key.contains(",") || key.contains("\n") || next(3) == 0 ? quoted(key) : key }
                    let raw = (0..<next(4)).map { _ in noise[next(noise.count)] }.joined()
                    return quoted(raw)
                }
                text += fields.joined(separator: ",") + (next(4) == 0 ? "\r\n" : "\n")
                if next(6) == 0 { text += next(2) == 0 ? "\n" : String(repeating: ",", count: width - 1) + "\n" }
            }
            let path = folder + "/\(n).csv"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            paths.append(path)
            keyFields.append(keyField)
        }
        let script = """
            import csv, json, sys
            out = []
            args = sys.argv[1:]
            for p, k in zip(args[0::2], args[1::2]):
                with open(p, newline='', encoding='utf-8-sig') as f:
                    rows = [r for r in csv.reader(f) if r != [] and any(c.strip(' \\t') for c in r)]
                keys = [(r[int(k)] if int(k) < len(r) else '').strip(' \\t') for r in rows[1:]]
                seen, last, grouped = set(), None, True
                for key in keys:
                    if key == '' or key == last: continue
                    if key in seen: grouped = False; break
                    if last is not None: seen.add(last)
                    last = key
                out.append(grouped)
            print(json.dumps(out))
            """
        let result = try run(python, ["-c", script] + zip(paths, keyFields).flatMap { [$0, String($1)] })
        let expected = try JSONDecoder().decode([Bool].self, from: Data(result.utf8))
        var ungrouped = 0
        for (index, path) in paths.enumerated() {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let ours = grouped(text, keyField: keyFields[index], pieces: 1 + index % 5)
            if !expected[index] { ungrouped += 1 }
            #expect(ours == expected[index], "\(path): ours \(ours), python \(expected[index])")
        }
        // Both verdicts are exercised.
        #expect(ungrouped > 40 && ungrouped < 360, "\(ungrouped) of 400 not grouped")
    }
}

/// The record splitter's byte ranges and lines held to `CSVRecordReader` on the same files:
/// each range, parsed on its own, is the reader's record, on the reader's line.
@Suite("CSV record splitter")
struct CSVRecordSplitterTests {
    @Test("every record's bytes and line as the reader reads them, 300 generated files fed in pieces")
    func agreesWithReader() throws {
        let alphabet = ["a", "Z", "1", " ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "é", "\t", ""]
        var random = SplitMix64(state: 41)
        for n in 0..<300 {
            var text = n % 4 == 0 ? "\u{FEFF}" : ""
            for _ in 0..<(1 + random.below(8)) {
                let fields = (0..<(1 + random.below(4))).map { _ -> String in
                    let raw = (0..<random.below(5)).map { _ in alphabet[random.below(alphabet.count)] }.joined()
                    return random.below(2) == 0 ? "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : raw.filter { $0 != "\"" && $0 != "\n" && $0 != "\r" && $0 != "," && $0 != "\r\n" }
                }
                text += fields.joined(separator: ",") + ["\n", "\r\n", "\r", "\n\n"][random.below(4)]
            }
            if random.below(3) == 0 { text += "last,\"unterminated line\"" }
            let bytes = Array(text.utf8)
            // The reader's records, blank ones dropped as the sheet readers drop them; the first is the header.
            var reader = CSVRecordReader()
            var expected: [CSVRecordReader.Record] = []
            reader.feed(bytes) { expected.append($0) }
            try reader.finish { expected.append($0) }
            expected = Array(expected.filter { !$0.fields.allSatisfy { $0.allSatisfy { $0 == " " || $0 == "\t" } } }.dropFirst())
            var splitter = CSVRecordSplitter(keyField: 0)
            var found: [CSVRecordSplitter.Record] = []
            let piece = 1 + n % 9
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + piece)
                _ = bytes[start..<end].withUnsafeBufferPointer { b in splitter.feed(b) { found.append($0); return true } }
                start = end
            }
            try splitter.finish { found.append($0); return true }
            #expect(found.count == expected.count, "file \(n): \(found.count) records, the reader \(expected.count)\n\(text.debugDescription)")
            for (record, wanted) in zip(found, expected) {
                var alone = CSVRecordReader(atFileStart: false)
                var got: [CSVRecordReader.Record] = []
                alone.feed(bytes[record.start..<record.end]) { got.append($0) }
                try alone.finish { got.append($0) }
                #expect(got.map(\.fields) == [wanted.fields], "file \(n) line \(wanted.line)\n\(text.debugDescription)")
                #expect(record.line == wanted.line, "file \(n)\n\(text.debugDescription)")
            }
        }
    }
}
