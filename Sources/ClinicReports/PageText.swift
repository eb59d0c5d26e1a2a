import FastText
import MBXML

/// Bytes of the printable report, built in place: the text report of 20,000 patients is a
/// quarter of a gigabyte, and a `String` per line, cell and word was most of its cost. Every
/// piece is appended as UTF-8 to one buffer; padding, wrapping and the page-width cut work on
/// the bytes, counting terminal columns (`TerminalColumns`: a wide character is two), as
/// `textColumns` does.
struct PageText: ~Copyable {
    public static let width = 80

    /// A `ByteBuffer` rather than a `[UInt8]`: a page is a few thousand small appends.
    var bytes: ByteBuffer
    /// Where the line being written starts.
    private var lineStart = 0
    /// A paragraph being composed before it is wrapped; reused.
    private var paragraph = ByteBuffer(capacity: 1 << 10)

    public init() {
        bytes = ByteBuffer(capacity: 1 << 15)
    }

    /// A page written onto the end of `out` (a report file's buffer), which it holds until
    /// `finish(into:)` gives it back: no page of its own to allocate or copy from.
    public init(continuing out: inout ByteBuffer) {
        bytes = ByteBuffer(capacity: 16)
        swap(&bytes, &out)
        lineStart = bytes.count
    }

    /// Gives the buffer taken by `init(continuing:)` back to `out`, with the page on its end.
    consuming func finish(into out: inout ByteBuffer) {
        swap(&bytes, &out)
    }

    /// The page's bytes, as an array (footnotes and the legend, kept for the next page).
    var array: [UInt8] { bytes.withBytes { Array($0) } }

    // MARK: Pieces

    mutating func add(_ text: String) { bytes.put(text) }
    mutating func add(_ text: StaticString) { bytes.put(text) }
    mutating func spaces(_ count: Int) { bytes.putSpaces(count) }

    /// Ends the line; a line wider than the page is cut at the page width.
    mutating func endLine() {
        Self.endLine(&bytes, &lineStart)
    }

    private static func endLine(_ page: inout ByteBuffer, _ lineStart: inout Int) {
        if page.count - lineStart > width {
            page.cut(from: lineStart, toColumns: width)
        }
        page.append(UInt8(ascii: "\n"))
        lineStart = page.count
    }

    mutating func line(_ text: StaticString) {
        add(text)
        endLine()
    }

    mutating func line(_ text: String) {
        add(text)
        endLine()
    }

    /// A cell `width` columns wide: what `content` writes, cut with a "." when too long,
    /// padded with spaces (before it when `right`).
    mutating func cell(_ width: Int, right: Bool = false, _ content: (inout ByteBuffer) -> Void) {
        let mark = bytes.count
        content(&bytes)
        let count = bytes.columns(from: mark)
        if count > width {
            bytes.cut(from: mark, toColumns: width - 1)
            bytes.append(UInt8(ascii: "."))
            return
        }
        let fill = width - count
        guard fill > 0 else { return }
        if right {
            bytes.insert(repeating: UInt8(ascii: " "), count: fill, at: mark)
        } else {
            bytes.putSpaces(fill)
        }
    }

    mutating func cell(_ width: Int, right: Bool = false, _ text: String) {
        cell(width, right: right) { $0.put(text) }
    }

    // MARK: Wrapping

    /// A paragraph word-wrapped to the page: `indent` spaces before its first line, `hanging`
    /// before the rest. Words are split at spaces; runs of spaces count as one.
    mutating func wrap(indent: Int = 0, hanging: Int? = nil, _ content: (inout ByteBuffer) -> Void) {
        paragraph.removeAll()
        content(&paragraph)
        wrapWords(indent: indent, hanging: hanging ?? indent)
    }

    mutating func wrap(_ text: String, indent: Int = 0, hanging: Int? = nil) {
        wrap(indent: indent, hanging: hanging) { $0.put(text) }
    }

    /// Wraps `paragraph` onto the page.
    private mutating func wrapWords(indent: Int, hanging: Int) {
        // The paragraph is read while the page grows: two stored properties, so two accesses
        // that do not overlap.
        Self.wrap(paragraph, into: &bytes, lineStart: &lineStart, indent: indent, hanging: hanging)
    }

    /// One pass over the paragraph's bytes: a word is found, measured in columns and copied
    /// in one piece.
    private static func wrap(_ paragraph: borrowing ByteBuffer, into page: inout ByteBuffer, lineStart: inout Int, indent: Int, hanging: Int) {
        let space = UInt8(ascii: " ")
        page.putSpaces(indent)
        var length = indent
        var empty = true
        paragraph.withBytes { text in
            // Most paragraphs (a norm's z and percentile, a finding) fit on their first line as
            // written: then wrapping changes nothing and the bytes go in at once.
            if isSingleSpaced(text), indent + columns(text) <= width {
                page.appendBytes(text)
                return
            }
            let end = text.count
            var index = 0
            while index < end {
                var start = index
                while start < end && text[start] == space { start += 1 }
                var stop = start
                var size = 0
                var ascii = true
                while stop < end && text[stop] != space {
                    if text[stop] >= 0x80 { ascii = false }
                    size += 1
                    stop += 1
                }
                if !ascii { size = TerminalColumns.of(UnsafeBufferPointer(rebasing: text[start..<stop])) }
                index = stop
                guard start < stop else { break }
                // As `place(size:separator:...)` with a one-space separator.
                if !empty && length + 1 + size > width {
                    endLine(&page, &lineStart)
                    page.putSpaces(hanging)
                    length = hanging
                    empty = true
                }
                if !empty {
                    page.append(space)
                    length += 1
                }
                length += size
                empty = false
                page.appendBytes(UnsafeBufferPointer(rebasing: text[start..<stop]))
            }
        }
        endLine(&page, &lineStart)
    }

