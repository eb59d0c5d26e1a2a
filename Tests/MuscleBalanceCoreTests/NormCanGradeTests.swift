import MuscleBalanceCore
import Testing

/// validate flags a mean/SD norm that can grade no one weak: its lowest plausible reading lies
/// at or above the grading limit (issue 31: a woman of 77 holding 0 s was "normal", at P14).
@Suite("NormCanGrade: a norm so wide that no reading falls below its grading limit")
struct NormCanGradeTests {
    static func protocolWith(_ norm: ReferenceNorm, direction: ScoreDirection = .higherIsBetter) -> BalanceProtocol {
        var p = Fixture.balanceProtocol(
            groups: [Fixture.group("extensors", .spine)],
            tests: [Fixture.test("extension", group: "extensors", quality: .endurance, unit: .second, sides: .midline, direction: direction, norms: [norm])])
        p.normGrading = NormGrading(thresholds: [.init(grade: .mild, percentileBelow: 5, sources: Fixture.refs("s"), location: Fixture.here)], note: nil, location: Fixture.here)
        return p
    }

    static func norm(mean: Double, sd: Double, grades: Bool = true) -> ReferenceNorm {
        ReferenceNorm(
            kind: .meanSD(MeanSD(mean: mean, spread: .sd(sd))), stratum: NormStratum(sex: .female, ageMin: 75, ageMax: 79),
            unit: .absolute(.second), sources: Fixture.refs("s"), note: nil, grades: grades, location: Fixture.here)
    }

    static func warnings(_ p: BalanceProtocol) -> [String] {
        ProtocolRules.check(p).filter { $0.message.contains("no reading can be graded weak") }.map(\.message)
    }

    @Test("48.4 s (SD 44.76): 0 s lies at z = -1.081, P14.0, above P5: flagged, with the figures")
    func flagged() {
        let found = Self.warnings(Self.protocolWith(Self.norm(mean: 48.4, sd: 44.76)))
        #expect(found.count == 1)
        #expect(found.first?.contains("mean 48.4, SD 44.76") == true && found.first?.contains("at percentile 14,") == true, "\(found)")
    }

    @Test("the edge: 0 s exactly at P5 (mean 1.6448536 SD) is flagged; a narrower SD is not")
    func edge() {
        // z = -1.6448536 is P5.0000: not below the limit, so nothing could be graded below it.
        #expect(Self.warnings(Self.protocolWith(Self.norm(mean: 16.448536, sd: 10))).count == 1)
        // mean 17, SD 10: 0 s at z = -1.7, P4.5: a reading of 0 is graded.
        #expect(Self.warnings(Self.protocolWith(Self.norm(mean: 17, sd: 10))).isEmpty)
    }

    @Test("a norm marked grades=\"false\", and a test better lower, are not flagged")
    func notFlagged() {
        #expect(Self.warnings(Self.protocolWith(Self.norm(mean: 48.4, sd: 44.76, grades: false))).isEmpty)
        #expect(Self.warnings(Self.protocolWith(Self.norm(mean: 48.4, sd: 44.76), direction: .lowerIsBetter)).isEmpty)
    }
}
