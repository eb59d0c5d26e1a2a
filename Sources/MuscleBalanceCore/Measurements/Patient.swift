/// The first line of a clinic file: which protocol it is to be scored against.
public struct MeasurementFileHeader: Sendable, Hashable {
    public var protocolID: String
    public var clinic: String?
    public var location: SourceLocation

    public init(protocolID: String, clinic: String?, location: SourceLocation) {
        self.protocolID = protocolID
        self.clinic = clinic
        self.location = location
    }
}

/// One patient of a clinic file, as measured. Fields the file may leave out are optional; the
/// scorer says which figures their absence leaves without a reference.
public struct Patient: Sendable, Hashable {
    public var id: String
    public var sex: Sex?
    public var birthDate: CivilDate?
    public var bodyMassKg: Double?
    public var heightCm: Double?
    /// The name to greet the patient by on the handout, where the clinic records it; the id
    /// names the patient everywhere else.
    public var name: String?
    public var conditions: [PatientCondition]
    public var sessions: [AssessmentSession]
    public var location: SourceLocation

    public init(
        id: String, sex: Sex?, birthDate: CivilDate?, bodyMassKg: Double?, heightCm: Double?,
        conditions: [PatientCondition], sessions: [AssessmentSession], location: SourceLocation, name: String? = nil
    ) {
        self.name = name
        self.id = id
        self.sex = sex
        self.birthDate = birthDate
        self.bodyMassKg = bodyMassKg
        self.heightCm = heightCm
        self.conditions = conditions
        self.sessions = sessions
        self.location = location
    }
}

/// A condition as the clinic recorded it: the code as written (matched to the protocol's codes
/// and synonyms without regard to case), and when it began and ended where the clinic knows.
/// A session is screened only against the conditions it falls within: one that began after the
/// session, or was resolved before it, is not used for it.
public struct PatientCondition: Sendable, Hashable {
    /// The clinic's own "screened, nothing found": a code, so that a sheet's conditions cell
    /// can say it too.
    public static let noneCode = "none"

    public var code: String
    public var onset: CivilDate?
    public var resolved: CivilDate?
    public var location: SourceLocation

    public init(code: String, onset: CivilDate? = nil, resolved: CivilDate? = nil, location: SourceLocation) {
        self.code = code
        self.onset = onset
        self.resolved = resolved
        self.location = location
    }

    /// Whether the condition is recorded as present on `date`: begun on or before it, not
    /// resolved before it (the day it resolved still counts), and, for a condition the
    /// protocol limits in time, within its span from the onset (the last day counts).
    public func applies(on date: CivilDate, lasting: ConditionDuration?) -> Bool {
        if let onset, date < onset { return false }
        if let resolved, resolved < date { return false }
        if let lasting, let onset, lasting.lastDay(from: onset) < date { return false }
        return true
    }
}

/// Systolic over diastolic, mmHg.
public struct BloodPressure: Sendable, Hashable, CustomStringConvertible {
    public var systolic: Int
    public var diastolic: Int

    public init(systolic: Int, diastolic: Int) {
        self.systolic = systolic
        self.diastolic = diastolic
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let s = Int(parts[0]), let d = Int(parts[1]) else { return nil }
        self.init(systolic: s, diastolic: d)
    }

    public var description: String { "\(systolic)/\(diastolic)" }
}

public struct AssessmentSession: Sendable, Hashable {
    public var date: CivilDate?
    /// The text as written, for messages when it is not a date.
    public var dateText: String
    public var assessor: String?
    public var bloodPressure: BloodPressure?
    /// The day the patient was last screened for the protocol's conditions (usually the
    /// session's own): an adjunct therapy may be offered only after a screen.
    public var screened: CivilDate?
    public var measures: [Measure]
    /// Patient-reported outcomes, after the measures (`<outcome>`).
    public var outcomes: [OutcomeEntry] = []
    /// `episode="start"`: the session begins a new episode of care (its baseline);
    /// `episode="discharge"`: the episode's last. Nil: it continues the episode.
    public var episode: EpisodeMark? = nil
    public var location: SourceLocation

    public init(
        date: CivilDate?, dateText: String, assessor: String?, bloodPressure: BloodPressure?, screened: CivilDate? = nil,
        measures: [Measure], location: SourceLocation
    ) {
        self.date = date
        self.dateText = dateText
        self.assessor = assessor
        self.bloodPressure = bloodPressure
        self.screened = screened
        self.measures = measures
        self.location = location
    }
}

/// Where a session stands in an episode of care.
public enum EpisodeMark: String, Sendable, Hashable, CaseIterable {
    /// The first session of a new episode: the baseline every later visit is judged from.
    case start
    /// The episode's last session; a session after it begins a new episode.
    case discharge
}

/// One test on one side in one session: a single value or several trials.
public struct Measure: Sendable, Hashable {
    public var test: String
    public var side: BodySide?
    /// nil when the file's unit is not one mbt knows (the schema would have said so).
    public var unit: MeasurementUnit?
    public var unitText: String
    public var value: Double?
    public var trials: [Double]
    public var note: String?
    public var location: SourceLocation

    public init(
        test: String, side: BodySide?, unit: MeasurementUnit?, unitText: String, value: Double?,
        trials: [Double], note: String?, location: SourceLocation
    ) {
        self.test = test
        self.side = side
        self.unit = unit
        self.unitText = unitText
        self.value = value
        self.trials = trials
        self.note = note
        self.location = location
    }

    /// Every reading as written, in the file's unit.
    public var readings: [Double] { Self.readings(value: value, trials: trials) }

    /// `readings`, from the two fields: the value (if any) first, then the trials. Trials alone
    /// are shared, not copied: most measures give trials and no value.
    public static func readings(value: Double?, trials: [Double]) -> [Double] {
        guard let value else { return trials }
        return [value] + trials
    }
}
