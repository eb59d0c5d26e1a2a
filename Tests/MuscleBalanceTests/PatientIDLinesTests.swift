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
}
