import TestSupport
@testable import ClinicFiles
import Foundation
import MBXML
import MuscleBalanceCore
import Testing

@testable import MuscleBalance

/// The patients `MeasurementStream` builds from libxml2's SAX events must be exactly the ones
/// a walk over the whole document's tree builds. The tree walk below is the builder mbt used
/// before it read events (kept here as the oracle); libxml2's tree parser is the reference for
/// what each element and attribute holds.
@Suite("Patients from the event stream equal patients from the document tree")
struct PatientStreamTests {
    // MARK: the oracle: patients from a whole-document tree

    static func treePatients(_ root: XMLElement) -> [Patient] {
        var patients = root.children(named: "patient").map(patient)
        // A measure's place among the measures starting on its line, in document order.
        var (line, count) = (0, 0)
        for p in patients.indices {
            for s in patients[p].sessions.indices {
                for m in patients[p].sessions[s].measures.indices {
                    let here = patients[p].sessions[s].measures[m].location.line
                    count = here == line ? count + 1 : 0
                    line = here
                    patients[p].sessions[s].measures[m].location.occurrence = count
                }
            }
        }
        return patients
    }

    static func patient(_ e: XMLElement) -> Patient {
        Patient(
            id: e.string("id").map { String($0.trimmingXMLWhitespace()) } ?? "",
            sex: e.string("sex").flatMap { Sex(rawValue: String($0.trimmingXMLWhitespace())) },
            birthDate: e.string("birthDate").flatMap { CivilDate($0.trimmingXMLWhitespace()) },
            bodyMassKg: e.double("bodyMassKg"), heightCm: e.double("heightCm"),
            conditions: e.children(named: "condition").map {
                PatientCondition(
                    code: String(($0.string("code") ?? "").trimmingXMLWhitespace()),
                    onset: $0.string("onset").flatMap { CivilDate($0.trimmingXMLWhitespace()) },
                    resolved: $0.string("resolved").flatMap { CivilDate($0.trimmingXMLWhitespace()) }, location: $0.location)
            },
            sessions: e.children(named: "session").map(session), location: e.location)
    }

    static func session(_ e: XMLElement) -> AssessmentSession {
        let dateText = String((e.string("date") ?? "").trimmingXMLWhitespace())
        return AssessmentSession(
            date: CivilDate(dateText), dateText: dateText, assessor: e.string("assessor"),
            bloodPressure: e.string("bloodPressure").flatMap { BloodPressure(String($0.trimmingXMLWhitespace())) },
            screened: e.string("screened").flatMap { CivilDate($0.trimmingXMLWhitespace()) },
            measures: e.children(named: "measure").map(measure), location: e.location)
    }

    static func measure(_ e: XMLElement) -> Measure {
        let unitText = String((e.string("unit") ?? "").trimmingXMLWhitespace())
        return Measure(
            test: String((e.string("test") ?? "").trimmingXMLWhitespace()),
            side: e.string("side").flatMap { BodySide(rawValue: String($0.trimmingXMLWhitespace())) },
            unit: MeasurementUnit(rawValue: unitText), unitText: unitText, value: e.double("value"),
            trials: e.children(named: "trial").compactMap { parseDecimal($0.text) }, note: e.string("note"),
            location: e.location)
    }

    /// Both ways; nil when the document is not well-formed or not a clinic file (nothing to compare).
    static func bothWays(_ bytes: [UInt8]) throws -> (stream: [Patient], tree: [Patient])? {
        guard let document = try? XMLDocumentReader.parse(bytes: bytes, url: "t.xml", schema: nil) else { return nil }
        let schema = sharedLibrary.measurementSchema
        guard let stream = try? MeasurementStream(bytes: bytes, url: "t.xml", schema: schema) else { return nil }
        var patients: [Patient] = []
        while let item = try stream.next() { patients.append(item.patient) }
        return (patients, treePatients(document.root))
    }

    // MARK: inputs

