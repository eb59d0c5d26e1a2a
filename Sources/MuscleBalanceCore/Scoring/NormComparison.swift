/// How one value compares with one published norm, with everything needed to recompute it.
public struct NormComparison: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// z is signed so that negative is worse than the norm, whatever the test's direction.
        case meanSD(mean: Double, sd: Double, sdDerivedFromCI: Bool, z: Double, percentOfMean: Double?, percentile: Double)
        case cutoff(label: String, grade: Grade)
        /// `percentile` is interpolated between the table's points; outside them it is nil and
        /// `beyond` says on which side ("<10", ">90").
        case percentiles(percentile: Double?, beyond: String?, median: Double?, percentOfMedian: Double?)
    }

    public var outcome: Outcome
    /// The value in the norm's own unit (percent of body weight, inches...).
    public var value: Double
    /// The norm compared with, and where it is among its test's norms: the reports write its
    /// stratum, sources and note, the same for every patient, from text escaped once.
    public let norm: ReferenceNorm
    public let normIndex: Int

    public var unit: NormUnit { norm.unit }
    public var stratum: NormStratum { norm.stratum }
    public var sources: [String] { norm.sources.ids }
    public var note: String? { norm.note }

    /// A mean/SD or percentile comparison's grade against the protocol's `<normGrades>` (nil
    /// where it has none, or the percentile is not known), and the centile it fell below.
    public var graded: Grade?
    public var gradedBelowPercentile: Double?

    /// The cut-off's class grade, or the grade against the lower reference limit.
    /// Nil for a reference the protocol shows as information only.
    public var grade: Grade? {
        guard norm.grades else { return nil }
        if case .cutoff(_, let grade) = outcome { return grade }
        return graded
    }

    init(outcome: Outcome, value: Double, norm: ReferenceNorm, normIndex: Int) {
        self.outcome = outcome
        self.value = value
        self.norm = norm
        self.normIndex = normIndex
    }

    /// The same norm (by identity: norms are immutable and owned by their protocol).
    public static func == (a: NormComparison, b: NormComparison) -> Bool {
        a.outcome == b.outcome && a.value == b.value && a.norm === b.norm && a.normIndex == b.normIndex
            && a.graded == b.graded && a.gradedBelowPercentile == b.gradedBelowPercentile
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(graded)
        hasher.combine(outcome)
        hasher.combine(value)
        hasher.combine(ObjectIdentifier(norm))
        hasher.combine(normIndex)
    }
}

/// A figure that has no reference, and why: said in the report instead of a borrowed norm.
public struct NoReference: Error, Sendable, Hashable {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}

enum NormMath {
    /// Compares `canonical` (in the test's unit) with `norm`, or says why it cannot.
    static func compare(
        _ canonical: Double, with norm: ReferenceNorm, at normIndex: Int, test: TestDefinition, bodyMassKg: Double?
    ) -> Result<NormComparison, NoReference> {
        let value: Double
        switch norm.unit {
        case .percentOfBodyWeight:
            guard let mass = bodyMassKg, mass > 0 else {
                return .failure(NoReference("body mass not recorded; the norm is in % of body weight"))
            }
            // %BW = N / (kg x 9.80665) x 100
            value = SettledFigure.settled(canonical / (mass * standardGravity) * 100)
        case .absolute(let unit):
            // On the decimals: 13 in read as 33.02 cm is 13 in again, on the table's plateau.
            value = SettledFigure.settled(unit.fromCanonical(canonical))
        }
        guard value.isFinite else { return .failure(NoReference("the value is out of range for this norm")) }
        let outcome: NormComparison.Outcome
        switch norm.kind {
        case .meanSD(let m):
            guard let sd = m.standardDeviation, sd > 0 else { return .failure(NoReference("the norm has no usable SD")) }
            let raw = (value - m.mean) / sd
            let z = test.direction == .lowerIsBetter ? -raw : raw
            guard z.isFinite else { return .failure(NoReference("the value is out of range for this norm")) }
            let percent = m.mean > 0 && value >= 0 ? (value / m.mean * 100).finiteOrNil : nil
            var derived = false
            if case .confidenceInterval = m.spread { derived = true }
            outcome = .meanSD(
                mean: m.mean, sd: sd, sdDerivedFromCI: derived, z: z, percentOfMean: percent,
                percentile: NormalDistribution.cdf(z) * 100)
        case .cutoffs(let classes):
            guard let match = classify(value, classes) else { return .failure(NoReference("no cut-off class matches")) }
            outcome = .cutoff(label: match.label, grade: match.grade)
        case .percentiles(let points):
            outcome = percentile(of: value, in: points)
        }
        return .success(
            NormComparison(outcome: outcome, value: value, norm: norm, normIndex: normIndex))
    }

