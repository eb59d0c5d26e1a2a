/// The protocol's weights for the imbalance index: points per grade, weight per region.
public struct ImbalanceIndexDefinition: Sendable {
    public var gradePoints: [Grade: Double]
    public var regionWeights: [RegionWeight]
    public var rationale: String
    public var location: SourceLocation

    public init(gradePoints: [Grade: Double], regionWeights: [RegionWeight], rationale: String, location: SourceLocation) {
        self.gradePoints = gradePoints
        self.regionWeights = regionWeights
        self.rationale = rationale
        self.location = location
    }
}

public struct RegionWeight: Sendable, Hashable {
    public var region: BodyRegion
    public var weight: Double
    public var location: SourceLocation

    public init(region: BodyRegion, weight: Double, location: SourceLocation) {
        self.region = region
        self.weight = weight
        self.location = location
    }
}
