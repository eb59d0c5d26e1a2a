import Dispatch
import MBXML
import Testing

/// The libxml2 wrapper on its own: real libxml2, real files.
@Suite("libxml2 wrapper")
struct MBXMLTests {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let measurementSchema = root + "/Protocols/measurements.xsd"
    static let example = root + "/Examples/clinic-example.xml"

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("a well-formedness error carries line, column and libxml2's message")
    func parseError() {
        do {
            _ = try XMLDocumentReader.parse(bytes: bytes("<a>\n  <b></c>\n</a>"), url: "t.xml", schema: nil)
            Issue.record("should not parse")
        } catch {
            #expect(error.diagnostics.contains { $0.line == 2 && $0.column > 0 && $0.message.contains("Opening and ending tag mismatch") })
        }
    }

    @Test("the tree comes back as Swift values with lines, attributes and text")
    func tree() throws {
        let doc = try XMLDocumentReader.parse(
            bytes: bytes("<r xmlns=\"urn:x\" a=\"1\">\n  <c>hi <![CDATA[there]]></c>\n  <c/>\n</r>"), url: "t.xml", schema: nil)
        #expect(doc.root.name == "r")
        #expect(doc.root.namespace == "urn:x")
        #expect(doc.root[attribute: "a"] == "1")
        #expect(doc.root.children.map(\.line) == [2, 3])
        #expect(doc.root.children[0].text == "hi there")
    }

    @Test("a DOCTYPE is refused before anything in it is used")
    func doctype() {
        do {
            _ = try XMLDocumentReader.parse(
                bytes: bytes("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM \"/etc/hostname\">]>\n<r>&e;</r>"), url: "t.xml",
                schema: nil)
            Issue.record("should be refused")
        } catch {
            #expect(error.diagnostics.contains { $0.stage == .safety && $0.message.contains("DOCTYPE") })
        }
    }

    @Test("a schema compiles once and validates many documents at once, on several threads")
    func concurrentValidation() throws {
        let schema = try XMLSchema(contentsOf: Self.measurementSchema)
        let good = "<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"p\"><patient id=\"a\"><session date=\"2026-01-01\"><measure test=\"t\" unit=\"s\" value=\"1\"/></session></patient></measurements>"
        let bad = good.split(separator: "value=\"1\"", omittingEmptySubsequences: false).joined(separator: "value=\"x\"")
        // Each iteration writes its own slot; concurrentPerform returns after all of them.
        let verdicts = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 400)
        defer { verdicts.deallocate() }
        verdicts.initialize(repeating: false)
        nonisolated(unsafe) let slots = verdicts
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            let text = index.isMultiple(of: 2) ? good : bad
            slots[index] = (try? XMLDocumentReader.parse(bytes: Array(text.utf8), url: "t\(index).xml", schema: schema))?.isValid ?? false
        }
        let result = Array(verdicts)
        #expect(result.enumerated().allSatisfy { $0.element == $0.offset.isMultiple(of: 2) })
    }

    /// Records what the event reader reports: the root, the ids of the root's children, and
    /// every element's depth and name as the vocabulary numbers it.
    final class Recorder: XMLEventHandler {
        var root: XMLElement?
        var childIDs: [String] = []
        var starts: [(depth: Int, name: Int, line: Int)] = []
        var ends: [(depth: Int, name: Int)] = []
        var text = ""
        func startElement(_ tag: borrowing XMLStartTag) {
            if tag.depth == 0 { root = tag.element() }
            if tag.depth == 1 { childIDs.append(tag.string(0) ?? "?") }
            starts.append((tag.depth, tag.name, tag.line))
        }
        func endElement(name: Int, depth: Int) { ends.append((depth, name)) }
        func characters(_ text: borrowing XMLCharacters) { text.append(to: &self.text) }
    }

    @Test("the event reader streams the example file, validated, with names as vocabulary indices")
    func stream() throws {
        let schema = try XMLSchema(contentsOf: Self.measurementSchema)
        let recorder = Recorder()
        let reader = try XMLEventReader(path: Self.example, schema: schema, vocabulary: XMLVocabulary(["id", "patient", "measure"]), handler: recorder)
        while try reader.step() {}
        #expect(recorder.root?.name == "measurements")
        #expect(recorder.root?.children.isEmpty == true)
        #expect(recorder.childIDs == ["RP-0001", "RP-0002", "RP-0003"])
        #expect(recorder.starts.filter { $0.depth == 1 }.allSatisfy { $0.name == 1 })
        #expect(recorder.starts.filter { $0.name == 2 }.count > 3)
        #expect(recorder.starts.first { $0.depth == 0 }?.name == XMLVocabulary.unknown)
        #expect(recorder.starts.count == recorder.ends.count)
        #expect(reader.diagnostics.isEmpty)
    }

    @Test("attribute values come back decoded: character references, &amp; and &lt;, prefixed attributes apart")
    func attributeValues() throws {
        let text = #"<r xmlns:x="urn:x"><c id="a&amp;b&#38;c&lt;&#x41;" x:id="other"/><c x:id="only"/></r>"#
        let recorder = Recorder()
        let reader = try XMLEventReader(bytes: Array(text.utf8), url: "t.xml", schema: nil, vocabulary: XMLVocabulary(["id"]), handler: recorder)
        while try reader.step() {}
        #expect(recorder.childIDs == ["a&b&c<A", "?"])
    }

    @Test("character data goes to the handler only for the elements the vocabulary asks text of")
    func textOfChosenElements() throws {
        let text = "<r>x<a>1<b>2</b>3</a>y</r>"
        for (textOf, expected) in [(Set(["a"]), "13"), (Set(["a", "b"]), "123"), ([], ""), (nil, "x123y")] as [(Set<String>?, String)] {
            let recorder = Recorder()
            let reader = try XMLEventReader(
                bytes: Array(text.utf8), url: "t.xml", schema: nil, vocabulary: XMLVocabulary(["a", "b"], textOf: textOf), handler: recorder)
            while try reader.step() {}
            #expect(recorder.text == expected, "\(String(describing: textOf))")
        }
    }

    @Test("a fatal error mid-stream is reported, not a crash (libxml2 2.9.14 push parser + schema)")
    func fatalMidStream() throws {
        let schema = try XMLSchema(contentsOf: Self.measurementSchema)
        let path = Self.root + "/Tests/MuscleBalanceTests/Fixtures/hostile/truncated.xml"
        let reader = try XMLEventReader(path: path, schema: schema, vocabulary: XMLVocabulary([]), handler: Recorder())
        #expect(throws: XMLReadError.self) {
            while try reader.step() {}
        }
    }

    @Test("a schema that is not a schema is a clear error")
    func badSchema() {
        #expect(throws: XMLReadError.self) {
            _ = try XMLSchema(contentsOf: Self.example)
        }
    }
}
