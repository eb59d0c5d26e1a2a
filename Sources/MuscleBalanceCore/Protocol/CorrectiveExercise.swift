/// What a test found wrong with a muscle group, which decides the kind of exercise.
public enum MuscleProblem: String, Sendable, Hashable, CaseIterable {
    case weak, tight
    case lowEndurance = "low-endurance"
    case asymmetric
    /// A ratio outside its range whose muscles' own norms do not say which is at fault: a
    /// finding, but no muscle is blamed and no exercise answers it.
    case outOfRange = "out-of-range"
}

/// Which side an exercise is done on. `affectedSide` makes the plan unbalanced on purpose:
/// only the weak or tight side works.
public enum SideRule: String, Sendable, Hashable {
    case affectedSide = "affected-side"
    case bothSides = "both-sides"
    case midline
}

/// Immutable, and a class, like `TestDefinition`: the plan looks exercises up for every finding.
public final class CorrectiveExercise: Sendable {
    public let id: String
    public let name: String
    public let muscleGroup: String
    public let problem: MuscleProblem
    public let sideRule: SideRule
    public let instructions: String
    /// The same in a patient's words, for the handout: no muscle names, no study figures, no
    /// side (the plan item says which side). Nil: the handout shows the instructions.
    public let patientText: String?
    public let dosage: Dosage
    public let contraindications: [Contraindication]
    public let sources: SourceReferences
    public let location: SourceLocation

    public init(
        id: String, name: String, muscleGroup: String, problem: MuscleProblem, sideRule: SideRule,
        instructions: String, dosage: Dosage, contraindications: [Contraindication],
        sources: SourceReferences, location: SourceLocation, patientText: String? = nil
    ) {
        self.patientText = patientText
        self.id = id
        self.name = name
        self.muscleGroup = muscleGroup
        self.problem = problem
        self.sideRule = sideRule
        self.instructions = instructions
        self.dosage = dosage
        self.contraindications = contraindications
        self.sources = sources
        self.location = location
    }
}

/// A dosage from an age on (`<forAge ageMin>` inside `<dosage>`).
public struct AgeDosage: Sendable, Hashable {
    public var ageMin: Int
    public var dosage: Dosage

    public init(ageMin: Int, dosage: Dosage) {
        self.ageMin = ageMin
        self.dosage = dosage
    }
}

/// Only the figures a source gives; the rest stay nil and print as "no reference".
public struct Dosage: Sendable, Hashable {
    public var sets: Int?
    public var extraSetsAffectedSide: Int?
    public var repsMin: Int?
    public var repsMax: Int?
    public var holds: Int?
    public var holdsMax: Int?
    public var holdSecondsMin: Int?
    public var holdSecondsMax: Int?
    public var daysPerWeekMin: Int?
    public var daysPerWeekMax: Int?
    public var sources: SourceReferences
    /// Dosage that replaces these figures from an age on, where the source gives it (ACSM:
    /// longer stretch holds for older adults); the oldest band the patient has reached applies.
    public var forAge: [AgeDosage] = []

    public init(
        sets: Int? = nil, extraSetsAffectedSide: Int? = nil, repsMin: Int? = nil, repsMax: Int? = nil,
        holds: Int? = nil, holdsMax: Int? = nil, holdSecondsMin: Int? = nil, holdSecondsMax: Int? = nil,
        daysPerWeekMin: Int? = nil, daysPerWeekMax: Int? = nil, sources: SourceReferences
    ) {
        self.sets = sets
        self.extraSetsAffectedSide = extraSetsAffectedSide
        self.repsMin = repsMin
        self.repsMax = repsMax
        self.holds = holds
        self.holdsMax = holdsMax
        self.holdSecondsMin = holdSecondsMin
        self.holdSecondsMax = holdSecondsMax
        self.daysPerWeekMin = daysPerWeekMin
        self.daysPerWeekMax = daysPerWeekMax
        self.sources = sources
    }

    /// The dosage for a patient of `age`: the figures of the oldest age band reached replace
    /// these, the others stay; the band's sources follow these. Unknown age: these.
    public func forPatient(age: Int?) -> Dosage {
        guard let age, !forAge.isEmpty else { return self }
        // A loop, not filter + max: the plan asks this for every exercise it lists.
        var reached: AgeDosage?
        for b in forAge where age >= b.ageMin && (reached.map { b.ageMin > $0.ageMin } ?? true) { reached = b }
        guard let band = reached else { return self }
        var d = self
        let o = band.dosage
        d.sets = o.sets ?? sets
        d.repsMin = o.repsMin ?? repsMin
        d.repsMax = o.repsMax ?? repsMax
        d.holds = o.holds ?? holds
        d.holdsMax = o.holdsMax ?? holdsMax
        d.holdSecondsMin = o.holdSecondsMin ?? holdSecondsMin
        d.holdSecondsMax = o.holdSecondsMax ?? holdSecondsMax
        d.daysPerWeekMin = o.daysPerWeekMin ?? daysPerWeekMin
        d.daysPerWeekMax = o.daysPerWeekMax ?? daysPerWeekMax
        d.sources = SourceReferences(ids: sources.ids + o.sources.ids.filter { !sources.ids.contains($0) }, location: o.sources.location)
        d.forAge = []
        return d
    }

    public var hasFigures: Bool {
        [sets, extraSetsAffectedSide, repsMin, repsMax, holds, holdsMax, holdSecondsMin, holdSecondsMax,
         daysPerWeekMin, daysPerWeekMax].contains { $0 != nil }
    }

    /// Pairs that must not run backwards, with their attribute names.
    public var ranges: [(name: String, min: Int, max: Int)] {
        var result: [(String, Int, Int)] = []
        if let a = repsMin, let b = repsMax { result.append(("repsMin/repsMax", a, b)) }
        if let a = holds, let b = holdsMax { result.append(("holds/holdsMax", a, b)) }
        if let a = holdSecondsMin, let b = holdSecondsMax { result.append(("holdSecondsMin/holdSecondsMax", a, b)) }
        if let a = daysPerWeekMin, let b = daysPerWeekMax { result.append(("daysPerWeekMin/daysPerWeekMax", a, b)) }
        return result
    }
}

public struct Contraindication: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case absolute, relative
    }

    public var condition: String
    public var kind: Kind
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(condition: String, kind: Kind, sources: SourceReferences, location: SourceLocation) {
        self.condition = condition
        self.kind = kind
        self.sources = sources
        self.location = location
    }
}

/// How big a plan may get and when to reassess.
public struct PlanRules: Sendable {
    public var maxExercises: Int
    public var reassessmentWeeksMin: Int
    public var reassessmentWeeksMax: Int
    public var reassessmentSources: SourceReferences
    public var rationale: String
    public var location: SourceLocation
    public var reassessmentLocation: SourceLocation

    public init(
        maxExercises: Int, reassessmentWeeksMin: Int, reassessmentWeeksMax: Int,
        reassessmentSources: SourceReferences, rationale: String, location: SourceLocation,
        reassessmentLocation: SourceLocation
    ) {
        self.maxExercises = maxExercises
        self.reassessmentWeeksMin = reassessmentWeeksMin
        self.reassessmentWeeksMax = reassessmentWeeksMax
        self.reassessmentSources = reassessmentSources
        self.rationale = rationale
        self.location = location
        self.reassessmentLocation = reassessmentLocation
    }
}
