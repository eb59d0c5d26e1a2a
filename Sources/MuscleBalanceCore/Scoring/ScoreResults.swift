/// One test on one side in one session: the readings, the value scored, and how it compares
/// with each norm that covers the patient (or why none does).
public struct TestResult: Sendable, Hashable {
    public var testID: String
    /// Where the test stands in the `tests` of the protocol the result was scored against: the
    /// scorer and the reports reach the definition by index, with no id hashed per result.
    public var testIndex: Int
    public var side: BodySide?
    public var trials: [Double]
    public var unit: MeasurementUnit
    /// The trials combined as the protocol says, in the test's canonical unit.
    public var value: Double
    public var comparisons: [NormComparison]
    /// Set when no norm could be used.
    public var noReference: NoReference?

    /// The worst grade any cut-off gives; nil when no cut-off applies.
    public var grade: Grade? { Self.grade(of: comparisons) }

    /// `grade`, from the comparisons alone: a report reading a result in place (through a
    /// pointer) asks this, as calling the property would copy the whole result.
    public static func grade(of comparisons: [NormComparison]) -> Grade? {
        // A loop, not compactMap + max: the reports ask for it several times per result.
        var worst: Grade?
        for c in comparisons {
            if let g = c.grade, worst.map({ g > $0 }) ?? true { worst = g }
        }
        return worst
    }

    /// The z-score of the mean/SD norm, when there is one.
    public var z: Double? {
        for c in comparisons { if case .meanSD(_, _, _, let z, _, _) = c.outcome { return z } }
        return nil
    }
}

public struct AsymmetryResult: Sendable, Hashable {
    public var testID: String
    public var formula: AsymmetryFormula
    public var left: Double
    public var right: Double
    /// Percent for the percentage formulas, the test's unit for an absolute difference; nil
    /// when the formula cannot apply (a zero or negative value in a percentage).
    public var value: Double?
    /// The weaker (or tighter) side; nil when both are equal.
    public var affectedSide: BodySide?
    public var grade: Grade?
    public var sources: [String]
    public var noReference: NoReference?
}

public struct RatioResult: Sendable, Hashable {
    public var ratioID: String
    /// The side of a per-side ratio.
    public var side: BodySide?
    public var numerator: Double
    public var denominator: Double
    public var value: Double
    public var grade: Grade?
    public var acceptable: AcceptableRange?
    public var noReference: NoReference?
    /// Which term the deviation points at, when outside the range.
    public var deficient: RatioTerm?
    /// Graded worse than normal and still not added to the imbalance index, and why.
    public var notCounted: NotCounted? = nil

    public enum NotCounted: String, Sendable, Hashable {
        /// Its deficient muscle is the weaker side of that test's graded asymmetry: one weak
        /// muscle, counted once, with the asymmetry.
        case sameWeakMuscle = "same-weak-muscle"
        /// Both its muscles are within their own norms: it names no deficit.
        case withinOwnNorms = "within-own-norms"
    }
}

public enum RatioTerm: String, Sendable, Hashable, CaseIterable {
    case numerator, denominator
}

/// Something wrong with a muscle group, in the words a clinician uses.
public struct Finding: Sendable, Hashable {
    public enum Basis: Sendable, Hashable {
        case cutoff(testID: String)
        /// Below the lower reference limit of a mean/SD norm or a percentile table.
        case norm(testID: String)
        case asymmetry(testID: String)
        case ratio(ratioID: String)
    }

    public var muscleGroup: String
    public var region: BodyRegion
    public var side: BodySide?
    /// Both sides of a bilateral test are affected: one finding, `side` nil.
    public var bothSides: Bool = false
    public var problem: MuscleProblem
    public var grade: Grade
    public var basis: Basis
    /// "left gluteus medius weak: 31% asymmetry, z = -1.80"
    public var text: String
}

public struct RegionIndex: Sendable, Hashable {
    public var region: BodyRegion
    /// 0 (balanced) to 100; nil when nothing in the region could be graded.
    public var value: Double?
    public var gradedIndices: Int
    public var weight: Double
}

public struct PlannedExercise: Sendable, Hashable {
    public var exerciseID: String
    public var name: String
    public var side: BodySide?
    /// Done on both sides, as one item (`side` nil): both sides are affected, or the exercise's
    /// rule is both sides.
    public var bothSides: Bool = false
    /// Done on both sides, and once more on this side: the muscles are weak on both sides and
    /// this side more (a one-sided finding of the same muscles). One item, not "both sides"
    /// beside "left side only" for the same exercise.
    public var againOn: BodySide? = nil
    public var dosage: Dosage
    /// Sets on this side when the protocol adds sets for the affected side.
    public var sets: Int?
    public var answers: String
    public var grade: Grade
}

public struct WithheldExercise: Sendable, Hashable {
    public var exerciseID: String
    public var reason: String
}

