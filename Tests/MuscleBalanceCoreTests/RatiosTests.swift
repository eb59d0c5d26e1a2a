import MuscleBalanceCore
import Testing

/// Agonist/antagonist ratios against their acceptable range, per side.
@Suite("Ratios: per side, against the acceptable range, and which term falls short")
struct RatiosTests {
    static let p = Fixture.balanceProtocol(
        groups: [Fixture.group("hamstrings", .hip), Fixture.group("quadriceps", .hip)],
        tests: [Fixture.test("hamstring", group: "hamstrings"), Fixture.test("quadriceps", group: "quadriceps")],
        ratios: [Fixture.ratio("hq", "hamstring", "quadriceps", min: 0.5, max: 0.8)])

    static func ratios(left: (Double, Double), right: (Double, Double)) -> [RatioResult] {
        Fixture.latest(p, Fixture.session("2026-01-05", [
            Fixture.measure("hamstring", .left, left.0), Fixture.measure("quadriceps", .left, left.1),
            Fixture.measure("hamstring", .right, right.0), Fixture.measure("quadriceps", .right, right.1),
        ])).ratios
    }

    @Test("left then right; inside the range (bounds inclusive) is normal; below it the numerator falls short, above it the denominator", arguments: [
        // hamstring, quadriceps, ratio, grade, deficient
        (100.0, 250.0, 0.4, Grade.moderate, RatioTerm?.some(.numerator)),
        (125.0, 250.0, 0.5, .normal, nil),
        (150.0, 250.0, 0.6, .normal, nil),
        (200.0, 250.0, 0.8, .normal, nil),
        (225.0, 250.0, 0.9, .moderate, .denominator),
    ])
    func graded(hamstring: Double, quadriceps: Double, ratio: Double, grade: Grade, deficient: RatioTerm?) throws {
        let out = Self.ratios(left: (hamstring, quadriceps), right: (150, 250))
        try #require(out.count == 2)
        #expect(out[0].side == .left && out[1].side == .right)
        #expect(abs(out[0].value - ratio) < 1e-12)
        #expect(out[0].grade == grade && out[0].deficient == deficient)
        #expect(out[1].grade == .normal)
    }

    @Test("a denominator of zero, or a side not measured: no ratio for that side")
    func missing() {
        let out = Fixture.latest(Self.p, Fixture.session("2026-01-05", [
            Fixture.measure("hamstring", .left, 100), Fixture.measure("quadriceps", .left, 0),
            Fixture.measure("hamstring", .right, 150), Fixture.measure("quadriceps", .right, 250),
        ])).ratios
        #expect(out.map(\.side) == [.right])
    }
}
