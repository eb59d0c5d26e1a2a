/// One part of a batch split over several machines: `--shard I/N` scores the inputs whose
/// place in the sorted list is I, I + N, I + 2N, ... (I from 0 to N - 1, as Slurm's
/// SLURM_ARRAY_TASK_ID and Kubernetes' JOB_COMPLETION_INDEX count). The list is sorted first, so
/// every machine given the same inputs in any order takes the same part, and the N parts
/// together are the whole list, each input in exactly one. Taking every N-th rather than a
/// block of N-ths spreads a folder of big files over the parts.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The most parts a batch is split into. A job array is hundreds of tasks, thousands at most
    /// (Slurm's MaxArraySize defaults to 1,001); 0/9223372036854775807 wrote the very part file
    /// that made merge try to list 2^63 parts (issue 28).
    public static let maxCount = 100_000

    public init?(index: Int, count: Int) {
        guard count >= 1, count <= Self.maxCount, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses "I/N".
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: i, count: n)
    }

    /// This part of `sorted` (already in the order every machine agrees on).
    public func part<T>(of sorted: [T]) -> [T] {
        stride(from: index, to: sorted.count, by: count).map { sorted[$0] }
    }

    /// "2/4".
    public var description: String { "\(index)/\(count)" }

    /// The summary this part writes: `summary-I-of-N.csv`, which no other part writes, for
    /// `mbt merge` to join.
    public var summaryName: String { "summary-\(index)-of-\(count).csv" }
}
