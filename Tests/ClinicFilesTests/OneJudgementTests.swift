@testable import ClinicFiles
import MuscleBalanceCore
import TestSupport
import Testing

/// One judgement per result (issue 26): where a test has two references, the protocol says
/// which one grades; the other is shown as information. Swept over every test of the default
/// protocol, both sexes, adult ages and the whole plausible range: no result carries two grades
/// that disagree.
@Suite("One judgement per result")
struct OneJudgementTests {
    static let p = AdjunctScreeningTests.defaultProtocol
    static let here = SourceLocation(line: 1, element: "measure")

    @Test("no result of the default protocol carries two grades that disagree")
    func sweep() throws {
        let scorer = BalanceScorer(protocol: Self.p)
        var graded = 0
        for test in Self.p.tests {
            let sides: [BodySide?] = test.sides == .bilateral ? [.left, .right] : [nil]
            for sex in Sex.allCases {
                for born in stride(from: 1946, through: 2006, by: 6) {
                    let r = test.plausibleRange
                    let measures = (0...40).flatMap { i in
                        sides.map { side in
                            Measure(test: test.id, side: side, unit: test.unit, unitText: test.unit.rawValue, value: r.min + (r.max - r.min) * Double(i) / 40,
                                    trials: [], note: nil, location: Self.here)
                        }
                    }
                    // One session per reading: a session holds a test and side once.
                    for measure in measures {
                        let patient = Patient(
                            id: "J", sex: sex, birthDate: CivilDate(year: born, month: 6, day: 1), bodyMassKg: 70, heightCm: 170, conditions: [],
                            sessions: [AssessmentSession(date: CivilDate("2026-11-01"), dateText: "2026-11-01", assessor: nil, bloodPressure: nil, measures: [measure], location: Self.here)],
                            location: Self.here)
                        for result in scorer.score(patient).sessions.flatMap(\.results) {
                            let grades = Set(result.comparisons.compactMap(\.grade))
                            if grades.count > 1 { Issue.record("\(test.id) \(sex) born \(born), \(result.value): \(grades)") }
                            if !grades.isEmpty { graded += 1 }
                        }
                    }
                }
            }
        }
        #expect(graded > 1000)
    }

    @Test("the Biering-Sorensen: Mbada 2009 grades; the 176 s cut-off is shown as information")
    func bieringSorensen() throws {
        let patient = Patient(
            id: "J", sex: .male, birthDate: CivilDate("1981-07-30"), bodyMassKg: 82, heightCm: 178, conditions: [],
            sessions: [AssessmentSession(
                date: CivilDate("2026-11-05"), dateText: "2026-11-05", assessor: nil, bloodPressure: nil,
                measures: [Measure(test: "trunk-extensor-endurance", side: nil, unit: .second, unitText: "s", value: 150, trials: [], note: nil, location: Self.here)],
                location: Self.here)],
            location: Self.here)
        let s = try #require(BalanceScorer(protocol: Self.p).score(patient).sessions.last)
        let result = try #require(s.results.first)
        #expect(result.grade == .normal)
        let cutoff = try #require(result.comparisons.first { if case .cutoff = $0.outcome { true } else { false } })
        #expect(!cutoff.norm.grades && cutoff.grade == nil)
        #expect(s.findings.isEmpty, "\(s.findings.map(\.text))")
    }

    @Test("validate warns where a cut-off grades a norm's own mean worse than normal")
    func disagreementWarned() throws {
        var p = Self.p
        let i = try #require(p.tests.firstIndex { $0.id == "trunk-extensor-endurance" })
        let t = p.tests[i]
        let norms = t.norms.map { n in
            ReferenceNorm(kind: n.kind, stratum: n.stratum, unit: n.unit, sources: n.sources, note: n.note, grades: true, location: n.location)
        }
        p.tests[i] = TestDefinition(
            id: t.id, name: t.name, shortName: t.shortName, nameLocation: t.nameLocation, muscleGroup: t.muscleGroup, quality: t.quality,
            dimension: t.dimension, unit: t.unit, sides: t.sides, combine: t.combine, direction: t.direction, position: t.position,
            plausibleRange: t.plausibleRange, targetBand: t.targetBand, minimalDetectableChanges: t.minimalDetectableChanges, norms: norms,
            location: t.location)
        let warnings = ProtocolRules.check(p).filter { $0.message.contains("disagree about an average patient") }
        #expect(warnings.count == 4, "\(warnings.map(\.message))")
        #expect(warnings.first?.message.contains("grades 119, the mean of the norm on line") == true)
        #expect(ProtocolRules.check(Self.p).isEmpty)
    }
}
