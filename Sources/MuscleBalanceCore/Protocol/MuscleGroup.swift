/// The three regions whose balance the imbalance index summarises.
public enum BodyRegion: String, Sendable, Hashable, CaseIterable, Comparable {
    case hip, pelvis, spine

    public static func < (a: BodyRegion, b: BodyRegion) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Muscles tested and treated together (gluteus medius and the other hip abductors, say).
public struct MuscleGroup: Sendable, Hashable {
    public var id: String
    /// The name a clinician uses in a finding: "left gluteus medius weak".
    public var name: String
    public var region: BodyRegion
    public var description: String
    public var location: SourceLocation

    public init(id: String, name: String, region: BodyRegion, description: String, location: SourceLocation) {
        self.id = id
        self.name = name
        self.region = region
        self.description = description
        self.location = location
    }
}
