#if canImport(Glibc)
import FastText
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a report's bytes reach the disk. A large report goes out with O_DIRECT in whole aligned
/// chunks: the kernel's copy into the page cache was a quarter of perf's samples on a
/// 20,000-patient run (`copy_folio_from_iter_atomic`), and mbt never reads a report back. A
/// report smaller than one chunk, the tail of a large one, and a file system that refuses
/// O_DIRECT take the ordinary buffered path, so the bytes on disk are the same either way.
struct DirectWrites: ~Copyable {
    /// Bytes per direct write: a 64 KiB O_DIRECT write waits on the device as long as a 1 MiB
    /// one on this machine (dd of 457 MB: 0.70 s against 0.25 s).
    static let chunkSize = 1 << 20
    /// O_DIRECT wants the buffer's address, the length and the file offset aligned to the
    /// device's logical block; 4096 is a multiple of every block size Linux uses.
    static let alignment = 4096

    /// `small` until the file reaches a chunk: a small report (2,000 files of 10 patients make
    /// 4,000 of them) is written as it comes, with no chunk to allocate and fill.
    private enum Mode { case small, undecided, direct, buffered }
    private var mode = Mode.small
    /// The chunk being filled, allocated at the first byte: `alignment`-aligned.
    private var chunk: UnsafeMutableRawPointer?
    private var staged = 0
    /// Writes the full chunks of a direct file while the next one is filled; nil when the
    /// system would not start its thread (the chunks are then written here).
    private var writer: ChunkWriter?
    /// Bytes written through the page cache so far, and up to where their writeback was started.
    private var written = 0
    private var writebackStart = 0
    /// How far buffered bytes go before the kernel is asked to start writing them out.
    private static let writebackStep = 8 << 20

    /// Whether chunks went to the file in O_DIRECT mode: the tests check that the direct path
    /// is the one taken where the file system allows it.
    private(set) var wroteDirect = false

    /// `direct: false` keeps every byte on the buffered path (what a file system that refuses
    /// O_DIRECT gets).
    public init(direct: Bool = true) {
        if !direct { mode = .buffered }
    }

    deinit { chunk?.deallocate() }

    /// Stops the chunk writer's thread, dropping what it has not written: call before the
    /// descriptor is closed, so that no write lands on a number the system has given out again.
    mutating func cancel() {
        writer = nil
    }

    mutating func append(_ bytes: [UInt8], descriptor: Int32, path: String) throws(AtomicOutputFile.Failure) {
        // withUnsafeBytes rethrows as `any Error`: the typed failure is carried out by hand.
        var failure: AtomicOutputFile.Failure?
        bytes.withUnsafeBytes { raw in
            do throws(AtomicOutputFile.Failure) { try append(raw, descriptor: descriptor, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer, descriptor: Int32, path: String) throws(AtomicOutputFile.Failure) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        var offset = 0
        if mode == .small {
            guard written + bytes.count >= Self.chunkSize else {
                try writeBuffered(bytes, descriptor, path)
                return
            }
            // The file is large: buffered up to an aligned offset, then chunks from there.
            offset = (Self.alignment - written % Self.alignment) % Self.alignment
            try writeBuffered(UnsafeRawBufferPointer(start: source, count: offset), descriptor, path)
            mode = .undecided
        }
        if mode == .buffered {
            try writeBuffered(UnsafeRawBufferPointer(start: source + offset, count: bytes.count - offset), descriptor, path)
            return
        }
        while offset < bytes.count {
            let chunk = self.chunk ?? Self.allocateChunk()
            self.chunk = chunk
            let n = min(bytes.count - offset, Self.chunkSize - staged)
            (chunk + staged).copyMemory(from: source + offset, byteCount: n)
            staged += n
            offset += n
            if staged == Self.chunkSize {
                try writeStaged(descriptor, path)
                if mode == .buffered {
                    // The file system refused O_DIRECT: the rest goes out as it comes.
                    try writeBuffered(UnsafeRawBufferPointer(start: source + offset, count: bytes.count - offset), descriptor, path)
                    return
                }
            }
        }
    }

    /// Writes what is still staged, once every full chunk is on disk: the aligned part with
    /// O_DIRECT (when it is on), the rest through the page cache. Called when the file is
    /// complete.
    mutating func finish(descriptor: Int32, path: String) throws(AtomicOutputFile.Failure) {
        if let writer {
            self.writer = nil
            if try !writer.finish() { mode = .buffered }
        }
        guard let chunk, staged > 0 else { return }
        var aligned = 0
        if mode == .direct {
            aligned = staged / Self.alignment * Self.alignment
            var direct = true
            if aligned > 0 {
                try writeChunk(UnsafeRawBufferPointer(start: chunk, count: aligned), to: descriptor, direct: &direct, path: path)
            }
            if direct { setDirect(false, descriptor) }
        }
        mode = .buffered
        try writeBuffered(UnsafeRawBufferPointer(start: chunk + aligned, count: staged - aligned), descriptor, path)
        staged = 0
    }

    static func allocateChunk() -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: alignment)
    }

