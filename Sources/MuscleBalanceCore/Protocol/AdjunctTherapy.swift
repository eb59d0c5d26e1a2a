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
    /// The largest user the device is made for (the inversion table's height and body mass).
    public var userLimits: UserLimits?
    public var dose: DoseLimits
    public var cautions: [Caution]
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(
        id: String, name: String, evidence: String, alongsideExercise: Bool,
        contraindications: [Contraindication], bloodPressureLimit: BloodPressureLimit?, userLimits: UserLimits? = nil,
        dose: DoseLimits, cautions: [Caution], sources: SourceReferences, location: SourceLocation
    ) {
        self.userLimits = userLimits
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

/// The blood pressure at which the therapy is refused: systolic at or above `systolic`, or
/// diastolic at or above `diastolic` (hypertension is defined inclusively: "140/90 mmHg or
/// higher", ESC/ESH 2018, NICE NG136). Offered only below both.
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

extension BloodPressureLimit {
    /// Whether `bp` is at or above the limit, on the whole millimetres as written.
    public func refuses(_ bp: BloodPressure) -> Bool { bp.systolic >= systolic || bp.diastolic >= diastolic }
}

/// The largest user a device is made for: over either, it is not to be used. Each figure is
/// optional; a patient whose height or body mass is not recorded is screened first.
public struct UserLimits: Sendable, Hashable {
    public var heightCmMax: Double?
    public var bodyMassKgMax: Double?
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(heightCmMax: Double?, bodyMassKgMax: Double?, sources: SourceReferences, location: SourceLocation) {
        self.heightCmMax = heightCmMax
        self.bodyMassKgMax = bodyMassKgMax
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
