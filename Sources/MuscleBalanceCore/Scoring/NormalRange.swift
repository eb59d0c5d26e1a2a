/// The values a norm grades "normal" for one patient, in the test's unit: what a course of
/// care's chart shades behind a test's line, so that a clinician sees where the patient stands
/// against the norm as well as against the baseline. Either end may be open (a test better
/// higher is normal from its lower reference limit up).
public struct NormalRange: Sendable, Hashable {
    public var low: Double?
    public var high: Double?

    public init(low: Double?, high: Double?) {
        self.low = low
        self.high = high
    }
}

/// The protocol's normal limit: the centile below which a norm's value is graded (its least
/// severe threshold's) and the z of that centile, worked out once for a protocol rather than
/// for every result (the inverse normal was 8% of a FHIR export's time).
public struct NormalLimit: Sendable, Hashable {
    public var percentile: Double
    public var z: Double

    /// Nil for a grading with no threshold.
    public init?(_ grading: NormGrading?) {
        guard let limit = grading?.thresholds.map(\.percentileBelow).max() else { return nil }
        percentile = limit
        z = NormalDistribution.quantile(limit / 100)
    }
}

extension NormComparison {
    /// The normal range of this comparison's norm, in the test's unit for a patient of
    /// `bodyMassKg`: for a mean/SD norm the value at the protocol's normal limit (the 5th
    /// centile by default: mean - 1.645 SD for a test better higher); for a percentile table
    /// the table's value at that centile; for cut-offs the classes graded normal. Nil for a
    /// norm shown as information only, a grading that has no threshold, a target-band test,
    /// or normal classes that are not one run.
    public func normalRange(direction: ScoreDirection, grading: NormGrading?, bodyMassKg: Double?) -> NormalRange? {
        normalRange(direction: direction, limit: NormalLimit(grading), bodyMassKg: bodyMassKg)
    }

    /// The same, with the protocol's normal limit worked out beforehand.
    public func normalRange(direction: ScoreDirection, limit normalLimit: NormalLimit?, bodyMassKg: Double?) -> NormalRange? {
        guard norm.grades else { return nil }
        func canonical(_ v: Double?) -> Double? {
            guard let v else { return nil }
            switch norm.unit {
            case .percentOfBodyWeight:
                guard let mass = bodyMassKg, mass > 0 else { return nil }
                return v / 100 * mass * standardGravity
            case .absolute(let unit):
                return unit.toCanonical(v)
            }
        }
        switch norm.kind {
        case .cutoffs(let classes):
            // Class i runs from the bound of the class before it to its own.
            var low: Double?
            var high: Double?
            var inRun = false
            var ended = false
            var previousBound: Double?
            for c in classes {
                if c.grade == .normal {
                    if ended { return nil }
                    if !inRun { low = previousBound; inRun = true }
                    high = c.bound.value
                } else if inRun {
                    inRun = false
                    ended = true
                }
                previousBound = c.bound.value
            }
            guard ended || inRun, low != nil || high != nil else { return nil }
            return NormalRange(low: canonical(low), high: canonical(high))
        case .meanSD, .percentiles:
            guard let normalLimit else { return nil }
            let limit = normalLimit.percentile
            switch (outcome, direction) {
            case (.meanSD(let mean, let sd, _, _, _, _), .higherIsBetter):
                return NormalRange(low: canonical(mean + normalLimit.z * sd), high: nil)
            case (.meanSD(let mean, let sd, _, _, _, _), .lowerIsBetter):
                return NormalRange(low: nil, high: canonical(mean - normalLimit.z * sd))
            case (.percentiles, .higherIsBetter):
                guard case .percentiles(let points) = norm.kind, let at = NormMath.interpolate(at: limit, points) else { return nil }
                return NormalRange(low: canonical(at), high: nil)
            default:
                return nil
            }
        }
    }
}