    /// A full chunk: the first one decides whether the file system takes O_DIRECT.
    private mutating func writeStaged(_ descriptor: Int32, _ path: String) throws(AtomicOutputFile.Failure) {
        guard let chunk else { return }
        if mode == .undecided {
            mode = setDirect(true, descriptor) ? .direct : .buffered
            if mode == .direct { writer = ChunkWriter(descriptor: descriptor, path: path) }
        }
        let bytes = UnsafeRawBufferPointer(start: chunk, count: staged)
        switch (mode, writer) {
        case (.direct, let writer?):
            self.chunk = try writer.submit(chunk, count: staged)
            wroteDirect = true
        case (.direct, nil):
            var direct = true
            try writeChunk(bytes, to: descriptor, direct: &direct, path: path)
            wroteDirect = true
            if !direct { mode = .buffered }
        default:
            try writeBuffered(bytes, descriptor, path)
        }
        staged = 0
    }

    private mutating func writeBuffered(_ bytes: UnsafeRawBufferPointer, _ descriptor: Int32, _ path: String) throws(AtomicOutputFile.Failure) {
        var direct = false
        try writeChunk(bytes, to: descriptor, direct: &direct, path: path)
        written += bytes.count
        startWriteback(descriptor)
    }

    /// Asks the kernel to start writing buffered bytes every 8 MiB, without waiting: the disk
    /// works while the reports are still being made, and the fsync of `commit()` has only the
    /// tail left. On Linux POSIX_FADV_DONTNEED starts the writeback of dirty pages and drops the
    /// pages already written, so a large report leaves the page cache as it found it.
    private mutating func startWriteback(_ descriptor: Int32) {
        #if os(Linux)
        guard written - writebackStart >= Self.writebackStep else { return }
        // Advice only: a failure here changes nothing, and commit()'s fsync still decides.
        _ = posix_fadvise(descriptor, off_t(writebackStart), off_t(written - writebackStart), POSIX_FADV_DONTNEED)
        writebackStart = written
        #endif
    }
}

/// Writes all of `bytes` at the file's offset. With `direct` on, a write O_DIRECT refuses
/// (EINVAL: a device with a larger logical block than `DirectWrites.alignment`), or a short
/// write that leaves the offset unaligned, turns it off and the page cache takes the rest.
func writeChunk(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, direct: inout Bool, path: String) throws(AtomicOutputFile.Failure) {
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
        let n = retryingOnInterrupt { write(descriptor, base + offset, bytes.count - offset) }
        if n < 0 && errno == EINVAL && direct {
            setDirect(false, descriptor)
            direct = false
            continue
        }
        if n <= 0 {
            throw AtomicOutputFile.Failure(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        offset += n
        if direct && n % DirectWrites.alignment != 0 && offset < bytes.count {
            setDirect(false, descriptor)
            direct = false
        }
    }
}

/// Turns O_DIRECT on or off for the descriptor; false when the file system refuses it.
@discardableResult
func setDirect(_ on: Bool, _ descriptor: Int32) -> Bool {
    #if os(Linux)
    let flags = fcntl(descriptor, F_GETFL)
    guard flags >= 0 else { return false }
    // O_DIRECT is a _GNU_SOURCE name, which Swift's Glibc module does not define; glibc's own
    // __O_DIRECT has the architecture's value.
    let newFlags = on ? flags | __O_DIRECT : flags & ~__O_DIRECT
    return fcntl(descriptor, F_SETFL, newFlags) == 0
    #else
    return false
    #endif
}