    static let files: [String] = {
        let corpus = Paths.packageRoot + "/Fuzz/corpus/FuzzClinicFile"
        let fuzz = ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).sorted().map { corpus + "/" + $0 }
        return [Paths.example] + Paths.fixtures(in: "measurements") + fuzz
    }()

    @Test("every clinic file of the examples, fixtures and fuzz corpus")
    func files() throws {
        var compared = 0
        for path in Self.files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard let (stream, tree) = try Self.bothWays(bytes) else { continue }
            #expect(stream == tree, "\(path)")
            compared += 1
        }
        // Most of the corpus is well-formed; a silent skip of everything must fail.
        #expect(compared >= 100)
    }

    @Test("a synthetic clinic of 500 patients, spread over many 64 KiB chunks")
    func synthetic() throws {
        var text = ""
        SyntheticClinic(patients: 500, seed: 7).write { text += $0 }
        let (stream, tree) = try #require(try Self.bothWays(Array(text.utf8)))
        #expect(stream.count == 500)
        #expect(stream == tree)
    }

    static let head = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        + #"<measurements xmlns="urn:musclebalance:measurements:1" protocol="lumbopelvic-balance">"# + "\n"

    /// Odd but well-formed spellings: whitespace to trim (some of it written as character
    /// references, which survive attribute normalisation), escaped characters, trials split by
    /// comments and CDATA, elements where they do not belong, prefixed attributes.
    static let edgeCases: [String] = [
        #"<patient id="  P&#9;1 " sex=" female " birthDate=" 1990-01-02 " bodyMassKg=" 61.5 "><session date=" 2026-01-05 " assessor="A &amp; B &lt;C&gt;" bloodPressure=" 120/80 "><measure test=" hip-abductor-strength " side=" left " unit=" N " value=" 12 "/></session></patient>"#,
        #"<patient id="P2&#13;&#10;" sex="male&#13;&#10;"><session date="2026-01-05"><measure test="x&#13;&#10;" unit="kgf&#10;"><trial>1<!-- c -->2</trial><trial><![CDATA[3.5]]></trial><trial> 4 </trial><trial>5<b>6</b>7</trial><trial/></measure></session></patient>"#,
        #"<patient id="P3" xmlns:o="urn:other" o:id="no"><condition code=" hypertension "/><condition o:code="x"/><foo><session date="2026-01-05"/></foo><session date="2026-01-06"><foo><measure test="a"/></foo><measure test="b" o:value="3" value="1."/></session></patient>"#,
        #"<other id="not a patient"/><patient id="P4"><session date="not a date"><measure test="c" side="middle" unit="furlong" value="1e3" note="  kept as written  "/></session><session/></patient>"#,
        #"<patient id="P5&#x301;" sex=" &#x301;male"><session date="2026-01-05"><measure test="d"><trial>&#x31;&#x32;</trial></measure></session></patient>"#,
    ]

    @Test("odd spellings read the same both ways", arguments: edgeCases.indices)
    func edgeCase(index: Int) throws {
        let text = Self.head + Self.edgeCases[index] + "\n</measurements>\n"
        let (stream, tree) = try #require(try Self.bothWays(Array(text.utf8)))
        #expect(!stream.isEmpty)
        #expect(stream == tree)
    }

    @Test("the edge cases read as a person would expect")
    func edgeCaseValues() throws {
        let text = Self.head + Self.edgeCases[0] + Self.edgeCases[1] + "\n</measurements>\n"
        let (stream, _) = try #require(try Self.bothWays(Array(text.utf8)))
        #expect(stream.count == 2)
        #expect(stream[0].id == "P\t1")
        #expect(stream[0].sex == .female)
        #expect(stream[0].bodyMassKg == 61.5)
        #expect(stream[0].sessions.first?.assessor == "A & B <C>")
        #expect(stream[0].sessions.first?.measures.first?.side == .left)
        #expect(stream[0].sessions.first?.measures.first?.unit == .newton)
        #expect(stream[1].sessions.first?.measures.first?.trials == [12, 3.5, 4, 57])
    }

    @Test("schema errors are never dropped: 300 patients with an error on every measure are all flagged")
    func manySchemaErrors() throws {
        // About 30 errors per patient, 9,000 in all: the collector's flood limit must bound
        // what is pending between two chunks, not the whole file, or the patients after the
        // first few hundred errors would be scored on data the schema refused.
        var text = ""
        SyntheticClinic(patients: 300, seed: 3).write { text += $0 }
        text = text.replacingOccurrences(of: "<measure ", with: "<measure foo=\"1\" ")
        let stream = try MeasurementStream(bytes: Array(text.utf8), url: "t.xml", schema: sharedLibrary.measurementSchema)
        var flagged = 0, total = 0
        while let item = try stream.next() {
            total += 1
            if item.hasSchemaErrors { flagged += 1 }
        }
        #expect(total == 300)
        #expect(flagged == 300)
    }

    @Test("a flood of problems in one chunk refuses the file instead of dropping some")
    func problemFlood() throws {
        // Four problems per 21-byte patient (two unknown attributes, no id, no session): over
        // 12,000 in the first 64 KiB, more than the reader keeps at once.
        let text = Self.head + String(repeating: "<patient x=\"\" y=\"\"/>\n", count: 4_000) + "</measurements>\n"
        let stream = try? MeasurementStream(bytes: Array(text.utf8), url: "t.xml", schema: sharedLibrary.measurementSchema)
        let error = #expect(throws: XMLReadError.self) {
            guard let stream else {
                _ = try MeasurementStream(bytes: Array(text.utf8), url: "t.xml", schema: sharedLibrary.measurementSchema)
                return
            }
            while try stream.next() != nil {}
        }
        #expect(error?.diagnostics.last?.message.contains("problems in one stretch of the file") == true, "\(String(describing: error))")
        // The first problems, how many more there were, and the refusal: not twelve thousand lines.
        #expect(error?.diagnostics.count == XMLEventReader.problemsShownForRefusedFile + 2)
        #expect(error?.diagnostics.dropLast().last?.message.contains("more problems after this one are not shown") == true)
    }
}

/// Test ids and the like are made into Strings once per generation of patients, a batch's worth:
/// shared longer, their reference counts bounced between the reading thread and the workers.
@Suite("Recurring values")
struct RecentValuesTests {
    func storage(_ s: String) -> UnsafeRawPointer? {
        s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test("one String for a batch's worth of patients, then a new one with the same value")
    func generations() {
        var recent = RecentValues()
        let bytes = Array("hip-abduction-strength".utf8)
        func value() -> String { bytes.withUnsafeBufferPointer { recent.string($0) } }
        recent.patientStarted()
        let first = value()
        for _ in 1..<RecentValues.patientsPerGeneration - 1 { recent.patientStarted() }
        let sameGeneration = value()
        #expect(first == "hip-abduction-strength")
        #expect(storage(first) != nil && storage(sameGeneration) == storage(first))
        recent.patientStarted()  // the batch's last patient starts a new generation
        let next = value()
        #expect(next == first)
        #expect(storage(next) != storage(first))
        #expect(storage(value()) == storage(next))
        #expect(RecentValues.patientsPerGeneration == BatchScorer.batchSize)
    }
}
