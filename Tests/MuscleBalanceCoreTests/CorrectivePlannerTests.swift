import MuscleBalanceCore
import Testing

/// The plan is unbalanced on purpose: the weak side is strengthened, only the tight side is
/// stretched, and every finding's first exercise comes before any second.
@Suite("CorrectivePlanner: the affected side gets the work")
struct CorrectivePlannerTests {
    static let p = Fixture.balanceProtocol(
        groups: [Fixture.group("abductors", .hip), Fixture.group("flexors", .hip)],
        tests: [
            Fixture.test("abduction", group: "abductors"),
            Fixture.test("thomas", group: "flexors", quality: .flexibility, unit: .degree, direction: .lowerIsBetter),
        ],
        asymmetryRules: [
            Fixture.asymmetryRule(.strength, .percentOfStronger, grades: [(.mild, 10), (.moderate, 20)]),
            Fixture.asymmetryRule(.flexibility, .absoluteDifference, grades: [(.mild, 5), (.moderate, 10)]),
        ],
        exercises: [
            Fixture.exercise("side-plank", group: "abductors", problem: .weak),
            Fixture.exercise("clam", group: "abductors", problem: .weak),
            Fixture.exercise("hip-flexor-stretch", group: "flexors", problem: .tight),
            Fixture.exercise("hamstring-stretch", group: "abductors", problem: .tight),
            Fixture.exercise("bridge", group: "abductors", problem: .weak, sides: .bothSides),
        ])

    static let session = Fixture.session("2026-01-05", [
        Fixture.measure("abduction", .left, 150), Fixture.measure("abduction", .right, 200),
        Fixture.measure("thomas", .left, 2, unit: .degree), Fixture.measure("thomas", .right, 14, unit: .degree),
    ])

    @Test("the weaker left abductors are strengthened on the left; the tighter right flexors stretched on the right only; listed by finding")
    func affectedSide() {
        let plan = Fixture.latest(Self.p, Self.session).plan
        // Both findings moderate (25% and 12 degrees): listed by finding, the abductors first
        // (protocol order), each finding's exercises in the protocol's order.
        #expect(plan.exercises.map(\.exerciseID) == ["side-plank", "clam", "bridge", "hip-flexor-stretch"])
        #expect(plan.exercises.map(\.side) == [.left, .left, nil, .right])
        // A both-sides exercise is one item for both sides; a stretch for a problem no finding
        // has is not planned.
        #expect(plan.exercises.map(\.bothSides) == [false, false, true, false])
        #expect(!plan.exercises.contains { $0.exerciseID == "hamstring-stretch" })
        #expect(plan.deferred.isEmpty && plan.withheld.isEmpty && plan.unanswered.isEmpty)
    }

    @Test("weak on both sides and more on the left: one item each, both sides and again on the left, never the same exercise twice")
    func bothSidesAndAgain() throws {
        // Norm 150 (30), graded below the 5th centile (100.65): 60 and 90 N are both below it,
        // one finding for both sides; the asymmetry (90 - 60) / 90 = 33.3% (moderate) names the
        // left. The same exercises answer both findings.
        var p = Self.p
        p.tests[0] = Fixture.test("abduction", group: "abductors", norms: [Fixture.meanSD(150, 30)])
        p.normGrading = NormGrading(thresholds: [.init(grade: .mild, percentileBelow: 5, sources: Fixture.refs("s"), location: Fixture.here)], note: nil, location: Fixture.here)
        let s = Fixture.latest(p, Fixture.session("2026-01-05", [Fixture.measure("abduction", .left, 60), Fixture.measure("abduction", .right, 90)]))
        #expect(s.findings.contains { $0.bothSides } && s.findings.contains { $0.side == .left && !$0.bothSides })
        let ids = s.plan.exercises.map(\.exerciseID)
        #expect(ids == ["side-plank", "clam", "bridge"], "\(ids)")
        #expect(Set(ids).count == ids.count)
        #expect(s.plan.exercises.map(\.bothSides) == [true, true, true])
        #expect(s.plan.exercises.map(\.againOn) == [.left, .left, nil])
        // Each item answers both findings.
        #expect(s.plan.exercises[0].answers.contains("; "))
    }

    @Test("the cap keeps every finding's first exercise before any second, and lists the rest as deferred")
    func cap() {
        let capped = Fixture.balanceProtocol(
            groups: Self.p.muscleGroups, tests: Self.p.tests, asymmetryRules: Self.p.asymmetryRules, exercises: Self.p.exercises, maxExercises: 2)
        let plan = Fixture.latest(capped, Self.session).plan
        #expect(plan.exercises.map(\.exerciseID) == ["side-plank", "hip-flexor-stretch"])
        #expect(plan.deferred.map(\.exerciseID) == ["clam", "bridge"])
    }

    @Test("reassessment 4 to 6 weeks after the session")
    func reassessment() {
        let plan = Fixture.latest(Self.p, Self.session).plan
        #expect(plan.reassessFrom?.description == "2026-02-02" && plan.reassessBy?.description == "2026-02-16")
    }
}
