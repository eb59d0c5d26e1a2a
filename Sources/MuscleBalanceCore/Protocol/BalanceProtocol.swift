/// A protocol definition: what a clinic measures and how each figure is judged. Loaded from a
/// `urn:musclebalance:protocol:1` file; every clinical figure in it names its sources.
public struct BalanceProtocol: Sendable {
    public var id: String
    public var version: String
    public var title: String
    public var sources: [ClinicalSource]
    public var conditions: [ScreeningCondition]
    public var muscleGroups: [MuscleGroup]
    public var tests: [TestDefinition]
    public var asymmetryRules: [AsymmetryRule]
    /// Below which centile of its own norm a value is a finding (`<normGrades>`); nil: none is.
    public var normGrading: NormGrading?
    /// The data-entry check of a session's blood pressure, when the protocol gives one.
    public var bloodPressurePlausible: BloodPressurePlausible?
    /// Whom the protocol is for, and the data-entry checks of a patient's details.
    public var population: Population?
    public var ratios: [RatioIndex]
    public var imbalanceIndex: ImbalanceIndexDefinition
    public var exercises: [CorrectiveExercise]
    public var plan: PlanRules
    public var adjuncts: [AdjunctTherapy]
    /// Patient-reported outcome instruments (`<instruments>`): pain, disability, risk.
    public var instruments: [OutcomeInstrument] = []
    /// The canonical URL of its codes for the clinic's record (`codeSystem`); nil: the
    /// protocol's own URN, `urn:musclebalance:protocol:<id>`.
    public var codeSystem: String? = nil
    public var location: SourceLocation

    public init(
        id: String, version: String, title: String, sources: [ClinicalSource],
        conditions: [ScreeningCondition], muscleGroups: [MuscleGroup], tests: [TestDefinition],
        asymmetryRules: [AsymmetryRule], ratios: [RatioIndex],
        imbalanceIndex: ImbalanceIndexDefinition, exercises: [CorrectiveExercise], plan: PlanRules,
        adjuncts: [AdjunctTherapy], location: SourceLocation, normGrading: NormGrading? = nil
    ) {
        self.normGrading = normGrading
        self.id = id
        self.version = version
        self.title = title
        self.sources = sources
        self.conditions = conditions
        self.muscleGroups = muscleGroups
        self.tests = tests
        self.asymmetryRules = asymmetryRules
        self.ratios = ratios
        self.imbalanceIndex = imbalanceIndex
        self.exercises = exercises
        self.plan = plan
        self.adjuncts = adjuncts
        self.location = location
    }

    public func test(_ id: String) -> TestDefinition? { tests.first { $0.id == id } }
    public func muscleGroup(_ id: String) -> MuscleGroup? { muscleGroups.first { $0.id == id } }
    public func source(_ id: String) -> ClinicalSource? { sources.first { $0.id == id } }
    public func instrument(_ id: String) -> OutcomeInstrument? { instruments.first { $0.id == id } }
    public func hasCondition(_ code: String) -> Bool { conditions.contains { $0.code == code } }
}

/// A citation that figures point at by id.
public struct ClinicalSource: Sendable, Hashable {
    /// How directly the figures were seen, as the reference collection tags them.
    public enum Kind: String, Sendable, Hashable {
        case cited, abstract, secondary, unverified, vendor
        /// Transcribed in public code, not read in the paper.
        case code
    }

    public var id: String
    public var kind: Kind
    public var citation: String
    public var location: SourceLocation

    public init(id: String, kind: Kind, citation: String, location: SourceLocation) {
        self.id = id
        self.kind = kind
        self.citation = citation
        self.location = location
    }
}

/// A data-entry check of blood pressure, as a test's plausible range: a reading outside it is
/// a typing error (999/99), never screened as if it were measured.
public struct BloodPressurePlausible: Sendable, Hashable {
    public var systolic: ClosedRange<Int>
    public var diastolic: ClosedRange<Int>
    public var basis: String
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(systolic: ClosedRange<Int>, diastolic: ClosedRange<Int>, basis: String, sources: SourceReferences, location: SourceLocation) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.basis = basis
        self.sources = sources
        self.location = location
    }
}

/// Whom a protocol is for (its norms' ages) and the plausible ranges of a patient's body mass
/// and height: data-entry checks with their basis, as a test's plausible range.
public struct Population: Sendable, Hashable {
    public var ages: ClosedRange<Int>
    public var bodyMassKg: ClosedRange<Double>
    public var heightCm: ClosedRange<Double>
    public var basis: String
    public var location: SourceLocation

    public init(ages: ClosedRange<Int>, bodyMassKg: ClosedRange<Double>, heightCm: ClosedRange<Double>, basis: String, location: SourceLocation) {
        self.ages = ages
        self.bodyMassKg = bodyMassKg
        self.heightCm = heightCm
        self.basis = basis
        self.location = location
    }
}

/// A condition a patient can be screened for (contraindications refer to these codes).
public struct ScreeningCondition: Sendable, Hashable {
    public var code: String
    public var label: String
    /// The broader conditions this one lies within (`within="heart-disease"`): a
    /// contraindication on any of them covers this one too (`ConditionCategories`).
    public var within: [String]
    /// Other words a clinician types for this code (`afib`, `htn`, `warfarin`): matched without
    /// regard to case, as the code itself is, so that a condition typed as it is spoken still
    /// reaches the screen.
    public var synonyms: [String]
    /// How long after its onset the condition still counts (a fracture within 12 weeks, a joint
    /// replacement within 6 months), with its source; nil when it lasts until resolved.
    public var lasts: ConditionDuration?
    public var location: SourceLocation

    public init(
        code: String, label: String, within: [String] = [], synonyms: [String] = [], lasts: ConditionDuration? = nil,
        location: SourceLocation
    ) {
        self.code = code
        self.label = label
        self.within = within
        self.synonyms = synonyms
        self.lasts = lasts
        self.location = location
    }
}

/// A span of weeks or months after a condition's onset during which it still applies.
public struct ConditionDuration: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable { case weeks, months }
    public var amount: Int
    public var unit: Unit
    public var sources: SourceReferences

    public init(amount: Int, unit: Unit, sources: SourceReferences) {
        self.amount = amount
        self.unit = unit
        self.sources = sources
    }

    /// The last day on which a condition that began on `onset` still applies.
    public func lastDay(from onset: CivilDate) -> CivilDate {
        switch unit {
        case .weeks: return onset.adding(days: 7 * amount)
        case .months: return onset.adding(months: amount)
        }
    }

    public var description: String { "\(amount) \(amount == 1 ? String(unit.rawValue.dropLast()) : unit.rawValue)" }
}

/// The ids of the sources behind one figure, where they are written.
public struct SourceReferences: Sendable, Hashable {
    public var ids: [String]
    public var location: SourceLocation

    public init(ids: [String], location: SourceLocation) {
        self.ids = ids
        self.location = location
    }

    public var isEmpty: Bool { ids.isEmpty }
}
