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
            guard let table = CarriedRows(path: path, header: header, replaced: []) else {
                throw Problem(description: "'\(path)' is not a summary written by mbt score (missing, unreadable, or another header)")
            }
            tables.append(table)
        }
        try file.write(header)
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
}

extension CarriedRows {
    /// The next row, not taken.
    func peekRow() -> [UInt8]? { peek() }

    /// Takes the next row.
    func dropRow() { _ = next() }
}
