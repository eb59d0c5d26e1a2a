import CMBSHA256

/// SHA-256 (FIPS 180-4) of bytes, as lower-case hex: the hash of a session's canonical inputs,
/// of an input file and of a protocol file in the store and its audit trail. Written here
/// because Foundation on Linux has none and swift-crypto is not a dependency; checked against
/// the standard's test vectors, `sha256sum`, and its portable rounds against the processor's
/// [SHA256Tests].
///
/// The block function is C (`CMBSHA256`): the processor's SHA extensions where it has them,
/// which Swift reaches only through C intrinsics. The state and an unfinished block are kept
/// inline, not in arrays: a session's hash is some sixty short lines, and each update paid
/// for array checks (figures in Benchmarks/RESULTS.md, issue 29, third round).
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// The bytes of an unfinished block, 64 inline.
    private var held: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var heldCount = 0
    private var length: UInt64 = 0
    /// The portable rounds whatever the processor (for the test that compares the two).
    private let portable: Bool

    public init() { portable = false }

    /// A hash that never uses the processor's SHA extensions: the test's second path.
    public init(portableRoundsOnly: Bool) { portable = portableRoundsOnly }

    /// Whether this processor's SHA extensions do the rounds.
    public static var usesProcessorExtensions: Bool { mb_sha256_uses_sha_extensions() != 0 }

    /// The hex digest of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash = SHA256()
        hash.update(bytes)
        return hash.finalHex()
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ update(contiguous: $0) }) != nil { return }
        Array(bytes).withUnsafeBufferPointer { update(contiguous: $0) }
    }

    /// One byte (the line break between two lines), with no collection made for it.
    public mutating func update(byte: UInt8) {
        withUnsafePointer(to: byte) { update(contiguous: UnsafeBufferPointer(start: $0, count: 1)) }
    }

    /// Whole blocks straight from the caller's bytes; only a block's remainder is held over.
    public mutating func update(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        length &+= UInt64(bytes.count)
        var i = 0
        if heldCount > 0 {
            let take = min(64 - heldCount, bytes.count)
            let at = heldCount
            withUnsafeMutableBytes(of: &held) { $0.baseAddress!.advanced(by: at).copyMemory(from: base, byteCount: take) }
            heldCount += take
            i = take
            guard heldCount == 64 else { return }
            var block = held
            withUnsafeBytes(of: &block) { run($0.baseAddress!.assumingMemoryBound(to: UInt8.self), blocks: 1) }
            heldCount = 0
        }
        let whole = (bytes.count - i) / 64
        if whole > 0 {
            run(base + i, blocks: whole)
            i += whole * 64
        }
        if i < bytes.count {
            let rest = bytes.count - i
            withUnsafeMutableBytes(of: &held) { $0.baseAddress!.copyMemory(from: base + i, byteCount: rest) }
            heldCount = rest
        }
    }

    public mutating func finalHex() -> String {
        let bits = length &* 8
        var tail: [UInt8] = []
        tail.reserveCapacity(128)
        let count = heldCount
        withUnsafeBytes(of: &held) { tail.append(contentsOf: $0.prefix(count)) }
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        tail.withUnsafeBufferPointer { run($0.baseAddress!, blocks: $0.count / 64) }
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in words {
            for shift in stride(from: 28, through: 0, by: -4) { out.append(digits[Int((word >> UInt32(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func run(_ data: UnsafePointer<UInt8>, blocks: Int) {
        let portable = portable
        withUnsafeMutablePointer(to: &state) { tuple in
            tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { words in
                if portable {
                    mb_sha256_blocks_portable(words, data, blocks)
                } else {
                    mb_sha256_blocks(words, data, blocks)
                }
            }
        }
    }
}
