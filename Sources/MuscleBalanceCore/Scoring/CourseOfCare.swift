/// A patient's course of care up to the reported session: the episode's baseline (its first
/// session), every visit since, and for each test and side, asymmetry, ratio, index and outcome
/// score the figure at each visit, the best, and the change against the previous visit and
/// against the baseline, judged by the protocol's measurement error where it gives one. Only
/// sessions dated on or before the reported one are used, so an old report does not change
/// when later visits are added. Made when the episode has a baseline and at least two visits
/// after it (`minimumVisits`): with two, the progress section already says all of it.
public struct CourseOfCare: Sendable, Hashable {
    /// Three visits: a baseline and two reassessments.
    public static let minimumVisits = 3

    /// The episode's first session.
    public var baseline: CivilDate
    /// Every session of the episode up to the reported one, in date order (the baseline first).
    public var visits: [CivilDate]
    /// Whether the reported session is marked as the episode's last (discharge).
    public var discharge: Bool
    public var tests: [CourseLine]
    public var asymmetries: [CourseLine]
    public var ratios: [CourseLine]
    /// The overall index first, then each region's, in the protocol's region order.
    public var indices: [CourseLine]
    public var outcomes: [CourseLine]
    /// The findings against the visit before: new ones, those gone, and those whose grade
    /// changed ("was moderate"), so that an index that rises while the treated deficit
    /// improves says why in words.
    public var findingChanges: [FindingChange] = []

    public init(
        baseline: CivilDate, visits: [CivilDate], discharge: Bool, tests: [CourseLine], asymmetries: [CourseLine], ratios: [CourseLine],
        indices: [CourseLine], outcomes: [CourseLine]
    ) {
        self.baseline = baseline
        self.visits = visits
        self.discharge = discharge
        self.tests = tests
        self.asymmetries = asymmetries
        self.ratios = ratios
        self.indices = indices
        self.outcomes = outcomes
    }
}

extension CourseChange.Verdict {
    /// A test's progress verdict in the course's words: within its MDC is within error.
    init(_ verdict: ProgressItem.Verdict) {
        switch verdict {
        case .improved: self = .improved
        case .worsened: self = .worsened
        case .withinMDC: self = .withinError
        case .noMDC: self = .notJudged
        }
    }

    /// An outcome score's verdict in the course's words.
    init(_ verdict: OutcomeChange.Verdict) {
        switch verdict {
        case .improved: self = .improved
        case .worsened: self = .worsened
        case .withinChange: self = .withinError
        case .noRule: self = .notJudged
        }
    }
}

/// A finding of the reported visit against the visit before.
public struct FindingChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case new, resolved, milder, worse
    }

    public var kind: Kind
    /// The finding's words (the reported visit's; the earlier visit's for one resolved).
    public var text: String
    public var grade: Grade
    /// The grade at the visit before, for a finding milder or worse.
    public var previousGrade: Grade?

    public init(kind: Kind, text: String, grade: Grade, previousGrade: Grade? = nil) {
        self.kind = kind
        self.text = text
        self.grade = grade
        self.previousGrade = previousGrade
    }
}

/// One figure over the visits: a test on a side, an asymmetry, a ratio on a side, an index, or
/// an outcome score.
public struct CourseLine: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case test, asymmetry, ratio, index, outcome
    }

    public var kind: Kind
    /// The test's, ratio's or instrument's id; for an index `overall` or the region's name.
    public var id: String
    public var side: BodySide?
    /// Each visit that has the figure, in date order.
    public var points: [CoursePoint]
    /// The best visit: the highest for a test better higher, the lowest for one better lower,
    /// an asymmetry's or an index's lowest, an outcome's best by its direction; nil for a test
    /// judged against a target band (no direction is better), and for a ratio.
    public var best: CoursePoint?
    /// Against the visit before the reported one, and against the baseline; nil when the
    /// reported visit or the other has no figure.
    public var sincePrevious: CourseChange?
    public var sinceBaseline: CourseChange?
    /// Around the first point, what a later figure must leave to count as a change: a test's
    /// measurement error (an amount either way, or a band of the baseline), an outcome's
    /// minimal important change. Nil where no source gives one.
    public var baselineBand: ClosedRange<Double>? = nil
    /// Where each grade begins, in the figure's own terms (an asymmetry's thresholds): what
    /// its chart draws across.
    public var gradeThresholds: [GradeLine] = []
    /// A test's normal range against its norm at the reported visit, in the test's unit (the
    /// chart shades it); nil where no graded norm applies.
    public var normalRange: NormalRange? = nil

    /// A grade's threshold as a value of the figure.
    public struct GradeLine: Sendable, Hashable {
        public var grade: Grade
        public var value: Double
    }

    public init(kind: Kind, id: String, side: BodySide?, points: [CoursePoint], best: CoursePoint?, sincePrevious: CourseChange?, sinceBaseline: CourseChange?) {
        self.kind = kind
        self.id = id
        self.side = side
        self.points = points
        self.best = best
        self.sincePrevious = sincePrevious
        self.sinceBaseline = sinceBaseline
    }
}

/// A figure at one visit.
public struct CoursePoint: Sendable, Hashable {
    public var date: CivilDate
    /// Days since the episode's baseline (what a chart's time axis is drawn on).
    public var day: Int = 0
    public var value: Double
    /// The grade the visit gave it (a test's against its norm, an asymmetry's, a ratio's, an
    /// index's); nil where there is none.
    public var grade: Grade?
    /// An asymmetry's weaker side; an outcome's risk group is in `label`.
    public var side: BodySide?
    /// A stratification's risk group, an index's grade word: what the point is called.
    public var label: String?

    public init(date: CivilDate, value: Double, grade: Grade? = nil, side: BodySide? = nil, label: String? = nil) {
        self.date = date
        self.value = value
        self.grade = grade
        self.side = side
        self.label = label
    }
}

/// A change between two visits, judged.
public struct CourseChange: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable {
        /// Beyond the source's measurement error (or the instrument's minimal important change),
        /// for the better.
        case improved
        case worsened
        /// Within the source's measurement error: not a change that can be told from noise.
        case withinError = "within-error"
        /// No source gives a measurement error for the figure: not judged.
        case notJudged = "not-judged"
    }

    /// The earlier visit.
    public var from: CivilDate
    /// The earlier figure.
    public var previous: Double
    /// latest - earlier, in the figure's unit.
    public var amount: Double
    /// The change as a percentage of the earlier figure; nil when that is 0.
    public var percent: Double?
    public var days: Int
    public var verdict: Verdict
    /// The sources of the measurement error or change rule that judged it.
    public var sources: [String]
    /// What to know beside the figure that judged it (a derived MDC, another population's).
    public var caveat: String? = nil

    public init(from: CivilDate, previous: Double, amount: Double, percent: Double?, days: Int, verdict: Verdict, sources: [String]) {
        self.from = from
        self.previous = previous
        self.amount = amount
        self.percent = percent
        self.days = days
        self.verdict = verdict
        self.sources = sources
    }
}
