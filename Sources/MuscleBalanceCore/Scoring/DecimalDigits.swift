/// Calls `body` with the decimal digits of `value`, zero-padded to `width` (at most 24 in all),
/// made from the right in a stack buffer: the one digit writer of the findings and the reports.
@inlinable @inline(__always)
public func withDecimalDigits(_ value: UInt64, width: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &storage) { raw in
        let buffer = raw.bindMemory(to: UInt8.self)
        var index = buffer.count
        var rest = value
        repeat {
            index -= 1
            buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        while buffer.count - index < width && index > 0 {
            index -= 1
            buffer[index] = UInt8(ascii: "0")
        }
        body(UnsafeBufferPointer(rebasing: buffer[index...]))
    }
}
