import TestSupport
@testable import ClinicFiles
@testable import MuscleBalance
import MuscleBalanceCore
import Testing

/// The pure scoring engine, fed Swift values directly: the rules the example file does not reach.
@Suite("Scoring engine")
struct ScoringEngineTests {
    let base: BalanceProtocol

    init() throws {
        base = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
    }

    static let here = SourceLocation(line: 1, element: "measure")

    func measure(_ test: String, _ side: BodySide?, _ unit: MeasurementUnit, _ values: [Double]) -> Measure {
        Measure(test: test, side: side, unit: unit, unitText: unit.rawValue, value: values.count == 1 ? values[0] : nil,
                trials: values.count == 1 ? [] : values, note: nil, location: Self.here)
    }

    func patient(_ measures: [Measure], sex: Sex = .female, born: String = "2000-01-01", mass: Double? = 60,
                 conditions: [String] = [], bloodPressure: BloodPressure? = BloodPressure(systolic: 120, diastolic: 80)) -> Patient {
        Patient(
            id: "T", sex: sex, birthDate: CivilDate(born), bodyMassKg: mass, heightCm: 165,
            conditions: conditions.map { PatientCondition(code: $0, location: Self.here) },
            sessions: [AssessmentSession(
                date: CivilDate("2026-11-01"), dateText: "2026-11-01", assessor: nil, bloodPressure: bloodPressure,
                screened: CivilDate("2026-11-01"), measures: measures, location: Self.here)],
            location: Self.here)
    }

    func latest(_ p: Patient, _ protocolDefinition: BalanceProtocol? = nil) throws -> SessionScore {
        try #require(BalanceScorer(protocol: protocolDefinition ?? base).score(p).sessions.last)
    }

    @Test("grades and regions order as declared, and their ranks index allCases")
    func ranks() {
        #expect(Grade.allCases.map(\.rank) == [0, 1, 2, 3])
        #expect(BodyRegion.allCases.map(\.rank) == [0, 1, 2])
        #expect(Grade.normal < .mild && Grade.mild < .moderate && Grade.moderate < .severe && !(Grade.severe < .severe))
        #expect(BodyRegion.hip < .pelvis && BodyRegion.pelvis < .spine && !(BodyRegion.spine < .hip))
        #expect([Grade.moderate, .normal, .severe, .mild].max() == .severe)
    }

    @Test("swapping left and right swaps the affected side and keeps the asymmetry")
    func mirror() throws {
        let a = try latest(patient([measure("hip-abduction-strength", .left, .newton, [80]), measure("hip-abduction-strength", .right, .newton, [100])]))
        let b = try latest(patient([measure("hip-abduction-strength", .left, .newton, [100]), measure("hip-abduction-strength", .right, .newton, [80])]))
        #expect(a.asymmetries[0].value == 20)  // (100 - 80) / 100 x 100
        #expect(b.asymmetries[0].value == 20)
        #expect(a.asymmetries[0].affectedSide == .left && b.asymmetries[0].affectedSide == .right)
        #expect(a.asymmetries[0].grade == .moderate)
        #expect(a.plan.exercises.allSatisfy { $0.side == .left } && b.plan.exercises.allSatisfy { $0.side == .right })
    }

    @Test("for a lower-is-better test the higher side is the tight one")
    func lowerIsBetter() throws {
        let s = try latest(patient([measure("ober-angle", .left, .degree, [-30]), measure("ober-angle", .right, .degree, [-10])]))
        #expect(s.asymmetries[0].affectedSide == .right)
        #expect(s.asymmetries[0].value == 20)  // absolute difference in degrees
        #expect(s.asymmetries[0].grade == nil)  // no published threshold
        // -10 deg against Ferber's -24.59 (7.27), lower is better: z = -(−10 + 24.59) / 7.27 =
        // -2.007, under the 5th centile (z -1.645): tight right ITB; the Ober stretch, right only.
        // The left, -30 deg, is z = +0.74: normal.
        #expect(s.findings.map(\.text) == ["right iliotibial band and TFL tight: below the 5th centile, Modified Ober test z = -2.01"])
        #expect(s.plan.exercises.map(\.exerciseID) == ["ober-position-stretch"])
        #expect(s.plan.exercises.first?.side == .right)
    }

    @Test("the weak side gets the extra sets the protocol prescribes")
    func extraSets() throws {
        var p = base
        let index = try #require(p.exercises.firstIndex { $0.id == "side-bridge" })
        var dosage = p.exercises[index].dosage
        dosage.sets = 2
        dosage.extraSetsAffectedSide = 1
        p.exercises[index] = p.exercises[index].replacing(dosage: dosage)
        // Side bridge right/left 40 / 60 = 0.667 < 0.95: the right side falls short...
        let s = try latest(patient([measure("side-bridge-endurance", .left, .second, [60]), measure("side-bridge-endurance", .right, .second, [40])]), p)
        #expect(s.findings.contains { $0.side == .right && $0.problem == .asymmetric })
        // ...and for low endurance on both sides the both-sides rule still favours the weaker side.
        p.exercises[index] = p.exercises[index].replacing(problem: .asymmetric)
        let t = try latest(patient([measure("side-bridge-endurance", .left, .second, [60]), measure("side-bridge-endurance", .right, .second, [40])]), p)
        let sides = t.plan.exercises.filter { $0.exerciseID == "side-bridge" }.map { ($0.side, $0.sets) }
        #expect(sides.count == 2)
        #expect(sides[0].0 == .right && sides[0].1 == 3)
        #expect(sides[1].0 == .left && sides[1].1 == 2)
    }

