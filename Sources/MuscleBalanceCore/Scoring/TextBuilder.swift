/// A finding's sentence, put together as UTF-8 bytes and made a `String` once. String
/// interpolation appended piece by piece to a growing String: a third of the scorer's time,
/// at about ten findings per session.
/// Not copyable: it owns its bytes and frees them in `deinit`.
struct TextBuilder: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int = 128) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity {
            var bigger = capacity * 2
            while bigger < count + bytes.count { bigger *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity = bigger
        }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func add(_ text: String) {
        // The string's own storage, borrowed; a small (inline) string is copied out first.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { add($0) }
        if done == nil {
            var text = text
            text.withUTF8 { add($0) }
        }
    }

    mutating func add(_ text: StaticString) {
        add(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `fixed(value, digits)` ("-1.20"), from the same parts, with no String made.
    mutating func add(fixed value: Double, _ digits: Int) {
        guard digits >= 0 && digits <= 15, let (negative, whole, fraction) = fixedParts(value, digits) else {
            add(MuscleBalanceCore.fixed(value, digits))
            return
        }
        if negative { add("-") }
        addDigits(UInt64(whole), width: 1)
        if digits > 0 {
            add(".")
            addDigits(UInt64(fraction), width: digits)
        }
    }

    private mutating func addDigits(_ value: UInt64, width: Int) {
        withDecimalDigits(value, width: width) { add($0) }
    }

    var text: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}
