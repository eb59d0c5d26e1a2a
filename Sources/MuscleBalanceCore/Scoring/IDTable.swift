/// A read-only table from protocol ids (tests, muscle groups) to values, built once per
/// protocol and looked up hundreds of times per patient. It hashes with FNV-1a over the id's
/// bytes, a few instructions per byte, where `Dictionary` uses the standard library's seeded
/// SipHash: built to resist hash flooding, which a dozen ids of a validated protocol never
/// need, and a fifth of the scorer's time when it was used here.
public struct IDTable<Value: Sendable>: Sendable {
    // Inlinable, so the reports (another module) get code specialised for their value type,
    // not the generic one, which was slower than the Dictionary it replaces.
    @usableFromInline var keys: [String] = []
    @usableFromInline var values: [Value] = []
    /// Indices into `keys`, -1 for an empty slot; a power of two, at most half full.
    @usableFromInline var slots: [Int32]
    @usableFromInline let mask: Int

    /// Whether every key is ASCII. String equality is canonical equivalence ("K" with the
    /// Kelvin sign equals "K"), which bytes decide only when both sides are ASCII; anything
    /// else is looked up by `==`, one key at a time, exactly as a Dictionary would match it.
    @usableFromInline let asciiKeys: Bool

    /// The first value of an id wins, as `Dictionary(_:uniquingKeysWith: { a, _ in a })`.
    public init(_ pairs: some Sequence<(String, Value)>) {
        let all = Array(pairs)
        var size = 8
        while size < 2 * all.count { size *= 2 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        asciiKeys = all.allSatisfy { Self.hash($0.0).ascii }
        for (key, value) in all where self[key] == nil {
            var slot = Self.hash(key).value & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(keys.count)
            keys.append(key)
            values.append(value)
        }
    }

    @inlinable
    public subscript(id: String) -> Value? {
        let (hash, ascii) = Self.hash(id)
        guard ascii && asciiKeys else {
            return keys.firstIndex(of: id).map { values[$0] }
        }
        var slot = hash & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if keys[index] == id { return values[index] }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a of the UTF-8 bytes, and whether they are all ASCII.
    @inlinable
    static func hash(_ id: String) -> (value: Int, ascii: Bool) {
        func fnv(_ bytes: some Sequence<UInt8>) -> (UInt64, UInt8) {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var high: UInt8 = 0
            for b in bytes {
                h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
                high |= b
            }
            return (h, high)
        }
        let (h, high) = id.utf8.withContiguousStorageIfAvailable { fnv($0) } ?? fnv(id.utf8)
        return (Int(truncatingIfNeeded: h ^ (h >> 29)), high < 0x80)
    }
}
