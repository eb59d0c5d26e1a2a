import MuscleBalanceCore
import Testing

/// `percent-of-stronger` and `absolute-difference`, and which side is affected.
@Suite("Asymmetry: percent of the stronger side, absolute difference, the affected side")
struct AsymmetryTests {
    static let p = Fixture.balanceProtocol(
        groups: [Fixture.group("abductors", .hip), Fixture.group("flexors", .hip)],
        tests: [
            Fixture.test("abduction", group: "abductors"),
            Fixture.test("thomas", group: "flexors", quality: .flexibility, unit: .degree, direction: .lowerIsBetter),
            Fixture.test("no-rule", group: "abductors", quality: .endurance, unit: .second),
        ],
        asymmetryRules: [
            Fixture.asymmetryRule(.strength, .percentOfStronger, grades: [(.mild, 10), (.moderate, 20)]),
            Fixture.asymmetryRule(.flexibility, .absoluteDifference, grades: []),
        ])

    static func asymmetries(_ measures: [Measure]) -> [AsymmetryResult] {
        Fixture.latest(p, Fixture.session("2026-01-05", measures)).asymmetries
    }

    @Test("(stronger - weaker) / stronger x 100: 250 against 200 is 20%, moderate at its threshold; the weaker side is affected")
    func percentOfStronger() throws {
        let a = try #require(Self.asymmetries([Fixture.measure("abduction", .left, 250), Fixture.measure("abduction", .right, 200)]).first)
        #expect(a.value == 20 && a.grade == .moderate && a.affectedSide == .right)
        let below = try #require(Self.asymmetries([Fixture.measure("abduction", .left, 200), Fixture.measure("abduction", .right, 181)]).first)
        #expect(abs(try #require(below.value) - 9.5) < 1e-9 && below.grade == .normal)
    }

    @Test("lower is better: the higher angle is the tighter side; no thresholds, so no grade and 'no reference'")
    func absoluteDifference() throws {
        let a = try #require(Self.asymmetries([Fixture.measure("thomas", .left, 4, unit: .degree), Fixture.measure("thomas", .right, 15, unit: .degree)]).first)
        #expect(a.formula == .absoluteDifference && a.value == 11 && a.affectedSide == .right && a.grade == nil)
        #expect(a.noReference?.reason == "no published grade thresholds for flexibility asymmetry")
    }

    @Test("no rule for the quality: the absolute difference, ungraded, with the reason")
    func noRule() throws {
        let a = try #require(Self.asymmetries([Fixture.measure("no-rule", .left, 30, unit: .second), Fixture.measure("no-rule", .right, 42, unit: .second)]).first)
        #expect(a.formula == .absoluteDifference && a.value == 12 && a.affectedSide == .left && a.grade == nil)
        #expect(a.noReference?.reason == "the protocol has no asymmetry rule for endurance")
    }

    @Test("one side only: no asymmetry")
    func oneSide() {
        #expect(Self.asymmetries([Fixture.measure("abduction", .left, 250)]).isEmpty)
    }
}
