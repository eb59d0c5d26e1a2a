import FastText
import Glibc

/// The rows of an earlier run's table (summary.csv) that a new run keeps: a run into a folder
/// that already holds reports replaces the rows of the files it scores again and keeps the
/// others, so the table always describes every report in the folder. The old table is read in
/// pieces as the new one is written, so memory does not grow with it.
///
/// Rows are ordered by their key, the first field exactly as written (quoted or not), compared
/// as bytes: the new run writes its files in that order, and `copy(before:into:)` puts the old
/// rows in their places between them. A row may span lines inside quotes (RFC 4180), as rows
/// of older versions could.
public final class CarriedRows: @unchecked Sendable {
    // @unchecked: read and copied only under the lock that orders the summary's writes.
    private let fd: Int32
    private let path: String
    private let replaced: Set<[UInt8]>
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var splitter = RowSplitter()
    /// Rows read and not yet copied (the first one whose key was not yet due, and what came
    /// with it in the same read).
    private var pending: [[UInt8]] = []
    private var pendingStart = 0
    private var atEnd = false
    public private(set) var kept = 0
    /// The table's last row had no line feed, or ended inside quotes: it was cut.
    public var endsCut: Bool { splitter.cut }

    /// Opens the table at `path`; nil when there is none, or its first line is not `header`
    /// (a table of another shape is not carried over). Rows whose key is in `replaced` are
    /// dropped: the new run writes those files' rows itself.
    public init?(path: String, header: [UInt8], replaced: Set<[UInt8]>) {
        // Non-blocking, so that a FIFO put in a table's place cannot hang the run; then only a
        // regular file is read (a device such as /dev/zero never ends).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return nil
        }
        self.fd = fd
        self.path = path
        self.replaced = replaced
        guard (try? fill()) != nil, let first = next(), first == header else { return nil }
    }

    deinit { close(fd) }

    /// Copies into `file` the kept rows whose key sorts before `key` (every remaining row when
    /// `key` is nil).
    public func copy(before key: [UInt8]?, into file: AtomicOutputFile) throws(AtomicOutputFile.Failure) {
        var out: [UInt8] = []
        while let row = peek() {
            let rowKey = Self.key(of: row)
            if let key, !rowKey.lexicographicallyPrecedes(key) { break }
            _ = next()
            guard !replaced.contains(rowKey) else { continue }
            out += row
            kept += 1
            if out.count >= 1 << 16 {
                try file.write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try file.write(out)
    }

    func peek() -> [UInt8]? {
        while pendingStart == pending.count {
            if atEnd { return nil }
            do throws(AtomicOutputFile.Failure) { try fill() } catch { atEnd = true; return nil }
        }
        return pending[pendingStart]
    }

    /// The row `peek` gives is the table's last (nothing after it, the file read to its end).
    var isLastPending: Bool { atEnd && pendingStart == pending.count - 1 }

    func next() -> [UInt8]? {
        guard let row = peek() else { return nil }
        pendingStart += 1
        return row
    }

    /// Reads the next piece of the table into `pending`.
    private func fill() throws(AtomicOutputFile.Failure) {
        pending.removeAll(keepingCapacity: true)
        pendingStart = 0
        while pending.isEmpty && !atEnd {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n < 0 { throw AtomicOutputFile.Failure(description: "cannot read '\(path)': \(String(cString: strerror(errno)))") }
            if n == 0 {
                atEnd = true
                splitter.finish { pending.append($0) }
            } else {
                splitter.feed(chunk[0..<n]) { pending.append($0) }
            }
        }
    }

    /// The first field of a row as written: up to the first comma outside quotes.
    public static func key(of row: [UInt8]) -> [UInt8] {
        var quoted = false
        for (index, byte) in row.enumerated() {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && (byte == UInt8(ascii: ",") || byte == 0x0A || byte == 0x0D) { return Array(row[..<index]) }
        }
        return row
    }
}

/// Splits bytes into rows at line feeds outside quotes; each row keeps its line feed.
struct RowSplitter {
    private var row: [UInt8] = []
    private var quoted = false
    /// The last row had no line feed of its own, or a quote still open.
    private(set) var cut = false

    mutating func feed(_ bytes: ArraySlice<UInt8>, _ take: ([UInt8]) -> Void) {
        for byte in bytes {
            row.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == 0x0A && !quoted {
                take(row)
                row.removeAll(keepingCapacity: true)
            }
        }
    }

    /// A last row without a line feed gets one.
    mutating func finish(_ take: ([UInt8]) -> Void) {
        guard !row.isEmpty else { return }
        cut = true
        row.append(0x0A)
        take(row)
        row.removeAll()
    }
}
