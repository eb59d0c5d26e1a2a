/// A passive therapy (whole body vibration, inversion) offered only when screening allows,
/// always with its dose limits.
public struct AdjunctTherapy: Sendable {
    public var id: String
    public var name: String
    public var evidence: String
    /// Never instead of the exercise plan.
    public var alongsideExercise: Bool
    public var contraindications: [Contraindication]
    public var bloodPressureLimit: BloodPressureLimit?
    public var dose: DoseLimits
    public var cautions: [Caution]
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(
        id: String, name: String, evidence: String, alongsideExercise: Bool,
        contraindications: [Contraindication], bloodPressureLimit: BloodPressureLimit?, dose: DoseLimits,
        cautions: [Caution], sources: SourceReferences, location: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.evidence = evidence
        self.alongsideExercise = alongsideExercise
        self.contraindications = contraindications
        self.bloodPressureLimit = bloodPressureLimit
        self.dose = dose
        self.cautions = cautions
        self.sources = sources
        self.location = location
    }
}

/// Offered only when both readings are at or under these.
public struct BloodPressureLimit: Sendable, Hashable {
    public var systolic: Int
    public var diastolic: Int
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(systolic: Int, diastolic: Int, sources: SourceReferences, location: SourceLocation) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.sources = sources
        self.location = location
    }
}

public struct DoseLimits: Sendable, Hashable {
    public var startMinutes: Double?
    public var maxMinutesPerSession: Double?
    public var maxMinutesPerDay: Double?
    public var maxSessionsPerWeek: Int?
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(
        startMinutes: Double?, maxMinutesPerSession: Double?, maxMinutesPerDay: Double?,
        maxSessionsPerWeek: Int?, sources: SourceReferences, location: SourceLocation
    ) {
        self.startMinutes = startMinutes
        self.maxMinutesPerSession = maxMinutesPerSession
        self.maxMinutesPerDay = maxMinutesPerDay
        self.maxSessionsPerWeek = maxSessionsPerWeek
        self.sources = sources
        self.location = location
    }

    public var hasFigures: Bool {
        startMinutes != nil || maxMinutesPerSession != nil || maxMinutesPerDay != nil || maxSessionsPerWeek != nil
    }
}

public struct Caution: Sendable, Hashable {
    public var text: String
    public var sources: SourceReferences

    public init(text: String, sources: SourceReferences) {
        self.text = text
        self.sources = sources
    }
}
