/// Which side of a test a ratio takes: one side, or each side in turn.
public enum RatioSide: String, Sendable, Hashable {
    case left, right, each
}

/// An agonist/antagonist or endurance ratio (hamstring:quadriceps, McGill's flexion/extension).
/// Immutable, and a class, like `TestDefinition`: looked up for every ratio of every session.
public final class RatioIndex: Sendable {
    public let id: String
    public let name: String
    public let region: BodyRegion
    public let numerator: String
    public let numeratorSide: RatioSide?
    public let denominator: String
    public let denominatorSide: RatioSide?
    public let acceptable: AcceptableRange?
    public let note: String?
    public let location: SourceLocation

    public init(
        id: String, name: String, region: BodyRegion, numerator: String, numeratorSide: RatioSide?,
        denominator: String, denominatorSide: RatioSide?, acceptable: AcceptableRange?, note: String?,
        location: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.region = region
        self.numerator = numerator
        self.numeratorSide = numeratorSide
        self.denominator = denominator
        self.denominatorSide = denominatorSide
        self.acceptable = acceptable
        self.note = note
        self.location = location
    }
}

/// Where a ratio is acceptable: a lower bound (inclusive `min` or exclusive `above`), an upper
/// bound (inclusive `max` or exclusive `below`), or both.
public struct AcceptableRange: Sendable, Hashable {
    public var min: Double?
    public var above: Double?
    public var max: Double?
    public var below: Double?
    public var outsideGrade: Grade
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(
        min: Double?, above: Double?, max: Double?, below: Double?, outsideGrade: Grade,
        sources: SourceReferences, location: SourceLocation
    ) {
        self.min = min
        self.above = above
        self.max = max
        self.below = below
        self.outsideGrade = outsideGrade
        self.sources = sources
        self.location = location
    }

    public func contains(_ value: Double) -> Bool {
        if let min, value < min { return false }
        if let above, value <= above { return false }
        if let max, value > max { return false }
        if let below, value >= below { return false }
        return true
    }

    public var lowerBound: Double? { min ?? above }
    public var upperBound: Double? { max ?? below }
}
