/// A finding's sentence, put together as UTF-8 bytes and made a `String` once. String
/// interpolation appended piece by piece to a growing String: a third of the scorer's time,
/// at about ten findings per session.
struct TextBuilder {
    private var bytes: [UInt8] = []

    init(capacity: Int = 128) {
        bytes.reserveCapacity(capacity)
    }

    mutating func add(_ text: String) {
        // The string's own storage, borrowed; a small (inline) string is copied out first.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if done == nil { bytes.append(contentsOf: text.utf8) }
    }

    mutating func add(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
