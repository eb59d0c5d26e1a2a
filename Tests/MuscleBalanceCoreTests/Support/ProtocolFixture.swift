import MuscleBalanceCore

/// A small protocol and its patients, built from Swift values: the scoring rules' tests need
/// no XML and no file. Its figures are the tests' own, chosen to be worked by hand; they are no
/// clinical reference.
enum Fixture {
    static let here = SourceLocation(line: 1, element: "fixture")
    static func refs(_ ids: String...) -> SourceReferences { SourceReferences(ids: ids, location: here) }

    static func group(_ id: String, _ region: BodyRegion) -> MuscleGroup {
        MuscleGroup(id: id, name: id, region: region, description: "", location: here)
    }

    static func test(
        _ id: String, group: String, quality: MuscleQuality = .strength, unit: MeasurementUnit = .newton,
        sides: TestSides = .bilateral, direction: ScoreDirection = .higherIsBetter, targetBand: TargetBand? = nil,
        mdcs: [MinimalDetectableChange] = [], norms: [ReferenceNorm] = []
    ) -> TestDefinition {
        TestDefinition(
            id: id, name: id, muscleGroup: group, quality: quality, dimension: unit.dimension, unit: unit, sides: sides,
            combine: .max, direction: direction, position: "", plausibleRange: PlausibleRange(min: 0, max: 1000, basis: "fixture", sources: refs("s")),
            targetBand: targetBand, minimalDetectableChanges: mdcs, norms: norms, location: here)
    }

    static func meanSD(_ mean: Double, _ sd: Double, sex: Sex? = nil, ageMin: Int = 18, ageMax: Int? = 99) -> ReferenceNorm {
        ReferenceNorm(
            kind: .meanSD(MeanSD(mean: mean, spread: .sd(sd))), stratum: NormStratum(sex: sex, ageMin: ageMin, ageMax: ageMax),
            unit: .absolute(.newton), sources: refs("s"), note: nil, location: here)
    }

    static func asymmetryRule(_ quality: MuscleQuality, _ formula: AsymmetryFormula, grades: [(Grade, Double)]) -> AsymmetryRule {
        AsymmetryRule(
            quality: quality, formula: formula, grades: grades.map { GradeThreshold(grade: $0.0, atLeast: $0.1, sources: refs("s"), location: here) },
            sources: refs("s"), note: nil, location: here)
    }

    static func ratio(_ id: String, _ numerator: String, _ denominator: String, each: Bool = true, region: BodyRegion = .hip, min: Double?, max: Double?) -> RatioIndex {
        RatioIndex(
            id: id, name: id, region: region, numerator: numerator, numeratorSide: each ? .each : nil, denominator: denominator,
            denominatorSide: each ? .each : nil,
            acceptable: AcceptableRange(min: min, above: nil, max: max, below: nil, outsideGrade: .moderate, sources: refs("s"), location: here),
            note: nil, location: here)
    }

    static func exercise(_ id: String, group: String, problem: MuscleProblem, sides: SideRule = .affectedSide) -> CorrectiveExercise {
        CorrectiveExercise(
            id: id, name: id, muscleGroup: group, problem: problem, sideRule: sides, instructions: "",
            dosage: Dosage(sets: 3, repsMin: 10, repsMax: 15, sources: refs("s")), contraindications: [], sources: refs("s"), location: here)
    }

    static func balanceProtocol(
        groups: [MuscleGroup], tests: [TestDefinition], asymmetryRules: [AsymmetryRule] = [], ratios: [RatioIndex] = [],
        exercises: [CorrectiveExercise] = [], gradePoints: [Grade: Double] = [.normal: 0, .mild: 1, .moderate: 2, .severe: 3],
        regionWeights: [(BodyRegion, Double)] = [(.hip, 1), (.spine, 1)], maxExercises: Int = 6
    ) -> BalanceProtocol {
        BalanceProtocol(
            id: "fixture", version: "1", title: "fixture", sources: [ClinicalSource(id: "s", kind: .cited, citation: "fixture", location: here)],
            conditions: [], muscleGroups: groups, tests: tests, asymmetryRules: asymmetryRules, ratios: ratios,
            imbalanceIndex: ImbalanceIndexDefinition(
                gradePoints: gradePoints, regionWeights: regionWeights.map { RegionWeight(region: $0.0, weight: $0.1, location: here) },
                rationale: "", location: here),
            exercises: exercises,
            plan: PlanRules(maxExercises: maxExercises, reassessmentWeeksMin: 4, reassessmentWeeksMax: 6, reassessmentSources: refs("s"), rationale: "", location: here, reassessmentLocation: here),
            adjuncts: [], location: here)
    }

    /// One reading per (test, side): `value` of the test's unit.
    static func measure(_ test: String, _ side: BodySide?, _ value: Double, unit: MeasurementUnit = .newton) -> Measure {
        Measure(test: test, side: side, unit: unit, unitText: unit.rawValue, value: value, trials: [], note: nil, location: here)
    }

    static func session(_ date: String, _ measures: [Measure]) -> AssessmentSession {
        AssessmentSession(date: CivilDate(date), dateText: date, assessor: nil, bloodPressure: nil, measures: measures, location: here)
    }

    static func patient(sex: Sex? = .female, born: String = "1980-06-01", sessions: [AssessmentSession]) -> Patient {
        Patient(id: "P1", sex: sex, birthDate: CivilDate(born), bodyMassKg: 70, heightCm: 170, conditions: [], sessions: sessions, location: here)
    }

    /// The patient's latest session, scored.
    static func latest(_ p: BalanceProtocol, _ sessions: AssessmentSession...) -> SessionScore {
        BalanceScorer(protocol: p).score(patient(sessions: sessions)).sessions.last!
    }
}