    @Test("the plan is capped at the protocol's maximum: every finding's first exercise before any second, the rest deferred")
    func cap() throws {
        var p = base
        p.plan.maxExercises = 2
        let s = try latest(patient([
            measure("hip-abduction-strength", .left, .newton, [60]), measure("hip-abduction-strength", .right, .newton, [100]),
            measure("thomas-hip-angle", .left, .degree, [10]), measure("thomas-hip-angle", .right, .degree, [-10]),
        ]), p)
        #expect(s.plan.exercises.count == 2)
        // The abductors' moderate asymmetry and the tight hip flexors each get their first
        // exercise; the abductors' second (clamshell) is what the cap leaves, and it is listed.
        #expect(s.plan.exercises.map(\.exerciseID) == ["side-lying-hip-abduction", "half-kneeling-hip-flexor-stretch"])
        #expect(s.plan.deferred.map(\.exerciseID) == ["clamshell"])
        #expect(s.plan.deferred.first?.side == .left)
    }

    @Test("a contraindicated exercise is withheld, with the reason")
    func withheld() throws {
        var p = base
        let index = try #require(p.exercises.firstIndex { $0.id == "clamshell" })
        p.exercises[index] = p.exercises[index].replacing(contraindications: [Contraindication(condition: "recent-joint-replacement", kind: .absolute, sources: SourceReferences(ids: ["x"], location: Self.here), location: Self.here)])
        let s = try latest(patient([measure("hip-abduction-strength", .left, .newton, [60]), measure("hip-abduction-strength", .right, .newton, [100])],
                                   conditions: ["recent-joint-replacement"]), p)
        #expect(!s.plan.exercises.contains { $0.exerciseID == "clamshell" })
        #expect(s.plan.withheld.map(\.exerciseID) == ["clamshell"])
        #expect(s.plan.withheld.map(\.reason) == ["Joint replacement within 6 months (contraindicated)"])
        // Whole body vibration is contraindicated by a recent joint replacement too; the
        // inversion table through its category, skeletal implants.
        #expect(s.adjuncts.first { $0.adjunctID == "whole-body-vibration" }?.offered == false)
        #expect(s.adjuncts.first { $0.adjunctID == "inversion-table" }?.reasons.first
            == "Joint replacement within 6 months, within skeletal implant (pins, plates, surgically implanted supports) (contraindicated)")
    }

    @Test("no blood pressure recorded: inversion waits for a reading, and says why; 140/90 itself is hypertension")
    func missingBloodPressure() throws {
        let s = try latest(patient([measure("sit-and-reach", nil, .centimetre, [30])], bloodPressure: nil))
        let inversion = try #require(s.adjuncts.first { $0.adjunctID == "inversion-table" })
        #expect(!inversion.offered)
        #expect(inversion.verdict == .screenFirst)
        #expect(inversion.reasons == ["blood pressure not recorded at this session; it must be below 140/90 mmHg"])
        #expect(s.adjuncts.first { $0.adjunctID == "whole-body-vibration" }?.offered == true)
        // At the limit exactly is hypertension (140/90 or higher): refused; just below, offered.
        let t = try latest(patient([measure("sit-and-reach", nil, .centimetre, [30])], bloodPressure: BloodPressure(systolic: 140, diastolic: 90)))
        #expect(t.adjuncts.first { $0.adjunctID == "inversion-table" }?.verdict == .notRecommended)
        let u = try latest(patient([measure("sit-and-reach", nil, .centimetre, [30])], bloodPressure: BloodPressure(systolic: 139, diastolic: 89)))
        #expect(u.adjuncts.first { $0.adjunctID == "inversion-table" }?.offered == true)
    }

    @Test("outside a percentile table: below the first point, no invented percentile")
    func beyondTable() throws {
        // Women 18-25: P10 = 14 in. 10 in = 25.4 cm is below it.
        let s = try latest(patient([measure("sit-and-reach", nil, .inch, [10])], born: "2005-01-01"))
        guard case .percentiles(let percentile, let beyond, let median, _) = s.results[0].comparisons[0].outcome else {
            Issue.record("not a percentile comparison")
            return
        }
        #expect(percentile == nil && beyond == "<10" && median == 19)
    }

    @Test("no body mass: a %BW norm gives no reference, with the reason; z never guessed")
    func noBodyMass() throws {
        let s = try latest(patient([measure("hip-adduction-strength", .left, .newton, [100])], mass: nil))
        #expect(s.results[0].comparisons.isEmpty)
        #expect(s.results[0].noReference?.reason == "body mass not recorded; the norm is in % of body weight")
        #expect(s.results[0].z == nil)
    }

    @Test("trials combine as the protocol says", arguments: [
        (TrialCombination.max, 7.0), (.min, 1.0), (.mean, 4.0), (.median, 4.0), (.last, 4.0),
    ])
    func combine(rule: TrialCombination, expected: Double) {
        #expect(rule.combine([1, 7, 4]) == expected)
        #expect(rule.combine([]) == nil)
    }
}

extension CorrectiveExercise {
    /// The same exercise with some fields changed (the model is immutable).
    func replacing(dosage: Dosage? = nil, problem: MuscleProblem? = nil, contraindications: [Contraindication]? = nil) -> CorrectiveExercise {
        CorrectiveExercise(
            id: id, name: name, muscleGroup: muscleGroup, problem: problem ?? self.problem, sideRule: sideRule,
            instructions: instructions, dosage: dosage ?? self.dosage, contraindications: contraindications ?? self.contraindications,
            sources: sources, location: location)
    }
}
