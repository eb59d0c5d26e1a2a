/// The one escaping rule for text that reaches a person: the printed report, `mbt report`, the
/// terminal (file and folder names included) and the CSV. Text from a file may hold characters
/// that a terminal, a printer or a spreadsheet acts on instead of showing: a carriage return
/// that makes `RP<CR>FAKE-ID` display as `FAKE-ID`, an escape sequence that retitles or clears
/// the terminal, a right-to-left override that reverses what follows. Each of those is written
/// as `<U+XXXX>`, visible and searchable; everything else is written as it is.
///
/// Made visible: C0 controls except TAB (LF and CR included: a line break inside a value is
/// not the report's own), DEL, C1 controls (U+0080-U+009F) and the bidirectional controls
/// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
public enum VisibleText {
    /// Whether `scalar` is one of the characters made visible.
    @inlinable
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Whether these UTF-8 bytes may hold a hidden character (a line feed not counted when
    /// `keepingLineFeeds`). Exact for ASCII (a C0 control or DEL); a byte that could start a
    /// C1 control (0xC2) or a bidi control (0xD8, 0xE2) sends the text to the scalar check.
    /// Every String the reports print passes here, so printable ASCII, nearly all of it, is
    /// recognised eight bytes at a time (Benchmarks/RESULTS.md, "Visible text").
    @inlinable
    public static func mayHoldHidden(_ bytes: UnsafeBufferPointer<UInt8>, keepingLineFeeds: Bool = false) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= bytes.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte below 0x20, or equal to 0x7F (its XOR with 0x7F is zero), or not ASCII: the
            // exact loop below decides from here on.
            let control = (w &- ones &* 0x20) & ~w & highs
            let d = w ^ (ones &* 0x7F)
            let delete = (d &- ones) & ~d & highs
            if (w & highs) | control | delete != 0 { break }
            i += 8
        }
        while i < bytes.count {
            let byte = bytes[i]
            // One unsigned comparison passes printable ASCII: below 0x20 wraps round to the top.
            if byte &- 0x20 >= 0x5F {
                if byte < 0x20 {
                    if byte != 0x09 && !(keepingLineFeeds && byte == 0x0A) { return true }
                } else if byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2 {
                    return true
                }
            }
            i += 1
        }
        return false
    }

    /// Whether `text` holds a hidden character.
    public static func containsHidden(_ text: String) -> Bool {
        // The string's own bytes, borrowed: no copy for the common case that has none.
        if text.utf8.withContiguousStorageIfAvailable({ mayHoldHidden($0) }) == false { return false }
        return text.unicodeScalars.contains(where: isHidden)
    }

    /// `text` with every hidden character written as `<U+XXXX>`.
    public static func escaped(_ text: String) -> String {
        guard containsHidden(text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if isHidden(scalar) {
                out += notation(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `escaped(text)` appended as UTF-8; plain text goes straight in, checked and copied in
    /// one borrow of the string's bytes. Inlinable, so that the report writers get it
    /// specialised for their buffer (unspecialised, every append went through the protocol's
    /// witness table: Benchmarks/RESULTS.md, "Visible text").
    @inlinable
    public static func append<Out: ByteAppending & ~Copyable>(_ text: String, to out: inout Out) {
        let plain: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !mayHoldHidden(bytes) else { return false }
            out.appendBytes(bytes)
            return true
        }
        if plain == true { return }
        if containsHidden(text) {
            out.appendBytes(escaped(text))
        } else {
            out.appendBytes(text)
        }
    }

    /// `<U+000D>`: the code point in four or more hex digits, as Unicode writes it.
    public static func notation(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }

    /// Whether `text` holds a line break (LF or CR), which an id must not.
    /// The most characters of one file name or message shown on a terminal line.
    public static let shownLimit = 1_000

    /// `text` cut in the middle when it is longer than `limit` characters: its start and its
    /// end, and how much is not shown. A 100,000-character header or a 5 MB file name in a
    /// message is a screenful of nothing; what the reader needs is where it starts and ends.
    public static func shortened(_ text: String, limit: Int = shownLimit) -> String {
        guard text.utf8.count > limit else { return text }
        let count = text.count
        guard count > limit else { return text }
        let tail = limit / 5
        let head = limit - tail
        return "\(text.prefix(head))…(\(count - head - tail) characters not shown)…\(text.suffix(tail))"
    }

    public static func containsLineBreak(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0A || $0 == 0x0D }
    }
}

extension VisibleText {
    /// `escaped` for text that is ours around values that are not: each line is escaped, and
    /// the line breaks between them are kept. The last line of defence of a terminal sink;
    /// a value that may hold a line break is escaped whole before it is put in such text.
    public static func escapedKeepingLineBreaks(_ text: String) -> String {
        if text.utf8.withContiguousStorageIfAvailable({ mayHoldHidden($0, keepingLineFeeds: true) }) == false { return text }
        guard text.unicodeScalars.contains(where: { $0 != "\n" && isHidden($0) }) else { return text }
        // Scalar by scalar: "\r\n" is one Character, so a split on "\n" would not see its LF.
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar != "\n" && isHidden(scalar) {
                out += notation(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
