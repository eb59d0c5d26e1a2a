import FastText

/// Writes XML fragments (the patients of a report, say) into memory, escaping every value. One
/// writer serves a whole file: `take(into:)` hands over what is written so far, so a report of
/// any size streams through a small buffer. The caller owns the file and checks every write.
///
/// The bytes are exactly those of libxml2's text writer with a two-space indent (elements on
/// their own lines, text inline, empty elements as `<name/>`, attribute values escaped as
/// `xmlBufAttrSerializeTxtContent` does with no document, so non-ASCII becomes `&#xHEX;`; text as
/// `xmlEncodeSpecialChars` does). `LibXMLTextWriter` is that writer; a differential test holds
/// the two to the same bytes. This one appends to a `ByteBuffer` with no C string, list node or
/// call into libxml2 per attribute: 20,000 patients took 5.8 s instead of 7.3 s with libxml2's
/// writer, and the XML report is now 0.67 G instructions per 1,000 patients.
///
/// A struct, so that its appends are checked for exclusive access when compiled, not at run
/// time on every call, as a class's stored properties are; not copyable, as its buffer is not.
///
/// Misuse (an attribute after content, `end()` with nothing open) is a programming error and
/// traps: the report writer's calls are fixed by its code, not by its input.
public struct XMLFragmentWriter: ~Copyable {
    private var bytes = ByteBuffer()
    /// The open elements, innermost last. Names are `StaticString`s: the report's element and
    /// attribute names are fixed by its code, so a name costs no copy and no reference count.
    private var open: [StaticString] = []
    /// The innermost element's start tag is still open (`<name attr="..."`, no `>` yet).
    private var tagOpen = false
    /// libxml2's `doindent`: false right after text, so the end tag stays on the text's line.
    private var indentEnd = true

    public init() {}

    // MARK: Elements

    public mutating func start(_ name: StaticString) {
        if tagOpen {
            bytes.appendBytes(">\n")
            tagOpen = false
        }
        open.append(name)
        bytes.append(repeating: UInt8(ascii: " "), count: 2 * (open.count - 1))
        bytes.append(UInt8(ascii: "<"))
        bytes.appendBytes(name)
        tagOpen = true
    }

    public mutating func end() {
        guard let name = open.popLast() else { preconditionFailure("end() with no open element") }
        if tagOpen {
            bytes.appendBytes("/>")
            tagOpen = false
        } else {
            if indentEnd {
                // libxml2 indents by the depth before the pop.
                bytes.append(repeating: UInt8(ascii: " "), count: 2 * open.count)
            }
            bytes.appendBytes("</")
            bytes.appendBytes(name)
            bytes.append(UInt8(ascii: ">"))
        }
        indentEnd = true
        bytes.append(UInt8(ascii: "\n"))
    }

    /// An element holding only text.
    public mutating func element(_ name: StaticString, text: String) {
        start(name)
        self.text(text)
        end()
    }

