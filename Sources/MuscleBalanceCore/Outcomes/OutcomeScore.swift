/// One instrument's score in one session: the number, or why there is none; the band it falls
/// in; for a stratification its subscale and risk group; whether it counts as recovered.
public struct OutcomeScore: Sendable, Hashable {
    public enum Risk: String, Sendable, Hashable {
        case low, medium, high
    }

    public var instrumentID: String
    /// nil: not scored (`notScored` says why).
    public var score: Double?
    public var notScored: String?
    /// Items answered of the instrument's, when it has items.
    public var answered: Int?
    /// Entered as a total, not as items.
    public var enteredAsTotal: Bool
    public var band: String?
    public var subscale: Int?
    public var risk: Risk?
    /// At or better than the instrument's recovered score; nil when it has none.
    public var recovered: Bool?

    public init(
        instrumentID: String, score: Double?, notScored: String? = nil, answered: Int? = nil, enteredAsTotal: Bool = false, band: String? = nil,
        subscale: Int? = nil, risk: Risk? = nil, recovered: Bool? = nil
    ) {
        self.instrumentID = instrumentID
        self.score = score
        self.notScored = notScored
        self.answered = answered
        self.enteredAsTotal = enteredAsTotal
        self.band = band
        self.subscale = subscale
        self.risk = risk
        self.recovered = recovered
    }
}

/// A score against the same instrument's at an earlier visit, judged by the instrument's
/// change rule.
public struct OutcomeChange: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable {
        /// The improvement reaches the rule (its amount, and its percentage of the earlier score
        /// where the rule has one).
        case improved
        /// The score got worse by at least the rule's amount.
        case worsened
        case withinChange = "within-change"
        /// The instrument has no change rule (a stratification, say).
        case noRule = "no-rule"
    }

    public var instrumentID: String
    public var previous: Double
    public var latest: Double
    /// latest - previous.
    public var change: Double
    /// The improvement as a percentage of the earlier score (positive when better); nil when
    /// the earlier score is 0.
    public var percentImproved: Double?
    public var verdict: Verdict
    public var previousRisk: OutcomeScore.Risk?
    public var latestRisk: OutcomeScore.Risk?

    public init(
        instrumentID: String, previous: Double, latest: Double, change: Double, percentImproved: Double?, verdict: Verdict,
        previousRisk: OutcomeScore.Risk? = nil, latestRisk: OutcomeScore.Risk? = nil
    ) {
        self.instrumentID = instrumentID
        self.previous = previous
        self.latest = latest
        self.change = change
        self.percentImproved = percentImproved
        self.verdict = verdict
        self.previousRisk = previousRisk
        self.latestRisk = latestRisk
    }
}
