/// The three regions whose balance the imbalance index summarises.
public enum BodyRegion: String, Sendable, Hashable, CaseIterable, Comparable {
    case hip, pelvis, spine

    public static func < (a: BodyRegion, b: BodyRegion) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Muscles tested and treated together (gluteus medius and the other hip abductors, say).
/// Immutable, and a class, like `TestDefinition`: every finding and index looks its group up.
public final class MuscleGroup: Sendable {
    public let id: String
    /// The name a clinician uses in a finding: "left gluteus medius weak".
    public let name: String
    public let region: BodyRegion
    public let description: String
    public let location: SourceLocation

    public init(id: String, name: String, region: BodyRegion, description: String, location: SourceLocation) {
        self.id = id
        self.name = name
        self.region = region
        self.description = description
        self.location = location
    }
}
