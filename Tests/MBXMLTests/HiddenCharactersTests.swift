import MBXML
import Testing

/// The characters a page must not show live, replaced in a parsed document before a stylesheet
/// reads it: in text, attribute values (written as character references or as UTF-8), comments
/// and CDATA sections, and nothing else touched.
@Suite("Hidden characters")
struct HiddenCharactersTests {
    static let hidden = HiddenCharacters([0x7F...0x9F, 0x61C...0x61C, 0x200E...0x200F, 0x202A...0x202E, 0x2066...0x2069])

    /// A stylesheet that writes the document's text, attributes, comments and CDATA as text.
    static let dump = try! XSLTStylesheet(bytes: Array("""
        <?xml version="1.0"?>
        <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
          <xsl:output method="text" encoding="UTF-8"/>
          <xsl:template match="/">
            <xsl:for-each select="//@* | //text() | //comment()"><xsl:value-of select="."/>|</xsl:for-each>
          </xsl:template>
        </xsl:stylesheet>
        """.utf8), path: "dump.xsl")

    @Test("each hidden character becomes U+FFFD wherever it is; other characters stay")
    func replaced() throws {
        let input = "<r a=\"x&#x85;y&#x202E;z\" b=\"\u{2067}é\"><t>a\u{7F}b\u{9F}c\u{61C}d\u{200E}\u{200F}e\u{202A}\u{2069}</t><!--c\u{85}--><u><![CDATA[d\u{2066}]]></u><v>é\u{2028}\u{FEFF}\u{7E}\u{A0}</v><w>plain</w></r>"
        let out = String(decoding: try Self.dump.transform(Array(input.utf8), url: "in.xml", hidden: Self.hidden), as: UTF8.self)
        #expect(out == "x\u{FFFD}y\u{FFFD}z|\u{FFFD}é|a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}\u{FFFD}e\u{FFFD}\u{FFFD}|c\u{FFFD}|d\u{FFFD}|é\u{2028}\u{FEFF}~\u{A0}|plain|")
        // Without the set, the document is read as it is.
        let raw = String(decoding: try Self.dump.transform(Array(input.utf8), url: "in.xml"), as: UTF8.self)
        #expect(raw.contains("\u{85}") && raw.contains("\u{202E}") && raw.contains("\u{7F}"))
    }

    @Test("every scalar: replaced exactly when a range holds it (the ranges' edges and one past)")
    func membership() {
        for scalar: UInt32 in [0x7E, 0x7F, 0x9F, 0xA0, 0x61B, 0x61C, 0x61D, 0x200D, 0x200E, 0x200F, 0x2010, 0x2029, 0x202A, 0x202E, 0x202F, 0x2065, 0x2066, 0x2069, 0x206A] {
            let expected = (0x7F...0x9F).contains(scalar) || scalar == 0x61C || (0x200E...0x200F).contains(scalar) || (0x202A...0x202E).contains(scalar) || (0x2066...0x2069).contains(scalar)
            #expect(Self.hidden.contains(scalar) == expected, "U+\(String(scalar, radix: 16))")
        }
        #expect(Self.hidden.visible("RP-\u{2067}0003\u{85}") == "RP-\u{FFFD}0003\u{FFFD}")
        #expect(Self.hidden.visible("RP-0003 é") == "RP-0003 é")
    }
}
