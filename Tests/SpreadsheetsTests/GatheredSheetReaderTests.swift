import Foundation
import SeededRandom
import Spreadsheets
import Testing

/// A sheet's rows gathered by patient: each patient's rows together, patients in the order they
/// first appear, rows in sheet order with their own numbers; the same whether the rows fit the
/// memory budget or are spilled to disk and merged.
@Suite("Gathered sheet reader")
struct GatheredSheetReaderTests {
    /// Rows from memory, as a sheet reader hands them on.
    final class Rows: SheetReader {
        let file = "rows.csv"
        var sheet: String? { nil }
        var rows: [SheetRow]
        init(_ rows: [SheetRow]) { self.rows = rows.reversed() }
        func next() throws(SheetError) -> SheetRow? { rows.popLast() }
    }

    func gathered(_ rows: [SheetRow], budget: Int, spillFolder: String? = nil) throws -> (rows: [SheetRow], spilled: Bool) {
        let reader = GatheredSheetReader(source: Rows(rows), keyColumn: 0, budget: budget, spillFolder: spillFolder, key: { $0.trimmingCharacters(in: .whitespaces) })
        var out: [SheetRow] = []
        while let row = try reader.next() { out.append(row) }
        return (out, reader.spilled)
    }

    /// What gathering must give: a stable sort by the key's first appearance; no key, its own.
    func expected(_ rows: [SheetRow]) -> [SheetRow] {
        var first: [String: Int] = [:]
        let keyed = rows.enumerated().map { index, row -> (Int, SheetRow) in
            let key = row.cells[0].trimmingCharacters(in: .whitespaces)
            if key.isEmpty { return (index, row) }
            if let at = first[key] { return (at, row) }
            first[key] = index
            return (index, row)
        }
        return keyed.enumerated().sorted { a, b in a.element.0 != b.element.0 ? a.element.0 < b.element.0 : a.offset < b.offset }.map(\.element.1)
    }

    @Test("a sheet in date order comes out by patient, rows keeping their numbers")
    func dateOrder() throws {
        let rows = [
            SheetRow(row: 2, cells: ["LK-0101", "2026-10-01", "150"]),
            SheetRow(row: 3, cells: ["LK-0102", "2026-10-02", "140"]),
            SheetRow(row: 4, cells: [" LK-0101", "2026-11-01", "155"]),
            SheetRow(row: 5, cells: ["", "2026-11-01", "1"]),
            SheetRow(row: 7, cells: ["LK-0103", "2026-11-02", "130"]),
            SheetRow(row: 8, cells: ["LK-0102", "2026-12-02", "145"]),
        ]
        for budget in [1 << 20, 1] {
            let (out, spilled) = try gathered(rows, budget: budget)
            #expect(out.map(\.row) == [2, 4, 3, 8, 5, 7])
            #expect(out[1].cells == [" LK-0101", "2026-11-01", "155"])
            #expect(spilled == (budget == 1))
        }
    }

    @Test("the same rows whatever the budget: 300 random sheets, in memory and spilled in batches of every size")
    func randomSheets() throws {
        var random = SplitMix64(state: 5)
        // A folder of this test's own: other tests spill into $TMPDIR at the same time.
        let folder = NSTemporaryDirectory() + "mbt-spill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var spills = 0
        for n in 0..<300 {
            let count = random.below(60)
            var row = 1
            let rows = (0..<count).map { _ -> SheetRow in
                row += 1 + random.below(3)
                let key = ["A", "B", "C", " A", "", "é", "e\u{301}", "D,E"][random.below(8)]
                let cells = [key] + (0..<random.below(4)).map { _ in String(repeating: "x", count: random.below(300)) + "\n\u{0}中" }
                return SheetRow(row: row, cells: cells)
            }
            let budget = [1, 100, 1000, 1 << 20][n % 4]
            let (out, spilled) = try gathered(rows, budget: budget, spillFolder: folder)
            #expect(out == expected(rows), "sheet \(n), budget \(budget)")
            if spilled { spills += 1 }
        }
        #expect(spills > 100)
        // The spill file is unlinked as soon as it is made: nothing is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
    }
}

/// A CSV file gathered record by record: the rows, cells and lines `CSVSheetReader` reads,
/// gathered by patient, whatever the budget (in memory, or spilled in batches of every size).
@Suite("CSV gathered reader")
struct CSVGatheredReaderTests {
    @Test("the reader's rows gathered by id, 200 random files, in memory and spilled")
    func randomFiles() throws {
        var random = SplitMix64(state: 19)
        let folder = NSTemporaryDirectory() + "mbt-gather-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keys = ["A", "B", " A", "\"A\"", "C,D", "\"C,D\"", "", "e\u{301}", "\u{e9}", "\"x\ny\""]
        let noise = ["1", "a b", "\"q,\"\"uote\"", "\"line\r\nbreak\"", "", " ", "中"]
        for n in 0..<200 {
            var text = (n % 3 == 0 ? "\u{FEFF}" : "") + "id,v,w\n"
            for _ in 0..<random.below(40) {
                var key = keys[random.below(keys.count)]
                if key == "C,D" { key = "\"C,D\"" }
                text += [key, noise[random.below(noise.count)], noise[random.below(noise.count)]].joined(separator: ",")
                text += ["\n", "\r\n", "\n\n", "\n,,\n"][random.below(4)]
            }
            let path = folder + "/\(n).csv"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            // What the plain reader reads, gathered by the id's bytes, trimmed.
            let plain = try CSVSheetReader(path: path)
            _ = try plain.next()
            var rows: [SheetRow] = []
            while let row = try plain.next() { rows.append(row) }
            var first: [[UInt8]: Int] = [:]
            let expected = rows.enumerated().map { index, row -> (Int, Int, SheetRow) in
                let key = Array(row[0].utf8.drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }.reversed())
                if key.isEmpty { return (index, index, row) }
                if first[key] == nil { first[key] = index }
                return (first[key]!, index, row)
            }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.2)
            for budget in [1, 200, 1 << 20] {
                let gathered = try CSVGatheredReader(path: path, delimiter: UInt8(ascii: ","), keyColumn: 0, budget: budget)
                var out: [SheetRow] = []
                while let row = try gathered.next() { out.append(row) }
                #expect(out == expected, "file \(n), budget \(budget)\n\(text.debugDescription)")
                if budget == 1 && rows.count > 1 { #expect(gathered.spilled) }
            }
        }
    }
}
