/// The latest session against the one before: each test against its minimal detectable change, and each asymmetry's change.
extension BalanceScorer {
    // MARK: Progress

    /// Each test and side of the latest session against the session before. A change counts
    /// only beyond the test's minimal detectable change for the patient's sex and the side
    /// (an amount, or a band of latest / previous); exactly at the limit is within it.
    public func progress(from previous: [TestResult], to latest: [TestResult], sex: Sex?) -> [ProgressItem] {
        let positions = self.positions(previous)
        return latest.compactMap { now in
            guard let before = find(now.testID, now.side, in: previous, positions), let test = index.tests[now.testID] else { return nil }
            let change = now.value - before.value
            guard change.isFinite else { return nil }
            let (verdict, mdc) = judgeChange(test, sex: sex, side: now.side, from: before.value, to: now.value)
            return ProgressItem(
                testID: now.testID, side: now.side, previous: before.value, latest: now.value, change: change, mdc: mdc?.value,
                mdcRatioBelow: mdc?.ratioBelow, mdcRatioAbove: mdc?.ratioAbove, mdcPercent: mdc?.percent, verdict: verdict, mdcSources: mdc?.sources.ids ?? [],
                mdcCaveat: mdc?.caveat(for: sex))
        }
    }

    /// A test's change from `before` to `now` against its minimal detectable change for the
    /// patient's sex and the side (an amount, or a band of now / before); exactly at the limit
    /// is within it. Judged on the decimals: 72.9 -> 60.9 is a change of exactly 12.
    func judgeChange(_ test: TestDefinition, sex: Sex?, side: BodySide?, from before: Double, to now: Double) -> (ProgressItem.Verdict, MinimalDetectableChange?) {
        let change = now - before
        let mdc = test.minimalDetectableChange(sex: sex, side: side)
        switch mdc?.isBeyond(from: before, to: now) {
        case .some(true):
            let better = test.direction == .lowerIsBetter ? change < 0 : change > 0
            return (better ? .improved : .worsened, mdc)
        case .some(false): return (.withinMDC, mdc)
        case nil: return (.noMDC, mdc)
        }
    }

    /// Each asymmetry of the latest session beside the same test's in the session before: the
    /// side-to-side difference is what a corrective plan sets out to close.
    func asymmetryProgress(from previous: [AsymmetryResult], to latest: [AsymmetryResult]) -> [AsymmetryChange] {
        latest.compactMap { now in
            guard let nowValue = now.value, let before = previous.first(where: { $0.testID == now.testID && $0.formula == now.formula }),
                let beforeValue = before.value
            else { return nil }
            return AsymmetryChange(
                testID: now.testID, formula: now.formula, previous: beforeValue, latest: nowValue, change: nowValue - beforeValue,
                previousSide: before.affectedSide, latestSide: now.affectedSide)
        }
    }
}
