import MBXML
import MBXMLTestSupport
import SeededRandom
import Testing

/// `XMLFragmentWriter` writes the reports without libxml2 on the hot path; these tests hold it
/// to libxml2's own text writer (`LibXMLTextWriter`, in MBXMLTestSupport), byte for byte.
@Suite("XML fragment writer")
struct XMLFragmentWriterTests {
    /// Everything the escapers treat differently: markup characters, TAB/LF/CR, other control
    /// characters (copied as they are), NUL (ends a C string), two-, three- and four-byte UTF-8,
    /// and U+FFFE/U+FFFF, which are not XML characters (libxml2 writes their bytes one by one).
    static let alphabet: [String] = [
        "a", "Z", "0", " ", "-", ".", "<", ">", "&", "\"", "'", "\t", "\n", "\r", "\u{1}", "\u{1F}",
        "\u{0}", "é", "ß", "中", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "😀", "&amp;", "]]>", "\u{7F}", "\u{80}",
    ]
    static let names: [StaticString] = ["a", "report", "result", "x-y", "n.1", "_z", "side", "value"]

    func randomString(_ r: inout SplitMix64) -> String {
        r.string(from: Self.alphabet)
    }

    enum Op {
        case start(StaticString), attribute(StaticString, String?), attributeFormat(String), text(String), textFormat(String), end, take
    }

    /// A random sequence of calls that both writers accept: attributes only on an open start
    /// tag; text, children and mixed content; a take now and then.
    func randomOps(_ r: inout SplitMix64) -> [Op] {
        var ops: [Op] = []
        func element(_ depth: Int) {
            ops.append(.start(Self.names[r.below(Self.names.count)]))
            for _ in 0..<r.below(4) {
                let name = Self.names[r.below(Self.names.count)]
                switch r.below(5) {
                case 0: ops.append(.attribute(name, nil))
                case 1: ops.append(.attributeFormat(randomString(&r)))
                default: ops.append(.attribute(name, randomString(&r)))
                }
            }
            for _ in 0..<(depth > 3 ? 0 : r.below(4)) {
                switch r.below(5) {
                case 0: ops.append(.text(randomString(&r)))
                case 1: ops.append(.textFormat(randomString(&r)))
                case 2: ops.append(.take)
                default: element(depth + 1)
                }
            }
            ops.append(.end)
        }
        for _ in 0..<(1 + r.below(3)) { element(0) }
        return ops
    }

    func run(_ ops: [Op]) throws -> (ours: [UInt8], libxml2: [UInt8]) {
        var ours = XMLFragmentWriter()
        let reference = try LibXMLTextWriter()
        var a: [UInt8] = []
        var b: [UInt8] = []
        for op in ops {
            switch op {
            case .start(let name):
                ours.start(name)
                try reference.start(name)
            case .attribute(let name, let value):
                ours.attribute(name, value)
                try reference.attribute(name, value)
            case .attributeFormat(let value):
                ours.attribute("formatted", format: { $0.appendBytes(value) })
                try reference.attribute("formatted") { $0.appendBytes(value) }
            case .text(let value):
                ours.text(value)
                try reference.text(value)
            case .textFormat(let value):
                ours.text(format: { $0.appendBytes(value) })
                try reference.text { $0.appendBytes(value) }
            case .end:
                ours.end()
                try reference.end()
            case .take:
                ours.take(into: &a)
                try reference.take(into: &b)
            }
        }
        ours.take(into: &a)
        try reference.take(into: &b)
        return (a, b)
    }

    @Test("the same bytes as libxml2's text writer, over 3,000 random documents")
    func sameBytesAsLibXML2() throws {
        var r = SplitMix64(state: 2026)
        for iteration in 0..<3000 {
            let ops = randomOps(&r)
            let (ours, libxml2) = try run(ops)
            if ours != libxml2 {
                Issue.record("document \(iteration) differs:\nours:    \(String(decoding: ours, as: UTF8.self).debugDescription)\nlibxml2: \(String(decoding: libxml2, as: UTF8.self).debugDescription)")
                return
            }
        }
    }

    @Test("indentation, empty elements, inline text and escaping, spelled out")
    func handWritten() {
        var w = XMLFragmentWriter()
        w.start("patient")
        w.attribute("id", "A&B \"1\" <é>")
        w.start("session")
        w.element("finding", text: "weak & tight <left>\r")
        w.start("trial")
        w.end()
        w.end()
        w.end()
        var out: [UInt8] = []
        w.take(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == """
            <patient id="A&amp;B &quot;1&quot; &lt;&#xE9;&gt;">
              <session>
                <finding>weak &amp; tight &lt;left&gt;&#13;</finding>
                <trial/>
              </session>
            </patient>

            """)
    }
}