    /// No space at either end and none doubled: the words are already joined as wrapping
    /// joins them. Eight bytes at a time.
    static func isSingleSpaced(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress, !text.isEmpty else { return true }
        let space = UInt8(ascii: " ")
        if text[0] == space || text[text.count - 1] == space { return false }
        let raw = UnsafeRawPointer(base)
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var i = 0
        var previousWasSpace = false
        while i + 8 <= text.count {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x2020_2020_2020_2020
            // The high bit of each byte that was a space, exactly.
            let spaces = ~(((x & lows) &+ lows) | x | lows)
            if spaces & (spaces << 8) != 0 || (previousWasSpace && spaces & 0x80 != 0) { return false }
            previousWasSpace = spaces >> 63 != 0
            i += 8
        }
        while i < text.count {
            let isSpace = text[i] == space
            if isSpace && previousWasSpace { return false }
            previousWasSpace = isSpace
            i += 1
        }
        return true
    }

    /// Terminal columns (`TerminalColumns`). ASCII, nearly all of a report, is one column a
    /// byte and is recognised eight bytes at a time; anything else is counted scalar by scalar.
    static func columns(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= text.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                return TerminalColumns.of(text)
            }
            i += 8
        }
        while i < text.count {
            if text[i] >= 0x80 { return TerminalColumns.of(text) }
            i += 1
        }
        return text.count
    }

    /// Makes room for a piece `size` columns wide on the line being filled: a new line (indented
    /// `hanging`) when it would not fit after `separator`, else the separator. `length` and
    /// `empty` describe the line and are updated to include the piece.
    private mutating func place(size: Int, separator: StaticString, _ length: inout Int, _ empty: inout Bool, hanging: Int) {
        let gap = separator.utf8CodeUnitCount
        if !empty && length + gap + size > Self.width {
            endLine()
            spaces(hanging)
            length = hanging
            empty = true
        }
        if !empty {
            add(separator)
            length += gap
        }
        length += size
        empty = false
    }

    /// Fields three spaces apart, wrapped between fields (never inside one).
    mutating func fields(_ items: [String], indent: Int = 0) {
        spaces(indent)
        var length = indent
        var empty = true
        for item in items {
            place(size: textColumns(item), separator: "   ", &length, &empty, hanging: indent)
            add(item)
        }
        endLine()
    }
}

extension ByteAppending where Self: ~Copyable {
    /// Text as a person will read it: every String the text report and the summary write
    /// passes here, so hidden controls from a file are made visible (`VisibleText`) in one place.
    public mutating func put(_ text: String) { VisibleText.append(text, to: &self) }

    public mutating func put(_ text: Substring) {
        // Plain text straight from the substring's bytes; a String is made only to escape.
        var text = text
        let plain = text.withUTF8 { bytes -> Bool in
            guard !VisibleText.mayHoldHidden(bytes) else { return false }
            appendBytes(bytes)
            return true
        }
        if !plain { VisibleText.append(String(text), to: &self) }
    }

    public mutating func put(_ text: StaticString) { appendBytes(text) }

    public mutating func put(decimal value: Double, digits: Int = 6) { appendDecimal(value, digits: digits, to: &self) }

    /// A measured value as the printed report shows it: one decimal, a space, its unit.
    public mutating func put(value: Double, unit: String) {
        put(decimal: value, digits: 1)
        put(" ")
        put(unit)
    }
    public mutating func put(integer value: Int) { appendInteger(value, to: &self) }

    /// `put(value:unit:)` with the unit as a word.
    public mutating func put(value: Double, word unit: StaticString) {
        put(decimal: value, digits: 1)
        put(" ")
        put(unit)
    }
}

extension ByteBuffer {
    mutating func putSpaces(_ count: Int) { append(repeating: UInt8(ascii: " "), count: count) }

    /// Terminal columns from `start` to the end.
    func columns(from start: Int) -> Int {
        withBytes(from: start) { PageText.columns($0) }
    }

    /// Keeps what fits in `columns` terminal columns after `start`, dropping the rest (a wide
    /// character that would straddle the edge goes too).
    mutating func cut(from start: Int, toColumns columns: Int) {
        let keep = withBytes(from: start) { TerminalColumns.prefixLength($0, fitting: columns) }
        truncate(to: start + keep)
    }
}
