import BatchEngine
import ClinicReports
import FastText
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
        // The parts' own header: the columns before the outcomes' are mbt's, the outcome
        // columns those of the batch's protocol (every part must have the same). A part that
        // cannot be read is left to the merge, which says what it is.
        let base = Array((SummaryRow.csv(SummaryRow.header)).utf8)
        var header = base + [UInt8(ascii: "\n")]
        if let first = summaries.first, let line = firstLine(of: first) {
            guard line.starts(with: base), line[base.count] == UInt8(ascii: ",") || line[base.count] == UInt8(ascii: "\n") else {
                throw Failure(description: "'\(first)' is not a summary written by mbt score (its first line is not summary.csv's header)")
            }
            header = line
        }
        let rows = try MergedTables.merge(summaries, header: header, into: file)
        try file.commit()
        return rows
    }

    /// The first line of a regular file at `path`, its line feed included (at most 64 KiB
    /// read); nil when there is none.
    static func firstLine(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = retryingOnInterrupt { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
        guard n > 0, let end = buffer[0..<n].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return Array(buffer[...end])
    }
}
