import FastText
import Glibc

/// The rows one input file adds to a run's table (summary.csv): kept in memory up to a quarter
/// of a megabyte, then spilled to a part file in the output folder, so that a file of any
/// number of patients keeps memory flat. Parts are merged into the table in input order at the
/// end of the run (the table is the same whatever the thread count) and then removed. The rows
/// are lines of bytes: what they say is the caller's.
public final class SpillingRows: @unchecked Sendable {
    // @unchecked: owned by one file's scoring, then read once by the merge after all workers
    // have finished (DispatchQueue.concurrentPerform returns only then).
    private var buffer: [UInt8] = []
    public private(set) var partPath: String?
    private let directory: String
    public private(set) var count = 0
    public static let spillAt = 256 * 1024
    /// Hidden, and named for the table the parts belong to.
    public static let partPrefix = ".summary.csv.part-"

    public init(directory: String) {
        self.directory = directory
    }

    deinit {
        if let partPath { unlink(partPath) }
    }

    /// Rows already written as lines, newline included.
    public func append(csvLines: [UInt8], count rows: Int) throws(AtomicOutputFile.Failure) {
        buffer += csvLines
        count += rows
        if buffer.count >= Self.spillAt { try spill() }
    }

    /// Replaces everything so far with these lines (a file that failed has one row, whatever
    /// it had).
    public func reset(toLines lines: [UInt8], count rows: Int) {
        if let partPath { unlink(partPath) }
        partPath = nil
        buffer = lines
        count = rows
    }

    private func spill() throws(AtomicOutputFile.Failure) {
        if partPath == nil {
            var template = Array((directory + "/" + Self.partPrefix + WriterTag.current + "-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { b -> Int32 in b.baseAddress.map { mkstemp($0) } ?? -1 }
            guard fd >= 0 else { throw AtomicOutputFile.Failure(description: "cannot create a file in '\(directory)': \(String(cString: strerror(errno)))") }
            close(fd)
            partPath = template.withUnsafeBufferPointer { b in b.baseAddress.map { String(cString: $0) } }
        }
        guard let partPath else { return }
        let fd = open(partPath, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicOutputFile.Failure(description: "cannot write '\(partPath)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try writeAll(fd, buffer, partPath)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Copies every row, spilled ones first, into `file`.
    public func copy(into file: AtomicOutputFile) throws(AtomicOutputFile.Failure) {
        try copy { bytes throws(AtomicOutputFile.Failure) in try file.write(bytes) }
    }

    /// Hands every row, spilled ones first, to `write` in pieces (standard output, say).
    public func copy(to write: ([UInt8]) throws(AtomicOutputFile.Failure) -> Void) throws(AtomicOutputFile.Failure) {
        if let partPath {
            let fd = open(partPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw AtomicOutputFile.Failure(description: "cannot read '\(partPath)': \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
                if n < 0 { throw AtomicOutputFile.Failure(description: "cannot read '\(partPath)': \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                try write(Array(chunk[0..<n]))
            }
        }
        try write(buffer)
    }

    /// Removes parts left by runs of this machine that no longer exist (`WriterTag`).
    public static func removeOrphanedParts(in directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(partPrefix) else { continue }
            // Only a dead writer of this machine: another node's shard may be writing its own.
            if WriterTag.writer(of: name.dropFirst(partPrefix.count)) == .deadHere { unlink(directory + "/" + name) }
        }
    }
}

func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(AtomicOutputFile.Failure) {
    var offset = 0
    while offset < bytes.count {
        let n = retryingOnInterrupt {
            bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + offset, raw.count - offset)
            }
        }
        if n <= 0 { throw AtomicOutputFile.Failure(description: "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        offset += n
    }
}
