@testable import ClinicFiles
import MuscleBalanceCore
import TestSupport
import Testing

/// Deficits the rules used to pass over (issue 26): a side that reads 0, a patient with no
/// recorded sex (the norms for both sexes apply to everyone), a ratio just outside its range
/// printed as its bound.
@Suite("Weakness no rule saw")
struct WeaknessNoRuleSawTests {
    static let p = AdjunctScreeningTests.defaultProtocol
    static let here = SourceLocation(line: 1, element: "measure")

    static func session(sex: Sex?, _ measures: [(String, BodySide?, Double)]) throws -> SessionScore {
        let patient = Patient(
            id: "W", sex: sex, birthDate: CivilDate("1990-01-01"), bodyMassKg: 80, heightCm: 180, conditions: [],
            sessions: [AssessmentSession(
                date: CivilDate("2026-11-01"), dateText: "2026-11-01", assessor: nil, bloodPressure: nil, screened: CivilDate("2026-11-01"),
                measures: measures.map { m in
                    let unit = p.tests.first { $0.id == m.0 }!.unit
                    return Measure(test: m.0, side: m.1, unit: unit, unitText: unit.rawValue, value: m.2, trials: [], note: nil, location: here)
                },
                location: here)],
            location: here)
        return try #require(BalanceScorer(protocol: p).score(patient).sessions.last)
    }

    @Test("a side that reads 0 against a stronger one is 100% asymmetry, graded, with a finding", arguments: [
        "knee-extension-strength", "hip-adduction-strength", "hip-abduction-strength",
    ])
    func zeroSide(test: String) throws {
        let s = try Self.session(sex: .male, [(test, .left, 0), (test, .right, 300)])
        let a = try #require(s.asymmetries.first { $0.testID == test })
        #expect(a.value == 100)
        #expect(a.affectedSide == .left)
        #expect(a.grade == .moderate || a.grade == .severe, "\(a)")
        #expect(s.findings.contains { $0.side == .left && $0.basis == .asymmetry(testID: test) }, "\(s.findings.map(\.text))")
        // Two zeros: no percentage, said so.
        let both = try Self.session(sex: .male, [(test, .left, 0), (test, .right, 0)])
        #expect(both.asymmetries.first { $0.testID == test }?.value == nil)
        #expect(both.asymmetries.first { $0.testID == test }?.noReference != nil)
    }

    @Test("no recorded sex: the norms for both sexes still apply (a tight Thomas hip angle and Ober angle are found and treated)")
    func noSex() throws {
        let s = try Self.session(sex: nil, [("thomas-hip-angle", .left, 5), ("thomas-hip-angle", .right, -12), ("ober-angle", .left, -10), ("ober-angle", .right, -25)])
        let thomas = try #require(s.results.first { $0.testID == "thomas-hip-angle" && $0.side == .left })
        #expect(!thomas.comparisons.isEmpty, "\(String(describing: thomas.noReference))")
        #expect(s.findings.contains { $0.muscleGroup == "hip-flexors" && $0.side == .left }, "\(s.findings.map(\.text))")
        #expect(s.plan.exercises.contains { $0.exerciseID == "half-kneeling-hip-flexor-stretch" && $0.side == .left })
        // A norm for one sex is still not used: hip abduction's are by sex.
        let abduction = try Self.session(sex: nil, [("hip-abduction-strength", .left, 100), ("hip-abduction-strength", .right, 100)])
        #expect(abduction.results.first?.noReference?.reason.contains("sex not recorded") == true)
    }

    @Test("a ratio just outside its range prints the digits that show why: 0.995 against >= 1")
    func ratioDigits() throws {
        #expect(BalanceScorer.digitsShowingOutside(0.995, AcceptableRange(min: 1, above: nil, max: 1.2, below: nil, outsideGrade: .mild, sources: SourceReferences(ids: [], location: Self.here), location: Self.here)) == 3)
        #expect(BalanceScorer.digitsShowingOutside(0.8, AcceptableRange(min: 1, above: nil, max: 1.2, below: nil, outsideGrade: .mild, sources: SourceReferences(ids: [], location: Self.here), location: Self.here)) == 2)
        // On the decimals, exactly on a bound prints two decimals: nothing to show.
        #expect(BalanceScorer.digitsShowingOutside(0.75, AcceptableRange(min: nil, above: nil, max: nil, below: 0.75, outsideGrade: .mild, sources: SourceReferences(ids: [], location: Self.here), location: Self.here)) == 2)
        // The default protocol's adduction:abduction (at least 0.80, Tyler 2001): 79.5 / 100.
        let s = try Self.session(sex: .female, [("hip-adduction-strength", .left, 79.5), ("hip-adduction-strength", .right, 79.5), ("hip-abduction-strength", .left, 100), ("hip-abduction-strength", .right, 100)])
        let texts = s.findings.map(\.text).joined(separator: "\n")
        #expect(texts.contains("0.795, acceptable >= 0.8"), "\(texts)")
    }
}
