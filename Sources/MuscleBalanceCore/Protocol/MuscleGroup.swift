/// The three regions whose balance the imbalance index summarises.
public enum BodyRegion: String, Sendable, Hashable, CaseIterable, Comparable {
    case hip, pelvis, spine

    /// Declaration order, as a number (also an index into `allCases`).
    @inlinable
    public var rank: Int {
        switch self {
        case .hip: 0
        case .pelvis: 1
        case .spine: 2
        }
    }

    @inlinable
    public static func < (a: BodyRegion, b: BodyRegion) -> Bool { a.rank < b.rank }
}

/// Muscles tested and treated together (gluteus medius and the other hip abductors, say).
/// Immutable, and a class, like `TestDefinition`: every finding and index looks its group up.
public final class MuscleGroup: Sendable {
    public let id: String
    /// The name a clinician uses in a finding: "left gluteus medius weak".
    public let name: String
    public let region: BodyRegion
    public let description: String
    /// The muscles in a patient's words, for the handout ("the muscles at the side of your
    /// hip"); nil: the handout uses the clinician's name.
    public let plainName: String?
    public let location: SourceLocation

    public init(id: String, name: String, region: BodyRegion, description: String, location: SourceLocation, plainName: String? = nil) {
        self.plainName = plainName
        self.id = id
        self.name = name
        self.region = region
        self.description = description
        self.location = location
    }
}
