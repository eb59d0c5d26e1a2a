import BatchEngine
import ClinicReports
import Glibc

/// `mbt merge`: the shard summaries of a batch (`mbt score --shard I/N`) joined into the
/// summary.csv one run over the whole batch would have written, byte for byte.
public enum SummaryMerge {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The shard summaries in `directory`: `summary-I-of-N.csv` for one N and every I from 0
    /// to N-1, in shard order. A missing or extra part is an error: a merge of part of a batch
    /// would pass for the whole.
    public static func shardSummaries(in directory: String) throws(Failure) -> [String] {
        guard let dir = opendir(directory) else {
            throw Failure(description: "cannot read the folder '\(directory)': \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var found: [Shard] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("summary-"), name.hasSuffix(".csv") else { continue }
            let middle = name.dropFirst("summary-".count).dropLast(".csv".count)
            let parts = middle.split(separator: "-")
            guard parts.count == 3, parts[1] == "of", let i = Int(parts[0]), let n = Int(parts[2]), let shard = Shard(index: i, count: n) else { continue }
            found.append(shard)
        }
        guard let count = found.first?.count else {
            throw Failure(description: "no shard summaries (summary-I-of-N.csv) in '\(directory)'")
        }
        if let other = found.first(where: { $0.count != count }) {
            throw Failure(description: "'\(directory)' holds summaries of batches split \(count) and \(other.count) ways; merge one batch at a time")
        }
        let present = Set(found.map(\.index))
        let missing = (0..<count).filter { !present.contains($0) }
        guard missing.isEmpty else {
            throw Failure(description: "shard \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of \(count) has no summary in '\(directory)' yet; run it, or wait for it, before merging")
        }
        return (0..<count).map { directory + "/" + (Shard(index: $0, count: count)?.summaryName ?? "") }
    }

    /// Merges `summaries` into `output`, written whole or not at all. Returns the rows written.
    public static func merge(_ summaries: [String], into output: String) throws -> Int {
        let slash = output.lastIndex(of: "/")
        let directory = slash.map { String(output[..<$0]) } ?? "."
        let name = slash.map { String(output[output.index(after: $0)...]) } ?? output
        let file = try AtomicOutputFile(directory: directory.isEmpty ? "/" : directory, name: name)
        let header = Array((SummaryRow.csv(SummaryRow.header) + "\n").utf8)
        let rows = try MergedTables.merge(summaries, header: header, into: file)
        try file.commit()
        return rows
    }
}
