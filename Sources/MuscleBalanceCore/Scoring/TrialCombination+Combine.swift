extension TrialCombination {
    /// One value from the trials of a measure, as the protocol says; nil for no trials.
    public func combine(_ trials: [Double]) -> Double? {
        guard !trials.isEmpty else { return nil }
        switch self {
        case .max: return trials.max()
        case .min: return trials.min()
        case .mean: return trials.reduce(0, +) / Double(trials.count)
        case .last: return trials.last
        case .median:
            let sorted = trials.sorted()
            let middle = sorted.count / 2
            return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
        }
    }
}
