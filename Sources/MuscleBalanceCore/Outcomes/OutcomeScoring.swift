/// Scores patient-reported outcomes by their instrument's method, and judges the change
/// between two visits. Pure arithmetic on what the clinic entered; every number is checkable by
/// hand (OutcomeScoringTests).
public enum OutcomeScoring {
    /// The score of `entry` by `instrument`. An entry the rules refused (an item out of range)
    /// never gets here; too few items answered is "not scored" with the reason.
    public static func score(_ entry: OutcomeEntry, by instrument: OutcomeInstrument) -> OutcomeScore {
        var result: OutcomeScore
        if let value = entry.value, entry.items == nil, entry.activities.isEmpty {
            result = OutcomeScore(instrumentID: instrument.id, score: value, enteredAsTotal: instrument.method != .value)
        } else {
            switch instrument.method {
            case .value:
                result = OutcomeScore(instrumentID: instrument.id, score: nil, notScored: "no value given")
            case .sum, .percentOfAnswered, .stratification:
                result = items(entry.items ?? [], instrument)
            case .mean:
                result = mean(entry.activities, instrument)
            }
        }
        if let score = result.score {
            result.band = instrument.bands.first { SettledFigure.settled(score) <= $0.upTo }?.label
            if let recovered = instrument.recovered {
                result.recovered = instrument.direction == .lowerIsBetter ? score <= recovered.atMost : score >= recovered.atMost
            }
        }
        return result
    }

    private static func items(_ items: [Int?], _ instrument: OutcomeInstrument) -> OutcomeScore {
        let answered = items.compactMap { $0 }
        let needed = instrument.minimumAnswered ?? instrument.items.count
        guard answered.count >= needed, !answered.isEmpty else {
            return OutcomeScore(
                instrumentID: instrument.id, score: nil,
                notScored: "\(answered.count) of \(instrument.items.count) items answered; the protocol scores \(instrument.name) from \(needed) answered",
                answered: answered.count)
        }
        switch instrument.method {
        case .percentOfAnswered:
            // sum / (most x answered) x 100, rounded half up on the exact fraction: 16 of 9
            // answered is 1600/45 = 35.555..., 35.6 to one decimal.
            let most = instrument.items.first?.upperBound ?? 1
            let scale = power10(instrument.decimals)
            let numerator = answered.reduce(0, +) * 100 * scale
            let denominator = most * answered.count
            let rounded = (2 * numerator + denominator) / (2 * denominator)
            return OutcomeScore(instrumentID: instrument.id, score: Double(rounded) / Double(scale), answered: answered.count)
        case .stratification:
            guard let rule = instrument.stratification else { return OutcomeScore(instrumentID: instrument.id, score: nil, notScored: "the protocol gives no stratification") }
            var total = 0
            var subscale = 0
            for (i, item) in items.enumerated() {
                guard let item else { continue }
                let number = i + 1
                let positive = rule.positiveFrom[number].map { item >= $0 ? 1 : 0 } ?? item
                total += positive
                if rule.subscale.contains(number) { subscale += positive }
            }
            let risk: OutcomeScore.Risk = subscale >= rule.highFrom ? .high : total <= rule.lowUpTo ? .low : .medium
            return OutcomeScore(instrumentID: instrument.id, score: Double(total), answered: answered.count, subscale: subscale, risk: risk)
        default:
            return OutcomeScore(instrumentID: instrument.id, score: Double(answered.reduce(0, +)), answered: answered.count)
        }
    }

    private static func mean(_ activities: [OutcomeEntry.Activity], _ instrument: OutcomeInstrument) -> OutcomeScore {
        guard !activities.isEmpty else { return OutcomeScore(instrumentID: instrument.id, score: nil, notScored: "no activity given") }
        let mean = SettledFigure.settled(activities.reduce(0) { $0 + $1.score } / Double(activities.count))
        return OutcomeScore(instrumentID: instrument.id, score: rounded(mean, instrument.decimals), answered: activities.count)
    }

    /// `value` to `decimals` places, half away from zero.
    static func rounded(_ value: Double, _ decimals: Int) -> Double {
        let scale = Double(power10(decimals))
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    private static func power10(_ n: Int) -> Int { (0..<max(0, n)).reduce(1) { acc, _ in acc * 10 } }

    /// `latest` against `previous` of the same instrument. An improvement counts when it
    /// reaches the rule's amount (a minimal important change is important at exactly its
    /// amount; a detectable change must be exceeded, as every MDC in mbt) and, where the rule
    /// has one, its percentage of the earlier score; a worsening by the amount alone.
    public static func change(from previous: OutcomeScore, to latest: OutcomeScore, by instrument: OutcomeInstrument) -> OutcomeChange? {
        guard let before = previous.score, let now = latest.score else { return nil }
        let change = SettledFigure.settled(now - before)
        let improvement = instrument.direction == .lowerIsBetter ? -change : change
        let percent = before != 0 ? SettledFigure.settled(improvement / abs(before) * 100) : nil
        var verdict = OutcomeChange.Verdict.noRule
        if let rule = instrument.change {
            func reaches(_ amount: Double) -> Bool { rule.kind == .minimalImportant ? amount >= rule.amount : amount > rule.amount }
            if reaches(improvement) && (rule.percentOfBaseline.map { p in percent.map { $0 >= p } ?? false } ?? true) {
                verdict = .improved
            } else if reaches(-improvement) {
                verdict = .worsened
            } else {
                verdict = .withinChange
            }
        }
        return OutcomeChange(
            instrumentID: instrument.id, previous: before, latest: now, change: change, percentImproved: percent, verdict: verdict,
            previousRisk: previous.risk, latestRisk: latest.risk)
    }
}
