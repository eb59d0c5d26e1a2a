import MuscleBalanceCore
import Testing

/// Progress: a change counts only beyond the minimal detectable change (`within-mdc` otherwise).
@Suite("WithinMDC: progress against the minimal detectable change")
struct WithinMDCTests {
    static func verdicts(_ mdcs: [MinimalDetectableChange], direction: ScoreDirection = .higherIsBetter, from before: Double, to after: Double, side: BodySide = .left) -> ProgressItem? {
        let p = Fixture.balanceProtocol(
            groups: [Fixture.group("abductors", .hip)], tests: [Fixture.test("abduction", group: "abductors", direction: direction, mdcs: mdcs)])
        return Fixture.latest(
            p, Fixture.session("2026-01-05", [Fixture.measure("abduction", side, before)]),
            Fixture.session("2026-02-16", [Fixture.measure("abduction", side, after)])
        ).progress.first
    }

    static let amount = MinimalDetectableChange(value: 20, note: nil, sources: Fixture.refs("s"))
    static let band = MinimalDetectableChange(value: nil, ratioBelow: 0.82, ratioAbove: 1.23, note: nil, sources: Fixture.refs("s"))

    @Test("an amount: exactly at it is within; beyond it is improved or worsened by the test's direction", arguments: [
        (ScoreDirection.higherIsBetter, 100.0, 120.0, ProgressItem.Verdict.withinMDC),
        (.higherIsBetter, 100, 121, .improved),
        (.higherIsBetter, 100, 79, .worsened),
        (.higherIsBetter, 100, 80, .withinMDC),
        (.lowerIsBetter, 100, 79, .improved),
        (.lowerIsBetter, 100, 121, .worsened),
    ])
    func byAmount(direction: ScoreDirection, before: Double, after: Double, verdict: ProgressItem.Verdict) throws {
        let item = try #require(Self.verdicts([Self.amount], direction: direction, from: before, to: after))
        #expect(item.verdict == verdict)
        #expect(item.change == after - before && item.mdc == 20)
    }

    @Test("a band of latest / previous (0.82-1.23): inside, and at its edges, is within", arguments: [
        (100.0, 123.0, ProgressItem.Verdict.withinMDC), (100, 124, .improved), (100, 82, .withinMDC), (100, 81, .worsened),
    ])
    func byBand(before: Double, after: Double, verdict: ProgressItem.Verdict) throws {
        let item = try #require(Self.verdicts([Self.band], from: before, to: after))
        #expect(item.verdict == verdict)
        #expect(item.mdcRatioBelow == 0.82 && item.mdcRatioAbove == 1.23 && item.mdc == nil)
    }

    @Test("the first MDC that covers the patient's sex and the side applies; none: no-mdc")
    func bySexAndSide() throws {
        let male = MinimalDetectableChange(value: 5, sex: .male, note: nil, sources: Fixture.refs("s"))
        let right = MinimalDetectableChange(value: 8, side: .right, note: nil, sources: Fixture.refs("s"))
        // The fixture's patient is female: the male MDC is passed over.
        #expect(try #require(Self.verdicts([male, right, Self.amount], from: 100, to: 110, side: .right)).mdc == 8)
        #expect(try #require(Self.verdicts([male, right, Self.amount], from: 100, to: 110, side: .left)).mdc == 20)
        #expect(try #require(Self.verdicts([male], from: 100, to: 150)).verdict == .noMDC)
    }
}