public struct CorrectivePlan: Sendable, Hashable {
    public var exercises: [PlannedExercise]
    /// What the plan's cap left out, in the order it would have come: for the next visit.
    public var deferred: [PlannedExercise] = []
    public var withheld: [WithheldExercise]
    /// Findings for which the library has no exercise.
    public var unanswered: [String]
    public var reassessFrom: CivilDate?
    public var reassessBy: CivilDate?
}

public struct AdjunctDecision: Sendable, Hashable {
    /// What the clinician may do, from the most to the least restrictive: the words the
    /// sources use ("contraindicated"; "not without a physician's approval"), then what is not
    /// yet known, then the only verdict under which the therapy may be given.
    public enum Verdict: String, Sendable, Hashable, CaseIterable, Comparable {
        case notRecommended = "not-recommended"
        case physicianApproval = "physician-approval"
        case screenFirst = "screen-first"
        case mayBeOffered = "may-be-offered"

        var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
        public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }

        /// As a clinician reads it on the report.
        public var words: String {
            switch self {
            case .notRecommended: "not recommended"
            case .physicianApproval: "only with a physician's approval"
            case .screenFirst: "screen first"
            case .mayBeOffered: "may be offered"
            }
        }
    }

    public var adjunctID: String
    public var name: String
    /// The most restrictive verdict of all the reasons; `.mayBeOffered` when there are none.
    public var verdict: Verdict
    public var offered: Bool { verdict == .mayBeOffered }
    /// Why not, when not offered: every reason, each with its own verdict, most restrictive
    /// first and otherwise in the order screened.
    public var reasons: [String]
    /// What to ask before it can be offered, when the conditions were not screened.
    public var ask: [String] = []
    public var dose: DoseLimits
    public var cautions: [String]
    public var alongsideExercise: Bool
}

public struct ProgressItem: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        case improved, worsened
        case withinMDC = "within-mdc"
        case noMDC = "no-mdc"
    }

    public var testID: String
    public var side: BodySide?
    public var previous: Double
    public var latest: Double
    public var change: Double
    public var mdc: Double?
    /// A relative minimal detectable change: the band of latest / previous.
    public var mdcRatioBelow: Double? = nil
    public var mdcRatioAbove: Double? = nil
    /// A relative minimal detectable change: a percentage of the previous value, either way.
    public var mdcPercent: Double? = nil
    public var verdict: Verdict
    /// The sources of the MDC that judged it, and what to know beside it (`caveat(for:)`).
    public var mdcSources: [String] = []
    public var mdcCaveat: String? = nil
}

/// A test's asymmetry now and at the session before (in its formula's unit: % or the test's).
public struct AsymmetryChange: Sendable, Hashable {
    public var testID: String
    public var formula: AsymmetryFormula
    public var previous: Double
    public var latest: Double
    public var change: Double
    public var previousSide: BodySide?
    public var latestSide: BodySide?
}

/// Everything computed for one session.
public struct SessionScore: Sendable, Hashable {
    public var date: CivilDate
    public var age: Int?
    public var bloodPressure: BloodPressure?
    public var assessor: String?
    public var results: [TestResult]
    public var asymmetries: [AsymmetryResult]
    public var ratios: [RatioResult]
    public var findings: [Finding]
    public var regions: [RegionIndex]
    /// Weighted mean of the regions that have a value; nil when none has.
    public var overallIndex: Double?
    /// The worst grade of any graded index (normal when all are normal).
    public var overallGrade: Grade?
    public var plan: CorrectivePlan
    public var adjuncts: [AdjunctDecision]
    /// Against the session before, when there is one.
    public var progress: [ProgressItem]
    /// Each asymmetry against the session before, when there is one.
    public var asymmetryProgress: [AsymmetryChange] = []
    public var previousDate: CivilDate?
    /// The protocol's codes of the conditions in force on this day (the plan and the adjuncts
    /// were screened against these), and whether the patient was screened for them.
    public var conditions: [String] = []
    public var screened: Bool = false
    /// Patient-reported outcomes, in the protocol's order of instruments.
    public var outcomes: [OutcomeScore] = []
    /// Each outcome against the same instrument's latest score at an earlier session.
    public var outcomeProgress: [OutcomeChange] = []
    /// The date of that earlier session, by instrument.
    public var outcomePreviousDates: [String: CivilDate] = [:]
    /// The session's place in its episode of care, as entered.
    public var episode: EpisodeMark? = nil
    /// The course of care up to this session: made for a patient's latest session when its
    /// episode has at least `CourseOfCare.minimumVisits` sessions.
    public var courseOfCare: CourseOfCare? = nil
}

public struct PatientScore: Sendable, Hashable {
    public var patientID: String
    public var sex: Sex?
    public var birthDate: CivilDate?
    public var bodyMassKg: Double?
    public var heightCm: Double?
    /// Every condition the file records, as the protocol's codes (a synonym or another case
    /// matched), in the file's order; `none` included, as the clinic's word.
    public var conditions: [String]
    /// In date order; the last is the latest.
    public var sessions: [SessionScore]
    /// For the handout only (`Patient.name`).
    public var name: String? = nil
}
