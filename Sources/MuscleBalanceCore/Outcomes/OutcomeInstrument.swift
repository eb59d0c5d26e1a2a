/// A patient-reported outcome instrument as a protocol defines it (`<instrument>`): how the
/// item scores a clinic's own licensed form produced make one score, which way is better, its
/// bands, and the change that matters, each figure with its sources. No questionnaire wording
/// is held: only the copyright line printed beside the score.
public struct OutcomeInstrument: Sendable, Hashable {
    /// How the items make the score.
    public enum Method: String, Sendable, Hashable {
        /// One number as given (pain NRS).
        case value
        /// The items added up (Roland-Morris: the count of "yes").
        case sum
        /// The items' sum as a percentage of the most the answered items could score (Oswestry:
        /// sum / (5 x answered) x 100).
        case percentOfAnswered = "percent-of-answered"
        /// The mean of the activities the patient named (PSFS).
        case mean
        /// A total, a subscale and a risk group (STarT Back), not a change score.
        case stratification
    }

    public enum Direction: String, Sendable, Hashable {
        case lowerIsBetter = "lower-is-better"
        case higherIsBetter = "higher-is-better"
    }

    public var id: String
    public var name: String
    /// The instrument's own version (Oswestry 2.1a).
    public var version: String?
    /// Printed beside the score wherever it is shown.
    public var copyright: String?
    public var method: Method
    public var direction: Direction
    /// The score's range (0-10, 0-100, 0-24).
    public var range: ClosedRange<Double>
    /// Each item's range, in order (Oswestry: ten of 0-5). Empty for `value` and `mean`.
    public var items: [ClosedRange<Int>]
    /// The fewest items answered that still give a score; nil: every item.
    public var minimumAnswered: Int?
    /// Whether a score may be entered as a total (`value`) instead of the items, as a clinic's
    /// form may give only the total.
    public var acceptsTotal: Bool
    /// `mean`: how many activities, and the range of each one's score.
    public var activities: ClosedRange<Int>?
    public var activityRange: ClosedRange<Double>?
    /// Fewer activities than the source asks for are scored, with a warning.
    public var recommendedActivities: Int?
    /// Decimal places of the score, rounded half up (Oswestry 35.555... -> 35.6).
    public var decimals: Int
    /// Bands, lowest first: a score up to and including `upTo` is that band.
    public var bands: [OutcomeBand]
    public var change: OutcomeChangeRule?
    public var recovered: RecoveredRule?
    public var stratification: StratificationRule?
    /// Where the scoring comes from.
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(
        id: String, name: String, version: String? = nil, copyright: String? = nil, method: Method, direction: Direction,
        range: ClosedRange<Double>, items: [ClosedRange<Int>] = [], minimumAnswered: Int? = nil, acceptsTotal: Bool = false, activities: ClosedRange<Int>? = nil,
        activityRange: ClosedRange<Double>? = nil, decimals: Int = 0, bands: [OutcomeBand] = [], change: OutcomeChangeRule? = nil,
        recovered: RecoveredRule? = nil, stratification: StratificationRule? = nil, sources: SourceReferences, location: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.copyright = copyright
        self.method = method
        self.direction = direction
        self.range = range
        self.items = items
        self.minimumAnswered = minimumAnswered
        self.acceptsTotal = acceptsTotal
        self.activities = activities
        self.activityRange = activityRange
        self.decimals = decimals
        self.bands = bands
        self.change = change
        self.recovered = recovered
        self.stratification = stratification
        self.sources = sources
        self.location = location
    }
}

/// A named band of scores (Oswestry 21-40 "moderate disability"), with its source.
public struct OutcomeBand: Sendable, Hashable {
    public var upTo: Double
    public var label: String
    public var sources: SourceReferences

    public init(upTo: Double, label: String, sources: SourceReferences) {
        self.upTo = upTo
        self.label = label
        self.sources = sources
    }
}

/// The change that matters between two visits: an amount (the minimal important change, or
/// the detectable change where the source gives only that), and where the source also gives it,
/// a percentage of the earlier score that an improvement must reach as well.
public struct OutcomeChangeRule: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// What patients judge important (Ostelo 2008).
        case minimalImportant = "minimal-important"
        /// What exceeds measurement error (PSFS, Stratford 1995).
        case detectable
    }

    public var kind: Kind
    public var amount: Double
    /// An improvement must also be at least this percentage of the earlier score.
    public var percentOfBaseline: Double?
    public var sources: SourceReferences

    public init(kind: Kind, amount: Double, percentOfBaseline: Double? = nil, sources: SourceReferences) {
        self.kind = kind
        self.amount = amount
        self.percentOfBaseline = percentOfBaseline
        self.sources = sources
    }
}

/// A score at or better than which a patient counts as recovered (pain NRS 0, Roland-Morris
/// 2 or less: Kamper 2010).
public struct RecoveredRule: Sendable, Hashable {
    public var atMost: Double
    public var sources: SourceReferences

    public init(atMost: Double, sources: SourceReferences) {
        self.atMost = atMost
        self.sources = sources
    }
}

/// A stratification (STarT Back): items counted 1 when positive (an agree/disagree item when
/// 1, a five-point item from its `positiveFrom` answer on), a total, a subscale of some items,
/// and the risk group: high when the subscale reaches `highFrom`, else low up to `lowUpTo` of
/// the total, else medium.
public struct StratificationRule: Sendable, Hashable {
    /// 1-based item numbers of the subscale (STarT: 5-9, the psychosocial items).
    public var subscale: ClosedRange<Int>
    /// Items answered on a longer scale, by 1-based number: the answer from which the item
    /// counts 1 (STarT item 9: 3, "very much").
    public var positiveFrom: [Int: Int]
    public var highFrom: Int
    public var lowUpTo: Int
    public var sources: SourceReferences

    public init(subscale: ClosedRange<Int>, positiveFrom: [Int: Int], highFrom: Int, lowUpTo: Int, sources: SourceReferences) {
        self.subscale = subscale
        self.positiveFrom = positiveFrom
        self.highFrom = highFrom
        self.lowUpTo = lowUpTo
        self.sources = sources
    }
}
