import FastText
import Testing

/// The one escaping rule for text a person reads, checked over every scalar it could meet.
@Suite("Visible text")
struct VisibleTextTests {
    /// The rule as the issue states it, written out independently of `isHidden`.
    static func shouldHide(_ v: UInt32) -> Bool {
        (v < 0x20 && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v)
            || [0x061C, 0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069].contains(v) || (0x202A...0x202E).contains(v)
    }

    @Test("exactly C0 but TAB, DEL, C1 and the bidi controls are hidden, over every scalar of the BMP and beyond")
    func everyScalar() {
        var hidden = 0
        for v in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let expected = Self.shouldHide(v)
            if VisibleText.isHidden(scalar) != expected {
                Issue.record("U+\(String(v, radix: 16)) hidden: \(VisibleText.isHidden(scalar)), expected \(expected)")
                return
            }
            let text = "a" + String(scalar) + "b"
            // The byte pre-check may say yes to more, never no to a hidden one.
            let mayHold = text.utf8.withContiguousStorageIfAvailable { VisibleText.mayHoldHidden($0) } ?? true
            if expected && !mayHold {
                Issue.record("U+\(String(v, radix: 16)) slips past the byte check")
                return
            }
            if expected {
                hidden += 1
                #expect(VisibleText.escaped(text) == "a" + VisibleText.notation(scalar) + "b")
            } else if v % 4099 == 0 {
                #expect(VisibleText.escaped(text) == text)
            }
        }
        // 31 C0 (no TAB), DEL, 32 C1, 12 bidi controls.
        #expect(hidden == 31 + 1 + 32 + 12)
    }

    @Test("the eight-bytes-at-a-time check finds a hidden character at every offset of a long line")
    func everyOffset() {
        let hiddenOnes: [Unicode.Scalar] = ["\u{0}", "\u{1}", "\u{A}", "\u{D}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9B}", "\u{9F}", "\u{202E}", "\u{2066}", "\u{61C}", "\u{200F}"]
        let plainOnes: [Unicode.Scalar] = ["\t", " ", "~", "é", "中", "😀", "\u{2013}", "\u{A0}"]
        for length in [8, 15, 16, 17, 40] {
            for offset in 0..<length {
                for scalar in hiddenOnes + plainOnes {
                    var text = String(repeating: "x", count: length)
                    let at = text.index(text.startIndex, offsetBy: offset)
                    text.replaceSubrange(at...at, with: String(scalar))
                    let expected = VisibleText.isHidden(scalar)
                    #expect(VisibleText.containsHidden(text) == expected, "U+\(String(scalar.value, radix: 16)) at \(offset) of \(length)")
                    let keeping = text.utf8.withContiguousStorageIfAvailable { VisibleText.mayHoldHidden($0, keepingLineFeeds: true) } ?? true
                    if expected && scalar != "\n" { #expect(keeping, "U+\(String(scalar.value, radix: 16)) at \(offset)") }
                    if !expected && scalar.value < 0x80 { #expect(!keeping) }
                }
            }
        }
    }

    @Test("the notation: four hex digits at least, upper case")
    func notation() {
        #expect(VisibleText.escaped("RP\rFAKE-ID") == "RP<U+000D>FAKE-ID")
        #expect(VisibleText.escaped("\u{1B}]0;owned\u{07}") == "<U+001B>]0;owned<U+0007>")
        #expect(VisibleText.escaped("a\u{202E}b\u{9B}c\u{7F}") == "a<U+202E>b<U+009B>c<U+007F>")
        #expect(VisibleText.escaped("tab\tstays, é and 中 too") == "tab\tstays, é and 中 too")
    }

    @Test("a terminal sink keeps its own line breaks and escapes the rest")
    func keepingLineBreaks() {
        #expect(VisibleText.escapedKeepingLineBreaks("one\u{1B}[2J\ntwo\r\n") == "one<U+001B>[2J\ntwo<U+000D>\n")
        #expect(VisibleText.escapedKeepingLineBreaks("plain\n") == "plain\n")
    }
}

@Suite("Terminal columns")
struct TerminalColumnsTests {
    @Test("wide characters take two columns, combining marks none")
    func widths() {
        #expect(TerminalColumns.of("abc") == 3)
        #expect(TerminalColumns.of("é") == 1)
        #expect(TerminalColumns.of("e\u{301}") == 1)
        #expect(TerminalColumns.of("患者") == 4)
        #expect(TerminalColumns.of("한국") == 4)
        #expect(TerminalColumns.of("ＡＢ") == 4)
        #expect(TerminalColumns.of("😀") == 2)
        #expect(TerminalColumns.of(String(repeating: "患者", count: 32)) == 128)
    }

    @Test("a cut never splits a character, and a wide one that would straddle the edge goes")
    func prefix() {
        func cut(_ text: String, _ columns: Int) -> String {
            let bytes = Array(text.utf8)
            let n = bytes.withUnsafeBufferPointer { TerminalColumns.prefixLength($0, fitting: columns) }
            return String(decoding: bytes[..<n], as: UTF8.self)
        }
        #expect(cut("abcdef", 3) == "abc")
        #expect(cut("a患者", 2) == "a")
        #expect(cut("a患者", 3) == "a患")
        #expect(cut("e\u{301}x", 1) == "e\u{301}")
        #expect(cut("ab", 5) == "ab")
    }

    @Test("shortened: text past the limit keeps its start and end and says how much is not shown")
    func shortened() {
        #expect(VisibleText.shortened("abc", limit: 3) == "abc")
        #expect(VisibleText.shortened("abcdefghij", limit: 5) == "abcd…(5 characters not shown)…j")
        // Counted in characters: twelve two-byte characters fit a limit of 12.
        let twelve = String(repeating: "\u{E9}", count: 12)
        #expect(VisibleText.shortened(twelve, limit: 12) == twelve)
        let long = String(repeating: "x", count: 100_000)
        #expect(VisibleText.shortened(long) == String(repeating: "x", count: 800) + "…(99000 characters not shown)…" + String(repeating: "x", count: 200))
    }
}
