@testable import MuscleBalanceCore
import Testing

@Suite("NormGrading (lower reference limit)")
struct NormGradingTests {
    static let here = SourceLocation(line: 1, element: "threshold")
    static let refs = SourceReferences(ids: ["s"], location: here)
    static let grading = NormGrading(thresholds: [
        .init(grade: .mild, percentileBelow: 5, sources: refs, location: here),
        .init(grade: .moderate, percentileBelow: 1, sources: refs, location: here),
    ], note: nil, location: here)

    @Test("below a threshold is its grade; exactly at it is not below it", arguments: [
        (50.0, Grade.normal), (5.0, .normal), (4.999, .mild), (1.0, .mild), (0.5, .moderate),
    ])
    func grade(percentile: Double, expected: Grade) {
        #expect(Self.grading.grade(atPercentile: percentile).grade == expected)
    }

    @Test("a percentile table below its lowest point is graded only when that point is at or under the limit")
    func beyondTheTable() {
        let points = [PercentilePoint(percentile: 10, value: 11, location: Self.here), PercentilePoint(percentile: 50, value: 17, location: Self.here)]
        let table = ReferenceNorm(kind: .percentiles(points), stratum: NormStratum(sex: .male, ageMin: 18, ageMax: 25), unit: .absolute(.inch), sources: Self.refs, note: nil, location: Self.here)
        var below = NormComparison(outcome: .percentiles(percentile: nil, beyond: "<10", median: 17, percentOfMedian: 50), value: 8.5, norm: table, normIndex: 0)
        below.grade(with: Self.grading)
        #expect(below.graded == nil, "<P10 is not known to be under P5")
        let atTen = NormGrading(thresholds: [.init(grade: .mild, percentileBelow: 10, sources: Self.refs, location: Self.here)], note: nil, location: Self.here)
        below.grade(with: atTen)
        #expect(below.graded == .mild && below.gradedBelowPercentile == 10)
    }

    @Test("a cut-off keeps its own class grade")
    func cutoffUntouched() {
        let norm = ReferenceNorm(kind: .cutoffs([]), stratum: NormStratum(sex: nil, ageMin: 18, ageMax: nil), unit: .absolute(.degree), sources: Self.refs, note: nil, location: Self.here)
        var c = NormComparison(outcome: .cutoff(label: "short", grade: .mild), value: 3, norm: norm, normIndex: 0)
        c.grade(with: Self.grading)
        #expect(c.graded == nil && c.grade == .mild)
    }
}
