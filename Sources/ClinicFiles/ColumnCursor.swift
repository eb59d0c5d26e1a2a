#if canImport(Glibc)
import FastText
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MuscleBalanceCore

/// `ColumnResolver` for a file whose diagnostics come in a stream, a patient at a time, in
/// line order: the file is read forward once over the whole stream instead of from its start
/// for each batch (which `mbt validate` of a file with half a million warnings cannot afford).
/// A batch that points back before lines already passed is resolved on its own with
/// `ColumnResolver.resolve(_:path:)` (the loose problems at the end of a file, say).
public final class ColumnCursor {
    private let path: String
    private let fd: Int32
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var chunkCount = 0
    private var chunkOffset = 0
    /// The line the next bytes belong to, and what of it has been read.
    private var lineNumber = 1
    private var current: [UInt8] = []
    private var atEnd = false

    public init(path: String) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        atEnd = fd < 0
    }

    deinit { if fd >= 0 { close(fd) } }

    /// `diagnostics` with the columns found that need finding; in the order given.
    public func resolve(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        let wanted = Set(diagnostics.filter { $0.column == 0 && $0.line > 0 }.map(\.line))
        guard !wanted.isEmpty else { return diagnostics }
        if let first = wanted.min(), first < lineNumber {
            return ColumnResolver.resolve(diagnostics, path: path)
        }
        var lines: [Int: [UInt8]] = [:]
        let ordered = wanted.sorted()
        for line in ordered {
            guard let text = advance(to: line) else { break }
            lines[line] = text
        }
        return ColumnResolver.apply(diagnostics, lines: lines)
    }

    /// Reads forward to line `target` (not before the current one) and returns its text, cut
    /// at `ColumnResolver.lineLimit`; nil past the end of the file.
    private func advance(to target: Int) -> [UInt8]? {
        while true {
            if chunkOffset == chunkCount {
                if atEnd { return lineNumber == target && !current.isEmpty ? current : nil }
                let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
                if n <= 0 {
                    atEnd = true
                    continue
                }
                chunkCount = n
                chunkOffset = 0
            }
            let found: Int? = chunk.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress, let hit = memchr(base + chunkOffset, 10, chunkCount - chunkOffset) else { return nil }
                return hit.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
            }
            let end = found ?? chunkCount
            if lineNumber == target && current.count < ColumnResolver.lineLimit {
                current += chunk[chunkOffset..<min(end, chunkOffset + ColumnResolver.lineLimit - current.count)]
            }
            guard let found else {
                chunkOffset = chunkCount
                continue
            }
            chunkOffset = found + 1
            let finished = lineNumber
            lineNumber += 1
            if finished == target {
                defer { current.removeAll(keepingCapacity: true) }
                return current
            }
            current.removeAll(keepingCapacity: true)
        }
    }
}
