/// JSON as FHIR's rules want it, written by hand into bytes: keys in the order they are
/// written (so `resourceType` first and every export the same bytes), no `null` (a nil value
/// is left out), no empty array or object (`array` writes nothing for none), numbers in
/// decimal notation with no exponent, and every string escaped so that no control character,
/// line or paragraph separator, or bidi override from a clinic file is live in the output.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the open object or array already has a member (a comma goes before the next).
    private var filled: [Bool] = []

    public init() {}

    private mutating func separate() {
        if let last = filled.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            filled[filled.count - 1] = true
        }
    }

    private mutating func key(_ key: String?) {
        separate()
        if let key {
            Self.quote(key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// Members made once and written as they are (`fragment(_:)`): `"key":value`, one or more,
    /// comma-separated. The export's fixed blocks (a test's code, a category, a unit) go this
    /// way instead of being escaped again for every Observation.
    public mutating func raw(_ members: [UInt8]) {
        separate()
        bytes.append(contentsOf: members)
    }

    /// The members `body` writes, as bytes for `raw(_:)`.
    public static func fragment(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = JSONWriter()
        w.object(nil, body)
        return Array(w.bytes.dropFirst().dropLast())
    }

    /// An object: as a member `key`, or an array's element (nil).
    public mutating func object(_ key: String? = nil, _ body: (inout JSONWriter) -> Void) {
        self.key(key)
        bytes.append(UInt8(ascii: "{"))
        filled.append(false)
        body(&self)
        filled.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// An array of `items`; nothing at all when there are none (FHIR allows no empty array).
    public mutating func array<T>(_ key: String?, _ items: some Sequence<T>, _ element: (inout JSONWriter, T) -> Void) {
        var iterator = items.makeIterator()
        guard let first = iterator.next() else { return }
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        filled.append(false)
        element(&self, first)
        while let next = iterator.next() { element(&self, next) }
        filled.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A string member; nothing for nil or "" (FHIR: a string has at least one character).
    public mutating func string(_ key: String?, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        self.key(key)
        Self.quote(value, into: &bytes)
    }

    public mutating func bool(_ key: String, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A decimal with at most `digits` decimals, trailing zeros dropped ("63.7", "100");
    /// nothing for nil or a value that is not finite (JSON has no NaN).
    public mutating func decimal(_ key: String?, _ value: Double?, digits: Int) {
        guard let value, value.isFinite else { return }
        self.key(key)
        Self.appendDecimal(value, digits: digits, into: &bytes)
    }

    public mutating func integer(_ key: String, _ value: Int) {
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `decimalText` written straight into `out`, with no String made (a Bundle has hundreds
    /// of numbers).
    static func appendDecimal(_ value: Double, digits: Int, into out: inout [UInt8]) {
        let digits = max(0, min(digits, 9))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e15 else {
            out.append(contentsOf: decimalText(value, digits: digits).utf8)
            return
        }
        var units = UInt64(scaled)
        if units != 0 && value < 0 { out.append(UInt8(ascii: "-")) }
        // The digits, least significant first, then reversed; trailing fraction zeros dropped.
        var stack: [UInt8] = []
        stack.reserveCapacity(24)
        var place = 0
        var dropping = digits > 0
        while units > 0 || place <= digits {
            let d = UInt8(units % 10)
            units /= 10
            if place < digits {
                if dropping && d == 0 {
                    place += 1
                    continue
                }
                dropping = false
                stack.append(UInt8(ascii: "0") + d)
            } else {
                if place == digits && !stack.isEmpty { stack.append(UInt8(ascii: ".")) }
                stack.append(UInt8(ascii: "0") + d)
            }
            place += 1
        }
        out.append(contentsOf: stack.reversed())
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

    /// `text` as a JSON string: `"` and `\` escaped, every C0 and C1 control, DEL, the line and
    /// paragraph separators (U+2028/2029, which break JavaScript readers of JSON) and the bidi
    /// controls (U+202A-202E, U+2066-2069) as \u escapes.
    ///
    /// Read as UTF-8 bytes, the runs between escapes appended whole: scalar by scalar (a
    /// String and an Array per character) it was the export's largest cost (perf: 13% of
    /// `score --fhir` in itself, most of the 30% in malloc and release besides).
    public static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { bytes in
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
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                escape(scalar, into: &out)
                i += length
                runStart = i
            }
            if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
        }
        out.append(0x22)
    }

    private static func escape(_ v: UInt32, into out: inout [UInt8]) {
        switch v {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            out.append(contentsOf: [0x5C, UInt8(ascii: "u"), hex[Int((v >> 12) & 0xF)], hex[Int((v >> 8) & 0xF)], hex[Int((v >> 4) & 0xF)], hex[Int(v & 0xF)]])
        }
    }
}
