/// What a test assesses.
public enum MuscleQuality: String, Sendable, Hashable, CaseIterable {
    case strength, endurance, flexibility
}

/// Whether a test is done on each side or once in the midline.
public enum TestSides: String, Sendable, Hashable {
    case bilateral, midline
}

public enum BodySide: String, Sendable, Hashable, CaseIterable, Comparable {
    case left, right

    public var opposite: BodySide { self == .left ? .right : .left }

    public static func < (a: BodySide, b: BodySide) -> Bool { a == .left && b == .right }
}

/// How several trials of one measure become one value.
public enum TrialCombination: String, Sendable, Hashable, CaseIterable {
    case max, min, mean, median, last
}

/// Which way is good: most tests are better higher; a hip angle in the Thomas test is better
/// lower; some are best inside a band.
public enum ScoreDirection: String, Sendable, Hashable {
    case higherIsBetter = "higher-is-better"
    case lowerIsBetter = "lower-is-better"
    case targetBand = "target-band"
}

/// One test of the protocol: how it is done, read and judged. Immutable, and a class: the
/// scorer and both reports look a test up for every result they handle, and a reference is
/// one count where a copy of this struct was a dozen (2% of a run).
public final class TestDefinition: Sendable {
    public let id: String
    public let name: String
    /// At most 24 characters, for the text report's columns; nil: the name is short enough.
    public let shortName: String?
    /// Where `<name>` is written, for the rule that asks for a short name.
    public let nameLocation: SourceLocation?
    /// What a table row calls the test: the short name, or the name.
    public var label: String { shortName ?? name }
    public let muscleGroup: String
    public let quality: MuscleQuality
    public let dimension: Dimension
    public let unit: MeasurementUnit
    public let sides: TestSides
    public let combine: TrialCombination
    public let direction: ScoreDirection
    public let position: String
    public let plausibleRange: PlausibleRange
    public let targetBand: TargetBand?
    /// By sex and side where the source gives them so; the first that covers a result applies.
    public let minimalDetectableChanges: [MinimalDetectableChange]
    public let norms: [ReferenceNorm]
    public let location: SourceLocation

    public init(
        id: String, name: String, shortName: String? = nil, nameLocation: SourceLocation? = nil, muscleGroup: String, quality: MuscleQuality, dimension: Dimension,
        unit: MeasurementUnit, sides: TestSides, combine: TrialCombination, direction: ScoreDirection,
        position: String, plausibleRange: PlausibleRange, targetBand: TargetBand? = nil,
        minimalDetectableChanges: [MinimalDetectableChange] = [], norms: [ReferenceNorm],
        location: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.shortName = shortName
        self.nameLocation = nameLocation
        self.muscleGroup = muscleGroup
        self.quality = quality
        self.dimension = dimension
        self.unit = unit
        self.sides = sides
        self.combine = combine
        self.direction = direction
        self.position = position
        self.plausibleRange = plausibleRange
        self.targetBand = targetBand
        self.minimalDetectableChanges = minimalDetectableChanges
        self.norms = norms
        self.location = location
    }

    /// The minimal detectable change for a patient of `sex` on `side`: the first written that
    /// covers both (no sex or side on it covers all).
    public func minimalDetectableChange(sex: Sex?, side: BodySide?) -> MinimalDetectableChange? {
        for m in minimalDetectableChanges {
            let sexCovered: Bool = m.sex == nil || m.sex == sex
            let sideCovered: Bool = m.side == nil || m.side == side
            if sexCovered && sideCovered { return m }
        }
        return nil
    }
}

/// Values outside this range are typing or device errors, not patients: a data-entry check.
public struct PlausibleRange: Sendable, Hashable {
    public var min: Double
    public var max: Double
    public var basis: String
    public var sources: SourceReferences

    public init(min: Double, max: Double, basis: String, sources: SourceReferences) {
        self.min = min
        self.max = max
        self.basis = basis
        self.sources = sources
    }

