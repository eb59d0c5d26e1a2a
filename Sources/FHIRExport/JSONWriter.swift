import FastText

/// JSON as FHIR's rules want it, written by hand into bytes: keys in the order they are
/// written (so `resourceType` first and every export the same bytes), no `null` (a nil value
/// is left out), no empty array or object (`array` writes nothing for none), numbers in
/// decimal notation with no exponent, and every string escaped so that no control character,
/// line or paragraph separator, or bidi override from a clinic file is live in the output.
///
/// Written straight into a `ByteBuffer` (a Bundle is some hundred kilobytes: `[UInt8]`'s
/// uniqueness check on each append, and a copy of the whole at the end, were costs of their
/// own), keys as static text that needs no escaping, and which open object or array already
/// has a member kept as bits, not as an array (perf: `score --fhir`, RESULTS.md).
public struct JSONWriter: ~Copyable {
    public var out: ByteBuffer
    /// Bit d: the object or array open at depth d already has a member (a comma goes first).
    private var filled: UInt64 = 0
    private var depth = 0

    public init(capacity: Int = 1 << 12) {
        out = ByteBuffer(capacity: capacity)
    }

    /// A writer appending to `buffer`; `finish()` gives it back.
    public init(appendingTo buffer: consuming ByteBuffer) {
        out = buffer
    }

    public consuming func finish() -> ByteBuffer { out }

    /// What was written, as an array.
    public var bytes: [UInt8] { out.withBytes { Array($0) } }

    @inline(__always)
    private mutating func separate() {
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if filled & bit != 0 { out.append(UInt8(ascii: ",")) } else { filled |= bit }
    }

    /// `"key":` (a key is the program's own text: it never needs escaping).
    @inline(__always)
    private mutating func key(_ key: StaticString) {
        separate()
        out.append(0x22)
        out.appendBytes(key)
        out.append(0x22)
        out.append(UInt8(ascii: ":"))
    }

    private mutating func open(_ bracket: UInt8) {
        out.append(bracket)
        precondition(depth < 64, "JSON nested deeper than 64")
        filled &= ~(1 << UInt64(depth))
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        out.append(bracket)
    }

    /// Members made once and written as they are (`fragment(_:)`): `"key":value`, one or more,
    /// comma-separated. The export's fixed blocks (a test's code, a category, a unit) go this
    /// way instead of being escaped again for every Observation.
    public mutating func raw(_ members: [UInt8]) {
        separate()
        out.appendBytes(members)
    }

    public mutating func raw(_ members: UnsafeBufferPointer<UInt8>) {
        separate()
        out.appendBytes(members)
    }

    /// The members `body` writes, as bytes for `raw(_:)`.
    public static func fragment(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.object(body)
        return Array(w.bytes.dropFirst().dropLast())
    }

