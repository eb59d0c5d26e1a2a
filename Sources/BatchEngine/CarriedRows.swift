import FastText
import Glibc

/// The rows of an earlier run's table (summary.csv) that a new run keeps: a run into a folder
/// that already holds reports replaces the rows of the files it scores again and keeps the
/// others, so the table always describes every report in the folder. Read and copied in
/// pieces, so memory does not grow with the table.
///
/// A row's key is its first field exactly as written (quoted or not), compared as bytes with
/// the keys the new run will write. A row may span lines inside quotes (RFC 4180), as rows of
/// older versions could.
public enum CarriedRows {
    /// Copies the rows of the table at `path` whose key is not in `replaced` into `file`, after
    /// checking that its first line is `header` (a table of another shape is not carried over).
    /// Returns how many rows were kept; nil when there was no table, or one of another shape.
    @discardableResult
    public static func copy(from path: String, header: [UInt8], replaced: Set<[UInt8]>, into file: AtomicOutputFile) throws(AtomicOutputFile.Failure) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var splitter = RowSplitter()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var out: [UInt8] = []
        var kept = 0
        var sawHeader = false
        var shapeOK = true
        func take(_ row: [UInt8]) {
            guard shapeOK else { return }
            if !sawHeader {
                sawHeader = true
                shapeOK = row == header
                return
            }
            guard !replaced.contains(Self.key(of: row)) else { return }
            out += row
            kept += 1
        }
        while true {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n < 0 { throw AtomicOutputFile.Failure(description: "cannot read '\(path)': \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            splitter.feed(chunk[0..<n], take)
            if out.count >= 1 << 16 {
                try file.write(out)
                out.removeAll(keepingCapacity: true)
            }
            if !shapeOK { return nil }
        }
        splitter.finish(take)
        guard shapeOK, sawHeader else { return nil }
        try file.write(out)
        return kept
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
        row.append(0x0A)
        take(row)
        row.removeAll()
    }
}
