import MBXML
import MuscleBalanceCore

/// Typed reads of attributes, for files the schema has already passed. A value the schema
/// should have refused still never crashes: it reads as nil and the rules report it.
extension XMLElement {
    var location: SourceLocation { SourceLocation(line: line, element: name) }

    func string(_ name: String) -> String? { self[attribute: name] }

    func double(_ name: String) -> Double? { self[attribute: name].flatMap(parseDecimal) }

    func int(_ name: String) -> Int? {
        self[attribute: name].flatMap { Int($0.trimmingXMLWhitespace()) }
    }

    func sources(_ name: String = "source") -> SourceReferences {
        let ids = (self[attribute: name] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        return SourceReferences(ids: ids, location: location)
    }

    /// The element's text with runs of whitespace folded, as a reader expects prose.
    var foldedText: String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    func childText(_ name: String) -> String { child(named: name)?.foldedText ?? "" }
}

extension String {
    func trimmingXMLWhitespace() -> Substring {
        // Nearly every value has nothing to trim: if neither its first nor its last byte is XML
        // whitespace, neither its first nor its last Character can be one, so it comes back
        // whole without walking its grapheme clusters (which was 10% of reading a file).
        let utf8 = self.utf8
        func isSpaceByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if !isSpaceByte(first) && !isSpaceByte(last) { return self[...] }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}

/// Reads an xs:decimal ("+12", "12.", ".5", "-0.25"); nil for anything else, including the
/// exponents, NaN and INF that Double's own parser would accept.
func parseDecimal(_ text: String) -> Double? {
    var text = text
    return text.withUTF8(parseDecimal)
}

/// `parseDecimal` on the UTF-8 bytes of the text.
func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    var start = 0
    var end = bytes.count
    while start < end && isSpace(bytes[start]) { start += 1 }
    while end > start && isSpace(bytes[end - 1]) { end -= 1 }
    var negative = false
    if start < end && (bytes[start] == UInt8(ascii: "+") || bytes[start] == UInt8(ascii: "-")) {
        negative = bytes[start] == UInt8(ascii: "-")
        start += 1
    }
    guard start < end else { return nil }
    // Digits with at most one point, not the point alone; the mantissa and the number of
    // decimals on the way.
    var mantissa: UInt64 = 0
    var digits = 0
    var decimals = 0
    var point = false
    for index in start..<end {
        let b = bytes[index]
        if b == UInt8(ascii: ".") {
            if point { return nil }
            point = true
        } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(b - UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
            } else {
                digits += 1
            }
            if point { decimals += 1 }
        } else {
            return nil
        }
    }
    guard end - start > 1 || !point else { return nil }
    // Clinger's fast path: a mantissa below 2^53 and a power of ten below 10^23 are both
    // exact doubles, so one division is correctly rounded, as the full parse would be.
    if digits <= 15 && decimals <= 22 {
        let value = Double(mantissa) / powersOfTenExact[decimals]
        return negative ? -value : value
    }
    var body = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    if body.hasPrefix(".") { body = "0" + body }
    if body.hasSuffix(".") { body += "0" }
    guard let value = Double((negative ? "-" : "") + body), value.isFinite else { return nil }
    return value
}

/// 10^0 ... 10^22, every one an exact double.
private let powersOfTenExact: [Double] = (0...22).map { n in (0..<n).reduce(1.0) { r, _ in r * 10 } }
