/// Something the report writers append bytes to: a `[UInt8]` or a `ByteBuffer`. The number
/// formatters are generic over it, so one formatter serves both.
public protocol ByteAppending: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteAppending where Element == UInt8 {
    @inlinable
    public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

extension ByteAppending where Self: ~Copyable {
    @inlinable
    public mutating func appendBytes(_ text: StaticString) {
        appendBytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable
    public mutating func appendBytes(_ text: String) {
        // Borrows the string's own storage (no copy of the string, so no retain and release
        // per append: two million of them per thousand patients); a small string is read
        // from the stack.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendBytes($0) }
        if done == nil {
            var text = text
            text.withUTF8 { appendBytes($0) }
        }
    }
}

/// A growable byte buffer for the report writers: an append is a capacity check and a copy.
/// `[UInt8]` checks uniqueness and goes through a generic call on every append, which was a
/// fifth of the XML report's cost at several hundred small appends per patient.
/// Not copyable: it owns its memory and frees it in `deinit`.
public struct ByteBuffer: ~Copyable, ByteAppending {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var used: Int
    public var count: Int { used }

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        used = 0
    }

    deinit { base.deallocate() }

    @inlinable
    public mutating func append(_ byte: UInt8) {
        if used == capacity { grow(minimum: used + 1) }
        base[used] = byte
        used += 1
    }

    @inlinable
    public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0, let source = bytes.baseAddress else { return }
        if used + n > capacity { grow(minimum: used + n) }
        (base + used).initialize(from: source, count: n)
        used += n
    }

    @inlinable
    public mutating func append(repeating byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        if used + n > capacity { grow(minimum: used + n) }
        (base + used).initialize(repeating: byte, count: n)
        used += n
    }

    /// ` name="value"`, the value already known to need no escaping: one capacity check.
    @inlinable
    public mutating func appendAttribute(name: StaticString, plainValue value: UnsafeBufferPointer<UInt8>) {
        let nameCount = name.utf8CodeUnitCount
        let total = nameCount + value.count + 4
        if used + total > capacity { grow(minimum: used + total) }
        var p = base + used
        p.initialize(to: UInt8(ascii: " "))
        p += 1
        p.initialize(from: name.utf8Start, count: nameCount)
        p += nameCount
        p.initialize(to: UInt8(ascii: "="))
        (p + 1).initialize(to: UInt8(ascii: "\""))
        p += 2
        if let source = value.baseAddress, value.count > 0 {
            p.initialize(from: source, count: value.count)
            p += value.count
        }
        p.initialize(to: UInt8(ascii: "\""))
        used += total
    }

    /// Inserts `n` copies of `byte` at `index`, moving what follows (right-aligned cells).
    public mutating func insert(repeating byte: UInt8, count n: Int, at index: Int) {
        precondition(index >= 0 && index <= used)
        guard n > 0 else { return }
        if used + n > capacity { grow(minimum: used + n) }
        (base + index + n).moveInitialize(from: base + index, count: used - index)
        (base + index).initialize(repeating: byte, count: n)
        used += n
    }

    public mutating func appendBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { appendBytes($0) }
    }

    @usableFromInline
    mutating func grow(minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: base, count: used)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    /// The bytes from `start` to the end.
    public func withBytes<T>(from start: Int = 0, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        precondition(start >= 0 && start <= used)
        return try body(UnsafeBufferPointer(start: base + start, count: count - start))
    }

    /// Drops the bytes from `newCount` on.
    public mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= used)
        used = newCount
    }

    public mutating func removeAll() { used = 0 }
}
