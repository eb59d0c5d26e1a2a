/// How many columns text takes on a terminal or a fixed-width printout: a wide character (CJK,
/// Hangul, full-width forms, emoji shown as pictures) takes two, a combining mark or a
/// zero-width format character none, everything else one. Counting scalars instead made 64 CJK
/// characters in a patient id a 136-column line in an 80-column report.
///
/// The wide ranges are Markus Kuhn's wcwidth (East Asian Wide and Fullwidth) plus
/// Unicode's emoji presentation property. glibc's `wcwidth` would need a UTF-8 locale set for
/// the process, which `mbt` does not rely on.
public enum TerminalColumns {
    /// Columns of one scalar (hidden controls are escaped before they are counted).
    @inlinable
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    @usableFromInline
    static func isWide(_ v: UInt32) -> Bool {
        (v >= 0x1100 && v <= 0x115F) || v == 0x2329 || v == 0x232A
            || (v >= 0x2E80 && v <= 0xA4CF && v != 0x303F)
            || (v >= 0xAC00 && v <= 0xD7A3)
            || (v >= 0xF900 && v <= 0xFAFF)
            || (v >= 0xFE10 && v <= 0xFE19)
            || (v >= 0xFE30 && v <= 0xFE6F)
            || (v >= 0xFF00 && v <= 0xFF60)
            || (v >= 0xFFE0 && v <= 0xFFE6)
            || (v >= 0x1F300 && v <= 0x1F64F)
            || (v >= 0x1F900 && v <= 0x1F9FF)
            || (v >= 0x20000 && v <= 0x2FFFD)
            || (v >= 0x30000 && v <= 0x3FFFD)
    }

    /// Whether every byte is ASCII, eight at a time.
    @inlinable
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Columns of UTF-8 bytes: ASCII is a column a byte, anything else counted scalar by scalar.
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if isASCII(bytes) { return bytes.count }
        var count = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars { count += of(scalar) }
        return count
    }

    /// Columns of a string.
    public static func of(_ text: some StringProtocol) -> Int {
        if let columns = text.utf8.withContiguousStorageIfAvailable({ of($0) }) { return columns }
        var count = 0
        var ascii = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                ascii = false
                break
            }
            count += 1
        }
        if ascii { return count }
        count = 0
        for scalar in text.unicodeScalars { count += of(scalar) }
        return count
    }

    /// The number of leading bytes of `bytes` that fit in `columns` columns, never splitting
    /// a scalar (a wide character that would straddle the edge is left out).
    public static func prefixLength(_ bytes: UnsafeBufferPointer<UInt8>, fitting columns: Int) -> Int {
        var used = 0
        var offset = 0
        while offset < bytes.count {
            let lead = bytes[offset]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            let end = min(offset + length, bytes.count)
            let width: Int
            if lead < 0x80 {
                width = 1
            } else {
                let piece = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
                width = piece.unicodeScalars.reduce(0) { $0 + of($1) }
            }
            if used + width > columns { return offset }
            used += width
            offset = end
        }
        return offset
    }
}