    public func contains(_ value: Double) -> Bool { value >= min && value <= max }
}

public struct TargetBand: Sendable, Hashable {
    public var min: Double
    public var max: Double
    public var sources: SourceReferences

    public init(min: Double, max: Double, sources: SourceReferences) {
        self.min = min
        self.max = max
        self.sources = sources
    }
}

/// The smallest change between two sessions that is more than measurement error: an amount in
/// the test's unit (`value`), a band of the ratio latest / previous (`ratioBelow` to
/// `ratioAbove`, as hand-held myometry's week-to-week limits are published), or a percentage
/// of the earlier value either way (`percent`, as Thorborg 2010 gives hip dynamometry's
/// between-session variation per muscle group). A change exactly at the limit is not beyond it.
public struct MinimalDetectableChange: Sendable, Hashable {
    /// What the source published: a minimal detectable change, or the between-session
    /// variation of the measurement (narrower than an MDC95; the report says which).
    public enum Measure: String, Sendable, Hashable {
        case mdc
        case variation
    }

    public var value: Double?
    public var ratioBelow: Double?
    public var ratioAbove: Double?
    /// A change of more than this percentage of the earlier value, up or down.
    public var percent: Double? = nil
    public var measure: Measure = .mdc
    /// nil (sex="any" or none): every patient.
    public var sex: Sex?
    public var side: BodySide?
    public var note: String?
    public var sources: SourceReferences
    /// Computed from another figure (an SEM x 1.96 x sqrt(2)), not published as an MDC.
    public var derived = false
    /// The source measured only this sex: the report says so when it judges the other.
    public var sampleSex: Sex? = nil

    /// What a reader must know beside a change this figure judged, for a patient of `sex`:
    /// "derived, not published as an MDC; from a sample of women, applied to a man". Nil when
    /// there is nothing to say.
    public func caveat(for sex: Sex?) -> String? {
        var parts: [String] = []
        if measure == .variation { parts.append("between-session variation, not an MDC95") }
        if derived { parts.append("derived, not published as an MDC") }
        if let sampleSex, let sex, sex != sampleSex {
            parts.append("from a sample of \(sampleSex == .female ? "women" : "men"), applied to a \(sex == .female ? "woman" : "man")")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Whether `before` -> `now` is beyond this figure, judged on the settled decimals (72.9 ->
    /// 60.9 is a change of exactly 12; 140 -> 147 exactly 5%); nil when it cannot be judged (a
    /// relative figure from a value of 0 or less).
    public func isBeyond(from before: Double, to now: Double) -> Bool? {
        if let value {
            return SettledFigure.settled(abs(now - before)) > value
        } else if let percent {
            guard before > 0 else { return nil }
            let moved = SettledFigure.settled(abs(now - before) / before * 100)
            return moved.isFinite ? moved > percent : nil
        } else if let ratioBelow, let ratioAbove {
            guard before > 0 else { return nil }
            let ratio = SettledFigure.settled(now / before)
            return ratio.isFinite ? (ratio < ratioBelow || ratio > ratioAbove) : nil
        }
        return nil
    }

    /// The values around `base` that are within this figure (the baseline's band on a chart).
    public func band(around base: Double) -> ClosedRange<Double>? {
        if let value { return (base - value)...(base + value) }
        guard base > 0 else { return nil }
        if let percent { return (base * (1 - percent / 100))...(base * (1 + percent / 100)) }
        if let ratioBelow, let ratioAbove { return (base * ratioBelow)...(base * ratioAbove) }
        return nil
    }

    public init(value: Double?, ratioBelow: Double? = nil, ratioAbove: Double? = nil, percent: Double? = nil, sex: Sex? = nil, side: BodySide? = nil, note: String?, sources: SourceReferences) {
        self.value = value
        self.percent = percent
        self.ratioBelow = ratioBelow
        self.ratioAbove = ratioAbove
        self.sex = sex
        self.side = side
        self.note = note
        self.sources = sources
    }
}
