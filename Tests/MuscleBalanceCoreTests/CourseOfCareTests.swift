@testable import MuscleBalanceCore
import Testing

/// The course of care from Swift values (issue 31): the episode, each figure's best and both
/// changes judged by the test's MDC, and what changed in the findings, every number by hand.
@Suite("CourseOfCare: a patient's course from the baseline, judged by the source's measurement error")
struct CourseOfCareTests {
    /// Abduction judged by a band of 0.82-1.23 of the earlier value (as van der Ploeg's), an
    /// asymmetry graded at 10/20/30%.
    static let abduction = Fixture.balanceProtocol(
        groups: [Fixture.group("abductors", .hip)],
        tests: [Fixture.test("abduction", group: "abductors", mdcs: [MinimalDetectableChange(value: nil, ratioBelow: 0.82, ratioAbove: 1.23, note: nil, sources: Fixture.refs("s"))])],
        asymmetryRules: [Fixture.asymmetryRule(.strength, .percentOfStronger, grades: [(.mild, 10), (.moderate, 20), (.severe, 30)])])

    static func visit(_ date: String, _ left: Double, _ right: Double, episode: EpisodeMark? = nil) -> AssessmentSession {
        var s = Fixture.session(date, [Fixture.measure("abduction", .left, left), Fixture.measure("abduction", .right, right)])
        s.episode = episode
        return s
    }

    static func latest(_ sessions: AssessmentSession...) -> SessionScore {
        BalanceScorer(protocol: abduction).score(Fixture.patient(sessions: sessions)).sessions.last!
    }

    @Test("145 -> 175 -> 198: within the band at each step (x1.207, x1.131), improved from the baseline (x1.366); best 198; 28 and 63 days")
    func judgedFromBaseline() throws {
        let s = Self.latest(Self.visit("2026-09-01", 145, 210), Self.visit("2026-10-06", 175, 212), Self.visit("2026-11-03", 198, 214))
        let course = try #require(s.courseOfCare)
        #expect(course.baseline == CivilDate("2026-09-01") && course.visits.count == 3)
        let left = try #require(course.tests.first { $0.side == .left })
        #expect(left.points.map(\.value) == [145, 175, 198] && left.points.map(\.day) == [0, 35, 63])
        #expect(left.best?.value == 198)
        #expect(left.sincePrevious?.verdict == .withinError && left.sincePrevious?.amount == 23 && left.sincePrevious?.days == 28)
        #expect(left.sinceBaseline?.verdict == .improved && left.sinceBaseline?.amount == 53 && left.sinceBaseline?.days == 63)
        // 53 / 145 = 36.551724%.
        #expect(abs((left.sinceBaseline?.percent ?? 0) - 36.551724137931) < 1e-9)
        // The band around the baseline: 145 x 0.82 = 118.9 to 145 x 1.23 = 178.35.
        #expect(abs((left.baselineBand?.lowerBound ?? 0) - 118.9) < 1e-9 && abs((left.baselineBand?.upperBound ?? 0) - 178.35) < 1e-9)
        // Asymmetry 30.95% (severe) -> 17.45% (mild) -> 7.48% (normal): the finding gone.
        #expect(course.asymmetries.first?.points.map(\.grade) == [.severe, .mild, .normal])
        #expect(course.findingChanges.map(\.kind) == [.resolved])
    }

    @Test("a decline over four visits reads worse from the baseline though each step is within the band")
    func decline() throws {
        // 140 -> 120 -> 104 -> 88: each step x0.857, x0.867, x0.846 (inside 0.82); from the
        // baseline x0.629: worse.
        let s = Self.latest(Self.visit("2026-01-05", 140, 140), Self.visit("2026-02-02", 120, 140), Self.visit("2026-03-02", 104, 140), Self.visit("2026-03-30", 88, 140))
        let left = try #require(s.courseOfCare?.tests.first { $0.side == .left })
        #expect(left.sincePrevious?.verdict == .withinError)
        #expect(left.sinceBaseline?.verdict == .worsened && left.sinceBaseline?.amount == -52)
        // The asymmetry (140 - 104) / 140 = 25.71% (moderate) -> (140 - 88) / 140 = 37.14%
        // (severe) at the last step: the finding worse.
        #expect(s.courseOfCare?.findingChanges.map(\.kind) == [.worse])
        #expect(s.courseOfCare?.findingChanges.first?.previousGrade == .moderate && s.courseOfCare?.findingChanges.first?.grade == .severe)
    }

    @Test("episodes: the baseline is the latest start, or the first visit after a discharge; fewer than three visits: no course")
    func episodes() {
        let restarted = Self.latest(Self.visit("2026-01-05", 100, 140), Self.visit("2026-06-01", 120, 140, episode: .start), Self.visit("2026-07-06", 130, 140), Self.visit("2026-08-03", 135, 140))
        #expect(restarted.courseOfCare?.baseline == CivilDate("2026-06-01") && restarted.courseOfCare?.visits.count == 3)
        let afterDischarge = Self.latest(Self.visit("2026-01-05", 100, 140), Self.visit("2026-02-02", 120, 140), Self.visit("2026-03-02", 130, 140, episode: .discharge), Self.visit("2026-09-01", 110, 140), Self.visit("2026-10-06", 125, 140))
        #expect(afterDischarge.courseOfCare == nil)
        let two = Self.latest(Self.visit("2026-01-05", 100, 140), Self.visit("2026-02-02", 120, 140))
        #expect(two.courseOfCare == nil)
    }
}
