import MuscleBalanceCore
import Testing

@Suite("Calendar and units")
struct CoreTests {
    @Test("age in completed years, on the calendar", arguments: [
        ("1984-03-12", "2026-11-02", 42), ("1984-03-12", "2026-03-11", 41), ("1984-03-12", "2026-03-12", 42),
        ("2000-02-29", "2025-02-28", 24), ("2000-02-29", "2025-03-01", 25),
    ])
    func age(birth: String, on date: String, years: Int) throws {
        #expect(try #require(CivilDate(date)).age(bornOn: try #require(CivilDate(birth))) == years)
    }

    @Test("impossible dates are not dates", arguments: ["2026-02-29", "2026-13-01", "2026-04-31", "26-01-01", "2026-1-01", ""])
    func impossible(text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test("dates with a time zone keep their calendar day")
    func zone() {
        #expect(CivilDate("2026-11-02Z")?.description == "2026-11-02")
        #expect(CivilDate("2026-11-02+01:00")?.description == "2026-11-02")
    }

    @Test("days since the epoch round-trip, weeks add across years")
    func epoch() throws {
        let date = try #require(CivilDate("2026-12-20"))
        #expect(date.daysSinceEpoch == 20_807)
        #expect(CivilDate(daysSinceEpoch: date.daysSinceEpoch) == date)
        #expect(date.adding(days: 42).description == "2027-01-31")
    }

    @Test("exact conversion factors to the canonical unit")
    func units() {
        #expect(abs(MeasurementUnit.kilogramForce.toCanonical(10) - 98.0665) < 1e-12)
        #expect(MeasurementUnit.poundForce.toCanonical(1) == 4.4482216152605)
        #expect(MeasurementUnit.inch.toCanonical(19) == 48.26)
        #expect(MeasurementUnit.millimetre.toCanonical(215) == 21.5)
        #expect(MeasurementUnit.inch.dimension == .length)
        #expect(MeasurementUnit.second.dimension != MeasurementUnit.centimetre.dimension)
    }
}

@Suite("Id tables")
struct IDTableTests {
    @Test("an id table finds what a Dictionary finds, first value of an id winning, across many collisions")
    func sameAsDictionary() {
        // 600 ids in a table of 2,048 slots: probes run past collisions and wrap around.
        let ids = (0..<600).map { "test-\($0 % 500)-\(String(repeating: "x", count: $0 % 7))" } + ["", "é", "hip-abduction-strength"]
        let pairs = ids.enumerated().map { ($0.element, $0.offset) }
        let table = IDTable(pairs)
        let reference = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        for id in ids + ["missing", "test-1", "test-1-x ", "e\u{301}"] {
            #expect(table[id] == reference[id], "\(id)")
        }
        #expect(IDTable([(String, Int)]())["anything"] == nil)
    }

    @Test("equality is String's: canonically equal ids match, ASCII or not (the Kelvin sign is K)")
    func canonicalEquivalence() {
        let ascii = IDTable([("k", 1), ("K", 2)])
        #expect(ascii["\u{212A}"] == 2)
        #expect(ascii["K"] == 2)
        let kelvin = IDTable([("\u{212A}", 3), ("e\u{301}", 4)])
        #expect(kelvin["K"] == 3)
        #expect(kelvin["\u{E9}"] == 4)
        #expect(kelvin["k"] == nil)
    }
}
