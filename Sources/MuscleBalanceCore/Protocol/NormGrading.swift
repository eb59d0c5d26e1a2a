/// Where a value stops being within normal variation of its own norm: below a centile (the
/// lower reference limit), on either side or on both. Without it a patient weak on both sides
/// has no asymmetry, no ratio out of range and so no finding at all, which is most patients.
///
/// Each threshold grades a value whose percentile (from z, or read off a percentile table) is
/// below `percentileBelow`; the lowest threshold the value is under gives its grade. Only a
/// percentile that is known counts: "<P10" on a table is not known to be under the 5th centile.
public struct NormGrading: Sendable, Hashable {
    public struct Threshold: Sendable, Hashable {
        public var grade: Grade
        public var percentileBelow: Double
        public var sources: SourceReferences
        public var location: SourceLocation

        public init(grade: Grade, percentileBelow: Double, sources: SourceReferences, location: SourceLocation) {
            self.grade = grade
            self.percentileBelow = percentileBelow
            self.sources = sources
            self.location = location
        }
    }

    /// Least severe first, as written.
    public var thresholds: [Threshold]
    public var note: String?
    public var location: SourceLocation

    public init(thresholds: [Threshold], note: String?, location: SourceLocation) {
        self.thresholds = thresholds
        self.note = note
        self.location = location
    }

    /// The grade of a value at `percentile`: the most severe threshold it is under; normal when
    /// it is under none.
    public func grade(atPercentile percentile: Double) -> (grade: Grade, threshold: Threshold?) {
        var best: Threshold?
        for t in thresholds where percentile < t.percentileBelow {
            if best.map({ t.grade > $0.grade }) ?? true { best = t }
        }
        return (best?.grade ?? .normal, best)
    }
}
