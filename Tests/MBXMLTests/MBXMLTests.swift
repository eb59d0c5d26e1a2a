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

    @Test("the stream reader hands out one child of the root at a time, validated")
    func stream() throws {
        let schema = try XMLSchema(contentsOf: Self.measurementSchema)
        let reader = try XMLStreamReader(path: Self.example, schema: schema)
        let root = try reader.readRoot()
        #expect(root.name == "measurements")
        #expect(root.children.isEmpty)
        var ids: [String] = []
        while let patient = try reader.nextChild() {
            ids.append(patient[attribute: "id"] ?? "?")
            #expect(!patient.children.isEmpty)
        }
        #expect(ids == ["RP-0001", "RP-0002", "RP-0003"])
        #expect(reader.isValidSoFar)
        #expect(reader.diagnostics.isEmpty)
    }

    @Test("a fatal error mid-stream is reported, not a crash (libxml2 2.9.14 reader + schema)")
    func fatalMidStream() throws {
        let schema = try XMLSchema(contentsOf: Self.measurementSchema)
        let path = Self.root + "/Tests/MuscleBalanceTests/Fixtures/hostile/truncated.xml"
        let reader = try XMLStreamReader(path: path, schema: schema)
        _ = try reader.readRoot()
        #expect(throws: XMLReadError.self) {
            while try reader.nextChild() != nil {}
        }
    }

    @Test("a schema that is not a schema is a clear error")
    func badSchema() {
        #expect(throws: XMLReadError.self) {
            _ = try XMLSchema(contentsOf: Self.example)
        }
    }
}