    /// An object, as a member `key`.
    public mutating func object(_ key: StaticString, _ body: (inout JSONWriter) -> Void) {
        self.key(key)
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// An object, as an array's element or the whole text.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// An array of `items`; nothing at all when there are none (FHIR allows no empty array).
    public mutating func array<T>(_ key: StaticString, _ items: some Sequence<T>, _ element: (inout JSONWriter, T) -> Void) {
        var iterator = items.makeIterator()
        guard let first = iterator.next() else { return }
        self.key(key)
        open(UInt8(ascii: "["))
        element(&self, first)
        while let next = iterator.next() { element(&self, next) }
        close(UInt8(ascii: "]"))
    }

    /// An array of one object (FHIR's many 0..* elements that mbt fills once).
    public mutating func arrayOfOne(_ key: StaticString, _ body: (inout JSONWriter) -> Void) {
        self.key(key)
        open(UInt8(ascii: "["))
        object(body)
        close(UInt8(ascii: "]"))
    }

    /// An array written element by element between `beginArray` and `endArray`, for one whose
    /// elements are written by different code (the caller knows it will not be empty).
    public mutating func beginArray(_ key: StaticString) {
        self.key(key)
        open(UInt8(ascii: "["))
    }

    public mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// A string member; nothing for nil or "" (FHIR: a string has at least one character).
    public mutating func string(_ key: StaticString, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        self.key(key)
        Self.quote(value, into: &out)
    }

    /// A string member of the program's own text (a code, a status): nothing to escape.
    public mutating func literal(_ key: StaticString, _ value: StaticString) {
        self.key(key)
        out.append(0x22)
        out.appendBytes(value)
        out.append(0x22)
    }

    /// A member whose value `body` writes straight into the buffer (a string made of pieces
    /// already escaped, a UUID).
    public mutating func member(_ key: StaticString, _ body: (inout ByteBuffer) -> Void) {
        self.key(key)
        body(&out)
    }

    public mutating func bool(_ key: StaticString, _ value: Bool) {
        self.key(key)
        out.appendBytes(value ? "true" : "false")
    }

    /// A decimal with at most `digits` decimals, trailing zeros dropped ("63.7", "100");
    /// nothing for nil or a value that is not finite (JSON has no NaN).
    public mutating func decimal(_ key: StaticString, _ value: Double?, digits: Int) {
        guard let value, value.isFinite else { return }
        self.key(key)
        Self.appendDecimal(value, digits: digits, into: &out)
    }

    public mutating func integer(_ key: StaticString, _ value: Int) {
        self.key(key)
        Self.appendDecimal(Double(value), digits: 0, into: &out)
    }

    /// `decimalText` written straight into `out`, right to left in a buffer on the stack,
    /// with no String or Array made (a Bundle has hundreds of numbers).
    public static func appendDecimal<Out: ByteAppending & ~Copyable>(_ value: Double, digits: Int, into out: inout Out) {
        let digits = max(0, min(digits, 9))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e15 else {
            out.appendBytes(decimalText(value, digits: digits))
            return
        }
        var units = UInt64(scaled)
        let negative = units != 0 && value < 0
        // 32 bytes: a sign, 16 integer digits, a point and 9 decimals fit.
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { raw in
            let buffer = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var index = raw.count
            var place = 0
            var dropping = digits > 0
            var wroteFraction = false
            while units > 0 || place <= digits {
                let d = UInt8(truncatingIfNeeded: units % 10)
                units /= 10
                if place < digits {
                    // Trailing zeros of the fraction are dropped.
                    if !(dropping && d == 0) {
                        dropping = false
                        index -= 1
                        buffer[index] = UInt8(ascii: "0") + d
                        wroteFraction = true
                    }
                } else {
                    if place == digits && wroteFraction {
                        index -= 1
                        buffer[index] = UInt8(ascii: ".")
                    }
                    index -= 1
                    buffer[index] = UInt8(ascii: "0") + d
                }
                place += 1
            }
            if negative {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            out.appendBytes(UnsafeBufferPointer(start: buffer + index, count: raw.count - index))
        }
    }

    /// `value` rounded to `digits` decimals (half away from zero), in plain decimal notation.
    public static func decimalText(_ value: Double, digits: Int) -> String {
        let digits = max(0, min(digits, 9))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e15 else { return String(Int64(value.rounded())) }
        let units = UInt64(scaled)
        var text = String(units)
        if digits > 0 {
            while text.count <= digits { text = "0" + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return units == 0 || value >= 0 ? text : "-" + text
    }

    /// `text` as a JSON string, in its quotes (`escape(_:into:)`).
    public static func quote<Out: ByteAppending & ~Copyable>(_ text: String, into out: inout Out) {
        out.append(0x22)
        var text = text
        text.withUTF8 { escape($0, into: &out) }
        out.append(0x22)
    }

    /// UTF-8 `bytes` as the inside of a JSON string: `"` and `\` escaped, every C0 and C1
    /// control, DEL, the line and paragraph separators (U+2028/2029, which break JavaScript
    /// readers of JSON) and the bidi controls (U+202A-202E, U+2066-2069) as \u escapes.
    /// Escaping pieces one after the other gives the escape of the whole (a piece is whole
    /// UTF-8 characters), which is how identifiers are written from a session's part and a
    /// figure's.
    ///
    /// Read as bytes, the runs between escapes appended whole: scalar by scalar (a String and
    /// an Array per character) it was the export's largest cost (perf: 13% of `score --fhir`
    /// in itself, most of the 30% in malloc and release besides).
    public static func escape<Out: ByteAppending & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Out) {
        let n = bytes.count
        var runStart = 0
        var i = 0
        while i < n {
            let b = bytes[i]
            // Most bytes are printable ASCII other than " and \: one test for them.
            if b >= 0x23 && b < 0x7F && b != 0x5C || b == 0x20 || b == 0x21 || (b >= 0x80 && b != 0xC2 && b != 0xE2) {
                i += 1
                continue
            }
            var length = 0
            var scalar: UInt32 = 0
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F {
                (length, scalar) = (1, UInt32(b))
            } else if b == 0xC2, i + 1 < n, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F {
                (length, scalar) = (2, UInt32(bytes[i + 1]))  // C1 controls
            } else if b == 0xE2, i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] >= 0xA8, bytes[i + 2] <= 0xAE {
                (length, scalar) = (3, 0x2000 + UInt32(bytes[i + 2] - 0x80))  // U+2028-202E
            } else if b == 0xE2, i + 2 < n, bytes[i + 1] == 0x81, bytes[i + 2] >= 0xA6, bytes[i + 2] <= 0xA9 {
                (length, scalar) = (3, 0x2040 + UInt32(bytes[i + 2] - 0x80))  // U+2066-2069
            }
            guard length > 0 else {
                i += 1
                continue
            }
            if runStart < i { out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            escapeScalar(scalar, into: &out)
            i += length
            runStart = i
        }
        if runStart < n { out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    }

    /// `text` escaped as `escape(_:into:)` does, without quotes, as bytes to write later.
    public static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { escape($0, into: &out) }
        return out
    }

    private static func escapeScalar<Out: ByteAppending & ~Copyable>(_ v: UInt32, into out: inout Out) {
        let hex: StaticString = "0123456789abcdef"
        out.append(0x5C)
        switch v {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            for shift in [12, 8, 4, 0] as [UInt32] { out.append(hex.utf8Start[Int((v >> shift) & 0xF)]) }
        }
    }
}
