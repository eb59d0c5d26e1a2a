/// How far an index is from normal. Ordered: normal < mild < moderate < severe.
public enum Grade: String, Sendable, Hashable, CaseIterable, Comparable {
    case normal, mild, moderate, severe

    public static func < (a: Grade, b: Grade) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
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
