/// How far an index is from normal. Ordered: normal < mild < moderate < severe.
public enum Grade: String, Sendable, Hashable, CaseIterable, Comparable {
    case normal, mild, moderate, severe

    /// Declaration order, as a number: `allCases.firstIndex(of:)` built an array on every
    /// comparison, and grades are compared for every result, finding and sort.
    @inlinable
    public var rank: Int {
        switch self {
        case .normal: 0
        case .mild: 1
        case .moderate: 2
        case .severe: 3
        }
    }

    @inlinable
    public static func < (a: Grade, b: Grade) -> Bool { a.rank < b.rank }
}

/// A value at or above a threshold takes its grade; below the first, normal. A grade with no
/// sourced threshold is simply absent.
public struct GradeThreshold: Sendable, Hashable {
    public var grade: Grade
    public var atLeast: Double
    public var sources: SourceReferences
    public var location: SourceLocation

    public init(grade: Grade, atLeast: Double, sources: SourceReferences, location: SourceLocation) {
        self.grade = grade
        self.atLeast = atLeast
        self.sources = sources
        self.location = location
    }
}
