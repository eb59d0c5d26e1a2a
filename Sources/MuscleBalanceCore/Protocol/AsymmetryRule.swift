/// How left and right are compared for the tests of one quality.
public enum AsymmetryFormula: String, Sendable, Hashable, CaseIterable {
    /// (stronger - weaker) / stronger x 100 (Bishop 2016).
    case percentOfStronger = "percent-of-stronger"
    /// weaker / stronger x 100.
    case limbSymmetryIndex = "limb-symmetry-index"
    /// |left - right| in the test's unit: for ranges of motion.
    case absoluteDifference = "absolute-difference"
}

public struct AsymmetryRule: Sendable {
    public var quality: MuscleQuality
    public var formula: AsymmetryFormula
    public var grades: [GradeThreshold]
    public var sources: SourceReferences
    public var note: String?
    public var location: SourceLocation

    public init(
        quality: MuscleQuality, formula: AsymmetryFormula, grades: [GradeThreshold],
        sources: SourceReferences, note: String?, location: SourceLocation
    ) {
        self.quality = quality
        self.formula = formula
        self.grades = grades
        self.sources = sources
        self.note = note
        self.location = location
    }
}