    /// An element with attributes and optional text, in one call.
    public mutating func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?>, text: String? = nil) {
        start(name)
        for (key, value) in attributes { attribute(key, value) }
        if let text { self.text(text) }
        end()
    }

    // MARK: Attributes

    public mutating func attribute(_ name: StaticString, _ value: String?) {
        // The string's own storage, borrowed through the optional: no copy, so no reference
        // counting per attribute (binding it with `guard let` copied it, a retain and a release).
        let done: Void?? = value?.utf8.withContiguousStorageIfAvailable { attribute(name: name, value: $0) }
        if case .some(.none) = done, var value {
            value.withUTF8 { attribute(name: name, value: $0) }
        }
    }

    /// Attributes escaped when the run was made, appended as they are.
    public mutating func attributes(_ run: XMLAttributeRun) {
        precondition(tagOpen, "an attribute after the start tag was closed")
        run.bytes.withUnsafeBufferPointer { bytes.appendBytes($0) }
    }

    /// An attribute whose value `format` appends (a number, say), straight into the output;
    /// escaped afterwards only if it needs it, which numbers and dates never do.
    public mutating func attribute(_ name: StaticString, format: (inout ByteBuffer) -> Void) {
        let start = openAttribute(name)
        format(&bytes)
        reescape(from: start, Self.appendAttributeEscaped)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes ` name="` and says where the value starts.
    @inline(__always)
    private mutating func openAttribute(_ name: StaticString) -> Int {
        precondition(tagOpen, "an attribute after the start tag was closed")
        bytes.append(UInt8(ascii: " "))
        bytes.appendBytes(name)
        bytes.appendBytes("=\"")
        return bytes.count
    }

    /// An attribute whose value is a word fixed in the code (an enumerated value: "left",
    /// "moderate"); nil writes nothing. Like `attribute(_:plain:)`, it is not checked for
    /// escaping in a release build.
    public mutating func attribute(_ name: StaticString, word: StaticString?) {
        guard let word else { return }
        precondition(tagOpen, "an attribute after the start tag was closed")
        let value = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        assert(Self.isPlain(value), "a word that needs escaping")
        bytes.appendAttribute(name: name, plainValue: value)
    }

    /// An attribute whose value `format` appends and that never needs escaping, by how it is
    /// made: a number or a date (digits, a sign, a point). Nothing is checked in a release
    /// build; a debug build (the tests) traps on anything else. A quarter of a million
    /// numbers per 1,000 patients were each checked byte by byte before.
    public mutating func attribute(_ name: StaticString, plain format: (inout ByteBuffer) -> Void) {
        let start = openAttribute(name)
        format(&bytes)
        assert(bytes.withBytes(from: start) { Self.isPlain($0) }, "a plain attribute value that needs escaping")
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func attribute(name: StaticString, value: UnsafeBufferPointer<UInt8>) {
        precondition(tagOpen, "an attribute after the start tag was closed")
        if Self.isPlain(value) {
            // Nearly every value: nothing to escape, so the whole attribute goes in at once.
            bytes.appendAttribute(name: name, plainValue: value)
            return
        }
        bytes.append(UInt8(ascii: " "))
        bytes.appendBytes(name)
        bytes.appendBytes("=\"")
        Self.appendAttributeEscaped(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Escapes in place what a formatter appended from `start` on, if anything in it needs it.
    private mutating func reescape(from start: Int, _ escape: (UnsafeBufferPointer<UInt8>, inout ByteBuffer) -> Void) {
        let clean = bytes.withBytes(from: start) { Self.isPlain($0) }
        if clean { return }
        let raw = bytes.withBytes(from: start) { Array($0) }
        bytes.truncate(to: start)
        raw.withUnsafeBufferPointer { escape($0, &bytes) }
    }

    // MARK: Text

    public mutating func text(_ value: String) {
        // Borrowed where the string allows (see `attribute`); copied only when it must be made
        // contiguous.
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { text(bytes: $0) }
        if done == nil {
            var value = value
            value.withUTF8 { text(bytes: $0) }
        }
    }

    /// Text that `format` appends (a number, say), straight into the output.
    public mutating func text(format: (inout ByteBuffer) -> Void) {
        openText()
        let start = bytes.count
        format(&bytes)
        reescape(from: start, Self.appendTextEscaped)
    }

    /// Text that `format` appends and that never needs escaping (a number), as
    /// `attribute(_:plain:)`.
    public mutating func text(plain format: (inout ByteBuffer) -> Void) {
        openText()
        let start = bytes.count
        format(&bytes)
        assert(bytes.withBytes(from: start) { Self.isPlain($0) }, "plain text that needs escaping")
    }

    private mutating func text(bytes text: UnsafeBufferPointer<UInt8>) {
        openText()
        Self.appendTextEscaped(text, to: &bytes)
    }

    private mutating func openText() {
        precondition(!open.isEmpty, "text outside an element")
        indentEnd = false
        if tagOpen {
            bytes.append(UInt8(ascii: ">"))
            tagOpen = false
        }
    }

    // MARK: Output

    /// Swaps the writer's buffer with `out`. Called before writing, the writer writes onto the
    /// end of `out` (a report file's buffer), and called again after, hands it back: the
    /// pieces then need no copy out (`take`). Every position the writer keeps is taken from
    /// the buffer's count, so what `out` already holds does not matter.
    public mutating func exchangeBuffer(with out: inout ByteBuffer) {
        swap(&bytes, &out)
    }

    /// Appends everything written so far to `out` and empties the writer; open elements stay
    /// open.
    public mutating func take<Out: ByteAppending & ~Copyable>(into out: inout Out) {
        bytes.withBytes { out.appendBytes($0) }
        bytes.removeAll()
    }

    // MARK: Escaping, as libxml2 2.9 does it

    /// A byte both escapers copy as it is (both stop at NUL, so it counts as not plain).
    @inline(__always)
    private static func isPlain(_ b: UInt8) -> Bool {
        // NUL, TAB, LF, CR, '"', '&', '<' and '>' are all below 64: one bit each in a mask.
        let special: UInt64 = 1 << 0x00 | 1 << 0x09 | 1 << 0x0A | 1 << 0x0D | 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E
        return b < 64 ? (special >> UInt64(b)) & 1 == 0 : b < 0x80
    }

    /// True when no byte needs escaping, in either escaper. Eight bytes at a time: a word with
    /// no byte of 0x80 or more, none below 0x20 and none of `" & < >` is plain throughout (a
    /// stricter test than `isPlain(_: UInt8)`, which lets the other control characters by);
    /// a word that fails is looked at byte by byte, so the answer is always `isPlain`'s.
    static func isPlain(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = value.baseAddress else { return true }
        let n = value.count
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            // A byte with its high bit set, or below 0x20 (control characters, NUL):
            // (b - 0x20) borrows into the high bit exactly when b < 0x20, for ASCII b.
            if (w | (w &- 0x20 &* ones)) & highs != 0 { return Self.isPlainBytewise(value, from: i) }
            // A byte equal to one of the four markup characters: the classic zero-byte test
            // on the word XORed with each.
            func hasByte(_ c: UInt64) -> Bool {
                let x = w ^ (c &* ones)
                return (x &- ones) & ~x & highs != 0
            }
            if hasByte(0x22) || hasByte(0x26) || hasByte(0x3C) || hasByte(0x3E) {
                return Self.isPlainBytewise(value, from: i)
            }
            i += 8
        }
        return isPlainBytewise(value, from: i)
    }

    private static func isPlainBytewise(_ value: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        // Pointer steps, no bounds check per byte: most values (numbers, sides, grades) are
        // shorter than a word and are checked here whole.
        guard let base = value.baseAddress else { return true }
        var p = base + start
        let end = base + value.count
        while p < end {
            if !isPlain(p.pointee) { return false }
            p += 1
        }
        return true
    }

    /// Text content: `xmlEncodeSpecialChars`, which escapes `< > & "` and CR and copies the rest,
    /// UTF-8 included. A NUL ends the text, as it ends a C string.
    static func appendTextEscaped(_ text: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) {
        var base = 0
        for i in text.indices {
            let b = text[i]
            let entity: StaticString
            switch b {
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case 0x0D: entity = "&#13;"
            case 0:
                out.appendBytes(UnsafeBufferPointer(rebasing: text[base..<i]))
                return
            default: continue
            }
            out.appendBytes(UnsafeBufferPointer(rebasing: text[base..<i]))
            out.appendBytes(entity)
            base = i + 1
        }
        out.appendBytes(UnsafeBufferPointer(rebasing: text[base...]))
    }

    /// An attribute value: `xmlBufAttrSerializeTxtContent` with no document. Besides the five
    /// markup characters it escapes TAB, LF and CR (so they survive attribute normalisation) and
    /// writes every non-ASCII character as a hexadecimal character reference; a byte that does
    /// not start a valid XML character is written as a reference to the byte itself, except the
    /// last byte of the value, which 2.9.14 copies as it is.
    static func appendAttributeEscaped(_ value: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) {
        var base = 0
        var i = 0
        let n = value.count
        while i < n {
            let b = value[i]
            let entity: StaticString
            switch b {
            case 0x0A: entity = "&#10;"
            case 0x0D: entity = "&#13;"
            case 0x09: entity = "&#9;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "&"): entity = "&amp;"
            case 0:
                out.appendBytes(UnsafeBufferPointer(rebasing: value[base..<i]))
                return
            case 0x80... where i + 1 < n && value[i + 1] != 0:
                out.appendBytes(UnsafeBufferPointer(rebasing: value[base..<i]))
                let (scalar, length) = decodeLikeLibXML(value, at: i)
                if let scalar {
                    appendHexReference(scalar, to: &out)
                    i += length
                } else {
                    appendHexReference(UInt32(b), to: &out)
                    i += 1
                }
                base = i
                continue
            default:
                i += 1
                continue
            }
            out.appendBytes(UnsafeBufferPointer(rebasing: value[base..<i]))
            out.appendBytes(entity)
            i += 1
            base = i
        }
        out.appendBytes(UnsafeBufferPointer(rebasing: value[base..<n]))
    }

    /// The character at `i` as libxml2 decodes it (lead byte only decides the length; the
    /// continuation bytes are masked, not checked), or nil where it writes the byte alone: a
    /// stray continuation byte, a lead byte of 0xF8 or more, or a value that is not an XML Char.
    private static func decodeLikeLibXML(_ v: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32?, Int) {
        let lead = v[i]
        let length: Int
        var scalar: UInt32
        switch lead {
        case ..<0xC0: return (nil, 1)
        case ..<0xE0: length = 2; scalar = UInt32(lead & 0x1F)
        case ..<0xF0: length = 3; scalar = UInt32(lead & 0x0F)
        case ..<0xF8: length = 4; scalar = UInt32(lead & 0x07)
        default: return (nil, 1)
        }
        for k in 1..<length {
            // libxml2 reads the next bytes whatever they are; past the end it would read the
            // NUL terminator, which contributes nothing.
            let next = i + k < v.count ? v[i + k] : 0
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        let isChar = (0x80...0xD7FF).contains(scalar) || (0xE000...0xFFFD).contains(scalar) || (0x10000...0x10FFFF).contains(scalar)
        return isChar ? (scalar, length) : (nil, 1)
    }

    /// `&#x` + uppercase hexadecimal without leading zeros + `;` (`xmlSerializeHexCharRef`).
    private static func appendHexReference(_ value: UInt32, to out: inout ByteBuffer) {
        out.appendBytes("&#x")
        var shift = 28
        while shift > 0, value >> UInt32(shift) == 0 { shift -= 4 }
        while shift >= 0 {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
            shift -= 4
        }
        out.append(UInt8(ascii: ";"))
    }
}

/// Attributes escaped once and written many times: a norm's stratum, sources and note are the
/// same on every patient's page, and escaping them again for each was a tenth of the XML
/// report. Made by the writer's own `attribute` calls, so the bytes are exactly what those
/// calls would write in place.
public struct XMLAttributeRun: Sendable {
    let bytes: [UInt8]

    public init(_ write: (inout XMLFragmentWriter) -> Void) {
        var w = XMLFragmentWriter()
        w.start("x")
        write(&w)
        var all: [UInt8] = []
        w.take(into: &all)
        // "<x", then the attributes; the tag is still open.
        bytes = Array(all.dropFirst(2))
    }

    public var isEmpty: Bool { bytes.isEmpty }
}
