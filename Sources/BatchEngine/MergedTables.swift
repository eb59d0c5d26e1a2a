#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Joins tables whose rows are each sorted by key (the summaries of a batch's shards) into one
/// table in key order: the table one run over the whole batch writes, since every run writes
/// its files in key order. Streamed: one piece of each table in memory at a time.
public enum MergedTables {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes `header` and then the rows of every table at `paths` into `file`, in key order.
    /// Refuses a table that is missing or of another shape, and a key found in two tables (one
    /// file scored by two shards): the result would not be what one run writes.
    public static func merge(_ paths: [String], header: [UInt8], into file: AtomicOutputFile) throws -> Int {
        var tables: [CarriedRows] = []
        for path in paths {
            // A FIFO or a link to /dev/zero hung the merge (issue 28): a part is a file on disk.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                let kind = info.st_mode & S_IFMT == S_IFDIR ? "a folder" : info.st_mode & S_IFMT == S_IFIFO ? "a FIFO" : info.st_mode & S_IFMT == S_IFSOCK ? "a socket" : "a device"
                throw Problem(description: "'\(path)' is \(kind), not a summary written by mbt score; give the parts' summary files")
            }
            guard let table = CarriedRows(path: path, header: header, replaced: []) else {
                throw Problem(description: "'\(path)' is not a summary written by mbt score (missing, unreadable, or another header)")
            }
            tables.append(table)
        }
        try file.write(header)
        let fields = fieldCount(header)
        // Per table: its line (the header is line 1) and its last key, for the checks below.
        var lines = [Int](repeating: 1, count: tables.count)
        var lastKeys = [[UInt8]?](repeating: nil, count: tables.count)
        var out: [UInt8] = []
        var rows = 0
        var last: (key: [UInt8], table: Int)?
        while true {
            var best: (key: [UInt8], table: Int)?
            for (index, table) in tables.enumerated() {
                guard let row = table.peekRow() else { continue }
                let key = CarriedRows.key(of: row)
                if best == nil || key.lexicographicallyPrecedes(best!.key) { best = (key, index) }
            }
            guard let best else { break }
            if let last, last.key == best.key, last.table != best.table {
                throw Problem(description: "\(String(decoding: best.key, as: UTF8.self)) is in both '\(paths[last.table])' and '\(paths[best.table])'; a file belongs to one shard")
            }
            // A table's rows of one key are contiguous: take them all before comparing again.
            while let row = tables[best.table].peekRow(), CarriedRows.key(of: row) == best.key {
                lines[best.table] += 1
                try check(row, key: best.key, after: lastKeys[best.table], fields: fields, table: tables[best.table], path: paths[best.table], line: lines[best.table])
                lastKeys[best.table] = best.key
                out += row
                rows += 1
                tables[best.table].dropRow()
            }
            last = best
            if out.count >= 1 << 16 {
                try file.write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try file.write(out)
        return rows
    }

    /// A part's row as mbt writes it, or the reason it is not: a row cut short (the file
    /// truncated), bytes that are not text (garbage after the table), another number of
    /// fields, or a key before the row before it (rows appended by hand, out of order: the
    /// merge would interleave them wrongly).
    static func check(_ row: [UInt8], key: [UInt8], after previous: [UInt8]?, fields: Int, table: CarriedRows, path: String, line: Int) throws {
        func refuse(_ what: String) -> Problem {
            Problem(description: "'\(path)' line \(line): \(what); nothing written")
        }
        if table.peekIsLast && table.endsCut {
            throw refuse("the row is cut short (no line end, or a quote left open): the part was truncated; score its shard again")
        }
        guard let string = row.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            throw refuse("the row is not UTF-8 text: the part is damaged or has something else appended")
        }
        if string.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            throw refuse("the row holds a control character: the part is damaged or has something else appended")
        }
        let count = fieldCount(row)
        guard count == fields else {
            throw refuse("the row has \(count) fields where a summary has \(fields): it is not a row mbt score wrote")
        }
        if let previous, key.lexicographicallyPrecedes(previous) {
            throw refuse("the row's file sorts before the row above it: a part's rows are in file order as mbt score writes them (rows added by hand?)")
        }
    }

    /// Fields of a CSV row: commas outside quotes, plus one.
    static func fieldCount(_ row: [UInt8]) -> Int {
        var quoted = false
        var count = 1
        for byte in row {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ",") && !quoted { count += 1 }
        }
        return count
    }
}

extension CarriedRows {
    /// The next row, not taken.
    func peekRow() -> [UInt8]? { peek() }

    /// Takes the next row.
    func dropRow() { _ = next() }

    /// The row `peekRow` gives is the table's last.
    var peekIsLast: Bool { isLastPending }
}
