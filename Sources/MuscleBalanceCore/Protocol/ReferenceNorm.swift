public enum Sex: String, Sendable, Hashable, CaseIterable {
    case female, male
}

/// Who a norm describes: sex (or both), an age band in whole years, and for some bilateral
/// tests a side.
public struct NormStratum: Sendable, Hashable {
    /// nil: both sexes pooled.
    public var sex: Sex?
    public var ageMin: Int
    /// nil: open-ended.
    public var ageMax: Int?
    public var side: BodySide?

    public init(sex: Sex?, ageMin: Int, ageMax: Int?, side: BodySide? = nil) {
        self.sex = sex
        self.ageMin = ageMin
        self.ageMax = ageMax
        self.side = side
    }

    /// Whether a patient of `sex` (nil: not recorded, so only a norm for both sexes) and `age`
    /// falls in this stratum.
    public func covers(sex: Sex?, age: Int, side: BodySide?) -> Bool {
        if let own = self.sex, own != sex { return false }
        if let own = self.side, own != side { return false }
        return age >= ageMin && (ageMax.map { age <= $0 } ?? true)
    }

    /// "female 20-29", "any sex 18+", with the side when there is one.
    public var label: String {
        let who = sex?.rawValue ?? "both sexes"
        let ages = ageMax.map { "\(ageMin)-\($0)" } ?? "\(ageMin)+"
        return side.map { "\(who) \(ages), \($0.rawValue)" } ?? "\(who) \(ages)"
    }
}

/// The unit a norm was published in. Percent of body weight is force relative to body mass.
public enum NormUnit: Sendable, Hashable {
    case absolute(MeasurementUnit)
    case percentOfBodyWeight

    public init?(_ text: String) {
        if text == "%BW" {
            self = .percentOfBodyWeight
        } else if let unit = MeasurementUnit(rawValue: text) {
            self = .absolute(unit)
        } else {
            return nil
        }
    }

    public var symbol: String {
        switch self {
        case .absolute(let unit): unit.rawValue
        case .percentOfBodyWeight: "%BW"
        }
    }

    public var dimension: Dimension {
        switch self {
        case .absolute(let unit): unit.dimension
        case .percentOfBodyWeight: .force
        }
    }
}

/// A published reference for one stratum of one test.
/// Immutable, and a class, like `TestDefinition`: the rules and the scorer walk a test's norms
/// for every measure.
public final class ReferenceNorm: Sendable {
    public enum Kind: Sendable, Hashable {
        case meanSD(MeanSD)
        case cutoffs([CutoffClass])
        case percentiles([PercentilePoint])

        public var name: String {
            switch self {
            case .meanSD: "meanSD"
            case .cutoffs: "cutoffs"
            case .percentiles: "percentiles"
            }
        }
    }

    public let kind: Kind
    /// The lowest percentile of a percentile table; nil for other kinds.
    public var lowestPercentile: Double? {
        if case .percentiles(let points) = kind { return points.first?.percentile }
        return nil
    }
    public let stratum: NormStratum
    public let unit: NormUnit
    public let sources: SourceReferences
    public let note: String?
    /// False for a reference shown as information only: one judgement per result, so where a
    /// test has two references that could grade it, the protocol says which one does.
    public let grades: Bool
    public let location: SourceLocation

    public init(
        kind: Kind, stratum: NormStratum, unit: NormUnit, sources: SourceReferences, note: String?, grades: Bool = true,
        location: SourceLocation
    ) {
        self.grades = grades
        self.kind = kind
        self.stratum = stratum
        self.unit = unit
        self.sources = sources
        self.note = note
        self.location = location
    }
}

/// A mean with its spread: the SD as published, or derived from a published 95% CI and n.
public struct MeanSD: Sendable, Hashable {
    public enum Spread: Sendable, Hashable {
        case sd(Double)
        case confidenceInterval(lower: Double, upper: Double, n: Int)
        case missing
    }

    public var mean: Double
    public var spread: Spread

    public init(mean: Double, spread: Spread) {
        self.mean = mean
        self.spread = spread
    }

    /// SD = (upper - lower) / (2 x 1.96) x sqrt(n) for a CI; nil when there is none.
    public var standardDeviation: Double? {
        switch spread {
        case .sd(let sd): sd
        case .confidenceInterval(let lower, let upper, let n): (upper - lower) / (2 * 1.96) * Double(n).squareRoot()
        case .missing: nil
        }
    }
}

/// One class of a cut-off norm. Classes run in ascending order of value; each but the last
/// ends at its bound.
public struct CutoffClass: Sendable, Hashable {
    public enum UpperBound: Sendable, Hashable {
        case below(Double)
        case atMost(Double)
        case none
        /// Both were written: a protocol error, kept so the rule can say so.
        case conflicting

        public var value: Double? {
            switch self {
            case .below(let v), .atMost(let v): v
            case .none, .conflicting: nil
            }
        }
    }

    public var label: String
    public var grade: Grade
    public var bound: UpperBound
    public var location: SourceLocation

    public init(label: String, grade: Grade, bound: UpperBound, location: SourceLocation) {
        self.label = label
        self.grade = grade
        self.bound = bound
        self.location = location
    }
}

public struct PercentilePoint: Sendable, Hashable {
    public var percentile: Double
    public var value: Double
    public var location: SourceLocation

    public init(percentile: Double, value: Double, location: SourceLocation) {
        self.percentile = percentile
        self.value = value
        self.location = location
    }
}
