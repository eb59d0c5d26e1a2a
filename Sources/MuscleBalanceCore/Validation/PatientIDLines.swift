/// The patient ids of a file, each with the line it first appeared on, for the duplicate-id
/// rule, which has to remember every id of a file that may hold hundreds of thousands of
/// patients.
///
/// A `[String: Int]` took 24 bytes a bucket at a load of at most three quarters: 6.3 MB for
/// 100,000 patients, most of what memory grew by from 1,000 patients to 100,000. Here an ASCII
/// id lies once in an arena (its line, its length, its bytes) and a bucket is a 4-byte offset
/// into it: about 3 MB. Any other id is kept in a dictionary, so that ids Swift holds equal
/// (canonically equivalent ones, "é" as one scalar or as "e" and an accent) still match, as
/// they did; so is an id the arena cannot take (over 65,535 bytes, or past 4 GiB of ids).
struct PatientIDLines {
    /// Per id: the line (8 bytes), the length (2 bytes), the UTF-8 bytes.
    private var arena: [UInt8] = []
    /// Arena offset + 1 of the id in each bucket; 0 is an empty bucket. A power of two.
    private var buckets = [UInt32](repeating: 0, count: 1024)
    private var count = 0
    private var others: [String: Int] = [:]

    /// Records `id` as first seen on `line`, unless it was recorded before: then returns the
    /// line it was first recorded on (a duplicate), and keeps it.
    @discardableResult
    mutating func record(_ id: String, line: Int) -> Int? {
        let inArena: Int?? = Self.ascii(id) { bytes -> Int?? in
            // An id the arena cannot take goes to the others.
            guard bytes.count <= Int(UInt16.max), arena.count + 10 + bytes.count < Int(UInt32.max) else { return nil }
            let (found, bucket) = find(bytes)
            if let found { return .some(Int(truncatingIfNeeded: readLine(at: found))) }
            buckets[bucket] = UInt32(arena.count + 1)
            withUnsafeBytes(of: UInt64(truncatingIfNeeded: line).littleEndian) { arena.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt16(bytes.count).littleEndian) { arena.append(contentsOf: $0) }
            arena.append(contentsOf: bytes)
            count += 1
            if count * 4 > buckets.count * 3 { grow() }
            return .some(nil)
        } ?? nil
        if let inArena { return inArena }
        if let earlier = others[id] { return earlier }
        others[id] = line
        return nil
    }

    /// Calls `body` with the id's UTF-8 when it is all ASCII (where equal bytes and equal
    /// Strings are the same thing); nil otherwise.
    private static func ascii<R>(_ id: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var id = id
        return id.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? body(bytes) : nil }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The arena offset of `bytes` if recorded, and the bucket it is in or would go in.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> (found: Int?, bucket: Int) {
        let mask = buckets.count - 1
        var bucket = Self.hash(bytes) & mask
        while buckets[bucket] != 0 {
            let offset = Int(buckets[bucket]) - 1
            if matches(bytes, at: offset) { return (offset, bucket) }
            bucket = (bucket + 1) & mask
        }
        return (nil, bucket)
    }

    /// The length of the id stored at `offset` in the arena `a`.
    private static func length(_ a: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        Int(UInt16(a[offset + 8]) | UInt16(a[offset + 9]) << 8)
    }

    private func matches(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        arena.withUnsafeBufferPointer { a in
            let length = Self.length(a, at: offset)
            guard length == bytes.count else { return false }
            for i in 0..<length where a[offset + 10 + i] != bytes[i] { return false }
            return true
        }
    }

    private func readLine(at offset: Int) -> UInt64 {
        arena.withUnsafeBufferPointer { a in
            var line: UInt64 = 0
            for i in (0..<8).reversed() { line = line << 8 | UInt64(a[offset + i]) }
            return line
        }
    }

    /// Doubles the buckets and puts every id back, by its hash.
    private mutating func grow() {
        var bigger = [UInt32](repeating: 0, count: buckets.count * 2)
        let mask = bigger.count - 1
        arena.withUnsafeBufferPointer { a in
            for stored in buckets where stored != 0 {
                let offset = Int(stored) - 1
                let length = Self.length(a, at: offset)
                var bucket = Self.hash(UnsafeBufferPointer(rebasing: a[(offset + 10)..<(offset + 10 + length)])) & mask
                while bigger[bucket] != 0 { bucket = (bucket + 1) & mask }
                bigger[bucket] = stored
            }
        }
        buckets = bigger
    }
}
