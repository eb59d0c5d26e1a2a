import FastText
import Glibc

/// Records of bytes one input file produces for a later step of its own (`mbt score --history`:
/// each session packed for the store, taken into it once the file's reports are written):
/// kept in memory up to a quarter of a megabyte, then appended to a private temporary file,
/// unlinked as soon as it is made (it lives while open, and no crash leaves it behind), so that
/// memory stays flat whatever the file's size. What a record says is the caller's.
public final class SpilledRecords: @unchecked Sendable {
    // @unchecked: appended to by one writer at a time (`ReportSink`, under the write order),
    // read once by the file's thread after the workers are joined.
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private let folder: String
    public private(set) var count = 0
    public static let spillAt = 256 * 1024

    public init(folder: String = DeadRunScratch.temporaryFolder) {
        self.folder = folder
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Adds one record.
    public func append(_ record: [UInt8]) throws(AtomicOutputFile.Failure) {
        var length = UInt32(record.count).littleEndian
        withUnsafeBytes(of: &length) { buffer.append(contentsOf: $0) }
        buffer += record
        count += 1
        if buffer.count >= Self.spillAt { try spill() }
    }

    private func spill() throws(AtomicOutputFile.Failure) {
        if fd < 0 {
            fd = makeUnnamedFile(in: folder, prefix: ".mbt-records-")
            guard fd >= 0 else {
                throw AtomicOutputFile.Failure(description: "cannot make a temporary file in \(folder): \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
            }
        }
        try writeAll(fd, buffer, "a temporary file in \(folder)")
        buffer.removeAll(keepingCapacity: true)
    }

    /// The records in the order appended, spilled ones first, read one at a time.
    public func makeReader() -> Reader { Reader(self) }

    /// Reads the records back, a piece of the file at a time.
    public final class Reader {
        private let records: SpilledRecords
        private var pending: [UInt8] = []
        private var start = 0
        private var offset = 0
        private var fileDone: Bool
        private var bufferTaken = false

        init(_ records: SpilledRecords) {
            self.records = records
            fileDone = records.fd < 0
        }

        /// The next record; nil after the last.
        public func next() throws(AtomicOutputFile.Failure) -> [UInt8]? {
            while true {
                if pending.count - start >= 4 {
                    let length = pending[start..<(start + 4)].withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
                    if pending.count - start - 4 >= length {
                        let record = Array(pending[(start + 4)..<(start + 4 + length)])
                        start += 4 + length
                        return record
                    }
                }
                // More bytes: from the file, then the records still in memory.
                pending.removeSubrange(0..<start)
                start = 0
                if !fileDone {
                    var chunk = [UInt8](repeating: 0, count: 1 << 16)
                    let fd = records.fd
                    let at = offset
                    let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) } }
                    if n < 0 { throw AtomicOutputFile.Failure(description: "cannot read a temporary file in \(records.folder): \(String(cString: strerror(errno)))") }
                    if n == 0 {
                        fileDone = true
                    } else {
                        offset += n
                        pending += chunk[0..<n]
                    }
                } else if !bufferTaken {
                    bufferTaken = true
                    pending += records.buffer
                } else {
                    if !pending.isEmpty { throw AtomicOutputFile.Failure(description: "a temporary file in \(records.folder) ends in the middle of a record") }
                    return nil
                }
            }
        }
    }
}
