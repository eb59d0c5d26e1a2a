@testable import ClinicReports
import FastText
import MBXML
import MuscleBalanceCore
@testable import MuscleBalance
import Testing

/// `XMLFragmentWriter` writes the reports without libxml2 on the hot path; these tests hold it
/// to libxml2's own text writer (`LibXMLTextWriter`), byte for byte. (Here rather than in
/// MBXMLTests for the project's seeded generator, `SyntheticClinic.Random`.)
@Suite("XML fragment writer")
struct FragmentWriterTests {
    typealias Random = SyntheticClinic.Random

    /// Everything the escapers treat differently: markup characters, TAB/LF/CR, other control
    /// characters (copied as they are), NUL (ends a C string), two-, three- and four-byte UTF-8,
    /// and U+FFFE/U+FFFF, which are not XML characters (libxml2 writes their bytes one by one).
    static let alphabet: [String] = [
        "a", "Z", "0", " ", "-", ".", "<", ">", "&", "\"", "'", "\t", "\n", "\r", "\u{1}", "\u{1F}",
        "\u{0}", "é", "ß", "中", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "😀", "&amp;", "]]>", "\u{7F}", "\u{80}",
    ]
    static let names: [StaticString] = ["a", "report", "result", "x-y", "n.1", "_z", "side", "value"]

    func randomString(_ r: inout Random) -> String {
        (0..<r.below(12)).map { _ in Self.alphabet[r.below(Self.alphabet.count)] }.joined()
    }

    enum Op {
        case start(StaticString), attribute(StaticString, String?), attributeFormat(String), text(String), textFormat(String), end, take
    }

    /// A random sequence of calls that both writers accept: attributes only on an open start
    /// tag; text, children and mixed content; a take now and then.
    func randomOps(_ r: inout Random) -> [Op] {
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
        var r = Random(state: 2026)
        for iteration in 0..<3000 {
            let ops = randomOps(&r)
            let (ours, libxml2) = try run(ops)
            if ours != libxml2 {
                Issue.record("document \(iteration) differs:\nours:    \(String(decoding: ours, as: UTF8.self).debugDescription)\nlibxml2: \(String(decoding: libxml2, as: UTF8.self).debugDescription)")
                return
            }
        }
    }

    @Test("a byte buffer grows past its capacity and keeps every byte, as an array would")
    func byteBufferGrows() {
        var r = Random(state: 5)
        var buffer = ByteBuffer(capacity: 16)
        var array: [UInt8] = []
        for _ in 0..<2000 {
            switch r.below(4) {
            case 0:
                let byte = UInt8(truncatingIfNeeded: r.next())
                buffer.append(byte)
                array.append(byte)
            case 1:
                let n = r.below(40)
                buffer.append(repeating: 0x20, count: n)
                array.append(contentsOf: repeatElement(0x20, count: n))
            case 2:
                let text = randomString(&r)
                buffer.appendBytes(text)
                array.appendBytes(text)
            default:
                if r.below(50) == 0 {
                    let keep = r.below(buffer.count + 1)
                    buffer.truncate(to: keep)
                    array.removeLast(array.count - keep)
                }
            }
        }
        #expect(buffer.count == array.count)
        #expect(buffer.withBytes { Array($0) } == array)
        #expect(buffer.withBytes(from: 10) { Array($0) } == Array(array[10...]))
    }

    @Test("a run of attributes escaped once writes what the attribute calls write in place")
    func attributeRuns() {
        var r = Random(state: 7)
        for _ in 0..<300 {
            let values = (0..<r.below(4)).map { _ in r.below(5) == 0 ? nil : randomString(&r) }
            func attributes(_ w: inout XMLFragmentWriter) {
                for (n, value) in values.enumerated() { w.attribute(Self.names[n % Self.names.count], value) }
                w.attribute("n", plain: { appendInteger(values.count, to: &$0) })
            }
            let run = XMLAttributeRun(attributes)
            var inPlace = XMLFragmentWriter(), fromRun = XMLFragmentWriter()
            inPlace.start("norm")
            inPlace.attribute("kind", "meanSD")
            attributes(&inPlace)
            inPlace.end()
            fromRun.start("norm")
            fromRun.attribute("kind", "meanSD")
            fromRun.attributes(run)
            fromRun.end()
            var a: [UInt8] = [], b: [UInt8] = []
            inPlace.take(into: &a)
            fromRun.take(into: &b)
            #expect(a == b, "\(values)")
        }
    }

    /// Every case's word, beside its raw value.
    static func words<T: XMLWord>(_: T.Type) -> [(String, String)] {
        T.allCases.map { ($0.rawValue, $0.xmlWord.description) }
    }

    @Test("the report's enumerated words are their raw values, case by case")
    func enumeratedWords() {
        let all = Self.words(Grade.self) + Self.words(BodySide.self) + Self.words(BodyRegion.self) + Self.words(MeasurementUnit.self)
            + Self.words(TrialCombination.self) + Self.words(AsymmetryFormula.self) + Self.words(MuscleProblem.self)
            + Self.words(RatioTerm.self) + Self.words(ProgressItem.Verdict.self)
        #expect(all.count == 4 + 2 + 3 + 8 + 5 + 3 + 5 + 2 + 4)
        for (raw, word) in all { #expect(raw == word) }
        for unit in MeasurementUnit.allCases.map(NormUnit.absolute) + [.percentOfBodyWeight] {
            #expect(unit.word.description == unit.symbol)
        }
        var a = XMLFragmentWriter(), b = XMLFragmentWriter()
        a.start("x")
        a.attribute("side", word: BodySide.left.xmlWord)
        a.attribute("grade", word: nil)
        a.end()
        b.start("x")
        b.attribute("side", "left")
        b.end()
        var x: [UInt8] = [], y: [UInt8] = []
        a.take(into: &x)
        b.take(into: &y)
        #expect(x == y)
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

extension SyntheticClinic.Random {
    mutating func below(_ n: Int) -> Int { int(0...(n - 1)) }
}
