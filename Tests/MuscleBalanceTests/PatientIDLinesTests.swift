import TestSupport
@testable import ClinicFiles
@testable import MuscleBalance
@testable import MuscleBalanceCore
import Testing

/// The duplicate-id table must say exactly what a `[String: Int]` said, first line kept, for
/// any ids: it only stores them more compactly.
@Suite("Patient id table")
struct PatientIDLinesTests {
    /// Records each id with its line unless seen, in both tables, and compares every answer:
    /// the earlier line a record returns, and the line kept (a second record returns it).
    func check(_ ids: [String], _ table: inout PatientIDLines, _ reference: inout [String: Int]) {
        for (n, id) in ids.enumerated() {
            let line = n + 2
            #expect(table.record(id, line: line) == reference[id], "before \(id.debugDescription)")
            if reference[id] == nil { reference[id] = line }
            #expect(table.record(id, line: -1) == reference[id], "after \(id.debugDescription)")
        }
    }

    @Test("60,000 random ids (many repeated, empty, up to 40 bytes): the same first lines as a dictionary")
    func randomIDs() {
        var r = SyntheticClinic.Random(state: 77)
        let alphabet = Array("ABCXYZabcxyz0123456789-_./ ".utf8)
        let ids = (0..<60_000).map { _ in
            String(decoding: (0..<r.int(0...40)).map { _ in alphabet[r.int(0...(alphabet.count - 1))] }, as: UTF8.self)
        } + (0..<20_000).map { "SYN-\($0 % 7_000)" }
        var table = PatientIDLines()
        var reference: [String: Int] = [:]
        check(ids, &table, &reference)
        for id in reference.keys.prefix(5_000) { #expect(table.record(id, line: -1) == reference[id]) }
        #expect(table.record("never recorded", line: 9) == nil)
        #expect(table.record("never recorded", line: 10) == 9)
    }

    @Test("ids Swift holds equal match as before: canonically equivalent, non-ASCII, and longer than the arena takes")
    func otherIDs() {
        let long = String(repeating: "L", count: 70_000)
        let ids = [
            "Jos\u{E9}", "Jose\u{301}",  // é as one scalar, and as e and an accent: equal Strings
            "Ω-1", "\u{2126}-1",  // OMEGA and OHM SIGN: canonically equivalent
            "", "", long, long + "x", long, "plain", "Jos\u{E9}",
        ]
        var table = PatientIDLines()
        var reference: [String: Int] = [:]
        check(ids, &table, &reference)
        #expect(table.record("Jose\u{301}", line: -1) == 2)
        #expect(table.record(long, line: -1) == 8)
    }

    @Test("the rules still report a duplicate patient id with the first one's line")
    func duplicateRule() throws {
        let loaded = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        var rules = MeasurementRules(protocol: loaded, today: testToday)
        var text = ""
        SyntheticClinic(patients: 3_000, seed: 5).write { text += $0 }
        let stream = try MeasurementStream(bytes: Array(text.utf8), url: "ids.xml", schema: sharedLibrary.measurementSchema)
        var patients: [Patient] = []
        while let item = try stream.next() { patients.append(item.patient) }
        for p in patients { _ = rules.check(p) }
        var again = patients[1_234]
        again.location = SourceLocation(line: 999_999, element: "patient")
        let problems = rules.check(again)
        let duplicate = try #require(problems.first { $0.message.hasPrefix("duplicate patient id") })
        #expect(duplicate.message.contains("'\(patients[1_234].id)' (first on line \(patients[1_234].location.line))"))
    }

    @Test("the same person? among thousands of one sex and birth date: a near id found among the last ones, a duplicate left to its own rule")
    func samePerson() throws {
        #expect(MeasurementRules.bytesApart("LK-0101", "LK-0102") == 1)
        #expect(MeasurementRules.bytesApart("LK-0101", "LK-0101") == 0)
        #expect(MeasurementRules.bytesApart("LK-0101", "LK-101") == 2)
        #expect(MeasurementRules.bytesApart("Jos\u{E9}", "Jose") == 2)
        #expect(MeasurementRules.bytesApart("AB-1", "BA-1") == 2)
        let loaded = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        var rules = MeasurementRules(protocol: loaded, today: testToday)
        func patient(_ id: String, line: Int) -> Patient {
            Patient(
                id: id, sex: .female, birthDate: CivilDate("1990-01-01"), bodyMassKg: 60, heightCm: 165, conditions: [],
                sessions: [AssessmentSession(date: CivilDate("2026-11-02"), dateText: "2026-11-02", assessor: nil, bloodPressure: nil, screened: nil, measures: [], location: SourceLocation(line: line + 1, element: "session"))],
                location: SourceLocation(line: line, element: "patient"))
        }
        func samePerson(_ problems: [Diagnostic]) -> String? { problems.first { $0.message.contains("the same person as") }?.message }
        // Ids far apart (two characters or more) of one birth date: no warning.
        for n in 0..<3_000 { #expect(samePerson(rules.check(patient("Z\(n)Z\(n)", line: 10 + n))) == nil) }
        // One character from two of the last ones seen: the first of them named.
        #expect(samePerson(rules.check(patient("Z2999Z2998", line: 9_000))) == "patient 'Z2999Z2998' has the sex and birth date of 'Z2998Z2998', whose id differs by one character: the same person as Z2998Z2998? If so, use one id")
        // The same id again is the duplicate rule's, not a near miss.
        let again = rules.check(patient("Z2999Z2999", line: 9_001))
        #expect(samePerson(again) == nil)
        #expect(again.contains { $0.message.hasPrefix("duplicate patient id 'Z2999Z2999'") })
    }
}