    static func classify(_ value: Double, _ classes: [CutoffClass]) -> CutoffClass? {
        classes.first { c in
            switch c.bound {
            case .below(let bound): value < bound
            case .atMost(let bound): value <= bound
            case .none: true
            case .conflicting: false
            }
        }
    }

    static func percentile(of value: Double, in points: [PercentilePoint]) -> NormComparison.Outcome {
        let median = interpolate(at: 50, points)
        let percentOfMedian = median.flatMap { $0 > 0 ? (value / $0 * 100).finiteOrNil : nil }
        guard let first = points.first, let last = points.last else {
            return .percentiles(percentile: nil, beyond: nil, median: nil, percentOfMedian: nil)
        }
        if value < first.value { return .percentiles(percentile: nil, beyond: "<\(format(first.percentile))", median: median, percentOfMedian: percentOfMedian) }
        if value > last.value { return .percentiles(percentile: nil, beyond: ">\(format(last.percentile))", median: median, percentOfMedian: percentOfMedian) }
        // Within ties (two percentiles with the same value) take the middle of the tied run.
        let equal = points.filter { $0.value == value }
        if let low = equal.first, let high = equal.last {
            let p = (low.percentile + high.percentile) / 2
            return .percentiles(percentile: p, beyond: nil, median: median, percentOfMedian: percentOfMedian)
        }
        for (a, b) in zip(points, points.dropFirst()) where value > a.value && value < b.value {
            let p = a.percentile + (value - a.value) / (b.value - a.value) * (b.percentile - a.percentile)
            return .percentiles(percentile: p, beyond: nil, median: median, percentOfMedian: percentOfMedian)
        }
        return .percentiles(percentile: nil, beyond: nil, median: median, percentOfMedian: percentOfMedian)
    }

    /// The table's value at a percentile, linear between points.
    static func interpolate(at percentile: Double, _ points: [PercentilePoint]) -> Double? {
        if let exact = points.first(where: { $0.percentile == percentile }) { return exact.value }
        for (a, b) in zip(points, points.dropFirst()) where percentile > a.percentile && percentile < b.percentile {
            return a.value + (percentile - a.percentile) / (b.percentile - a.percentile) * (b.value - a.value)
        }
        return nil
    }
}

extension NormComparison {
    /// The comparison graded against the lower reference limit: by the percentile of z, or by
    /// a table's percentile where it is known; below the table's lowest point only when that
    /// point is itself at or under the limit.
    mutating func grade(with grading: NormGrading) {
        guard norm.grades else { return }
        let percentile: Double?
        switch outcome {
        case .meanSD(_, _, _, _, _, let p): percentile = p
        case .cutoff: return
        case .percentiles(let p, let beyond, _, _):
            if let p {
                percentile = p
            } else if let beyond, beyond.hasPrefix("<"), let lowest = norm.lowestPercentile {
                // Under the table's lowest point: known to be under the limit only when that
                // point is itself at or under it (no threshold above it can be told apart).
                percentile = grading.thresholds.contains(where: { lowest <= $0.percentileBelow }) ? lowest - 1e-9 : nil
            } else {
                percentile = nil
            }
        }
        guard let percentile else { return }
        let (grade, threshold) = grading.grade(atPercentile: percentile)
        graded = grade
        gradedBelowPercentile = threshold?.percentileBelow
    }
}

extension Double {
    var finiteOrNil: Double? { isFinite ? self : nil }
}
