/// Bytes made once, when a `SessionBundle` is set up, and written into every Bundle: a test's
/// code, a unit, a category. Kept in memory of their own and named by `Block`, a plain pointer
/// and length: an `[UInt8]` is reference-counted, and the retain and release of each block
/// at every use were a third of the export's time (perf, RESULTS.md).
final class BlockStore: @unchecked Sendable {
    // @unchecked: `keep` is called only while the owning SessionBundle is being made (one
    // thread); after that the memory is only read, and it is freed in deinit, when no Block of
    // it can be in use (every Block is held by the same owner).
    private var regions: [UnsafeMutableRawPointer] = []

    init() {}

    deinit {
        for region in regions { region.deallocate() }
    }

    /// A copy of `bytes` that lives as long as this store.
    func keep(_ bytes: [UInt8]) -> Block {
        guard !bytes.isEmpty else { return Block(start: nil, count: 0) }
        let region = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 1)
        regions.append(region)
        let start = region.bindMemory(to: UInt8.self, capacity: bytes.count)
        bytes.withUnsafeBufferPointer { start.initialize(from: $0.baseAddress!, count: bytes.count) }
        return Block(start: UnsafePointer(start), count: bytes.count)
    }
}

/// Bytes kept by a `BlockStore`: valid while the store lives; never written.
struct Block: @unchecked Sendable {
    // @unchecked: the memory is immutable after the store is made (see BlockStore).
    let start: UnsafePointer<UInt8>?
    let count: Int

    var isEmpty: Bool { count == 0 }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }
}
