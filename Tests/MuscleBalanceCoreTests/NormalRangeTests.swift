@testable import MuscleBalanceCore
import Testing

/// The range a norm grades normal, in the test's unit, that a course chart shades (issue 31):
/// each figure worked by hand.
@Suite("NormalRange: what a norm grades normal, in the test's unit")
struct NormalRangeTests {
    static let here = SourceLocation(line: 1, element: "norm")
    static let refs = SourceReferences(ids: ["s"], location: here)
    static let grading = NormGrading(thresholds: [.init(grade: .mild, percentileBelow: 5, sources: refs, location: here)], note: nil, location: here)

    static func norm(_ kind: ReferenceNorm.Kind, _ unit: NormUnit) -> ReferenceNorm {
        ReferenceNorm(kind: kind, stratum: NormStratum(sex: .male, ageMin: 20, ageMax: 59), unit: unit, sources: refs, note: nil, location: here)
    }

    static func meanSD(_ mean: Double, _ sd: Double, _ unit: NormUnit) -> NormComparison {
        NormComparison(
            outcome: .meanSD(mean: mean, sd: sd, sdDerivedFromCI: false, z: 0, percentOfMean: 100, percentile: 50), value: mean,
            norm: norm(.meanSD(MeanSD(mean: mean, spread: .sd(sd))), unit), normIndex: 0)
    }

    @Test("the 5th centile's z: -1.6448536 (the inverse of the normal CDF)")
    func quantile() {
        #expect(abs(NormalDistribution.quantile(0.05) - -1.6448536269514722) < 1e-9)
        #expect(abs(NormalDistribution.quantile(0.5)) < 1e-12)
        #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(0.01)) - 0.01) < 1e-12)
    }

    @Test("mean/SD, better higher: normal from mean - 1.645 SD up (McKay 2017, men: 170.7 - 1.6449 x 43.9 = 98.49 N)")
    func higherIsBetter() throws {
        let range = try #require(Self.meanSD(170.7, 43.9, .absolute(.newton)).normalRange(direction: .higherIsBetter, grading: Self.grading, bodyMassKg: nil))
        #expect(abs((range.low ?? 0) - 98.490925776830) < 1e-9 && range.high == nil)
    }

    @Test("mean/SD, better lower: normal up to mean + 1.645 SD; none without a grading or for a target band")
    func lowerIsBetter() throws {
        let c = Self.meanSD(10, 2, .absolute(.degree))
        let range = try #require(c.normalRange(direction: .lowerIsBetter, grading: Self.grading, bodyMassKg: nil))
        #expect(range.low == nil && abs((range.high ?? 0) - 13.289707253902944) < 1e-9)
        #expect(c.normalRange(direction: .lowerIsBetter, grading: nil, bodyMassKg: nil) == nil)
        #expect(c.normalRange(direction: .targetBand, grading: Self.grading, bodyMassKg: nil) == nil)
    }

    @Test("%BW: back to newtons by the patient's mass (16.89 - 1.6449 x 2 = 13.600 %BW of 60 kg x 9.80665 = 80.02 N); none without a mass")
    func percentOfBodyWeight() throws {
        let c = Self.meanSD(16.89, 2, .percentOfBodyWeight)
        let range = try #require(c.normalRange(direction: .higherIsBetter, grading: Self.grading, bodyMassKg: 60))
        #expect(abs((range.low ?? 0) - (16.89 - 1.6448536269514722 * 2) / 100 * 60 * 9.80665) < 1e-9)
        #expect(abs((range.low ?? 0) - 80.023) < 0.001)
        #expect(c.normalRange(direction: .higherIsBetter, grading: Self.grading, bodyMassKg: nil)?.low == nil)
    }

    @Test("cut-offs: the run of classes graded normal (Biering-Sorensen: at risk below 176 s, then normal): from 176 up")
    func cutoffs() throws {
        let classes = [
            CutoffClass(label: "at risk", grade: .mild, bound: .below(176), location: Self.here),
            CutoffClass(label: "no prediction", grade: .normal, bound: .atMost(198), location: Self.here),
            CutoffClass(label: "low risk", grade: .normal, bound: .none, location: Self.here),
        ]
        let c = NormComparison(outcome: .cutoff(label: "at risk", grade: .mild), value: 100, norm: Self.norm(.cutoffs(classes), .absolute(.second)), normIndex: 0)
        #expect(c.normalRange(direction: .higherIsBetter, grading: nil, bodyMassKg: nil) == NormalRange(low: 176, high: nil))
        // Normal, then mild, then normal again: not one run, not drawn.
        let split = [classes[1], classes[0], classes[2]]
        let d = NormComparison(outcome: .cutoff(label: "x", grade: .mild), value: 100, norm: Self.norm(.cutoffs(split), .absolute(.second)), normIndex: 0)
        #expect(d.normalRange(direction: .higherIsBetter, grading: nil, bodyMassKg: nil) == nil)
    }

    @Test("a percentile table: its value at the limit's centile, linear between points (P1 10 in, P10 14 in: P5 = 11.78 in = 29.92 cm)")
    func percentiles() throws {
        let points = [PercentilePoint(percentile: 1, value: 10, location: Self.here), PercentilePoint(percentile: 10, value: 14, location: Self.here), PercentilePoint(percentile: 50, value: 17, location: Self.here)]
        let c = NormComparison(outcome: .percentiles(percentile: 50, beyond: nil, median: 17, percentOfMedian: 100), value: 17, norm: Self.norm(.percentiles(points), .absolute(.inch)), normIndex: 0)
        let range = try #require(c.normalRange(direction: .higherIsBetter, grading: Self.grading, bodyMassKg: nil))
        // 10 + (5 - 1) / 9 x 4 = 11.7778 in; x 2.54 = 29.9156 cm.
        #expect(abs((range.low ?? 0) - (10 + 4.0 / 9 * 4) * 2.54) < 1e-9)
    }
}
