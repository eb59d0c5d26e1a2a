/// The asymmetry of every bilateral test: the protocol's formula for its quality, the weaker (or tighter) side, and a grade from the protocol's thresholds.
extension BalanceScorer {
    func asymmetries(_ results: [TestResult]) -> [AsymmetryResult] {
        var out: [AsymmetryResult] = []
        let positions = self.positions(results)
        for (t, test) in balanceProtocol.tests.enumerated() where test.sides == .bilateral {
            // The results are slotted by the first test of this id, as `testOrder` finds it.
            let l = positions[index.slot(test: index.firstOfID[t], side: .left)], r = positions[index.slot(test: index.firstOfID[t], side: .right)]
            guard l >= 0, r >= 0 else { continue }
            let left = results[l], right = results[r]
            guard let rule = asymmetryRuleOfTest[t] else {
                out.append(AsymmetryResult(testID: test.id, formula: .absoluteDifference, left: left.value, right: right.value,
                    value: abs(left.value - right.value), affectedSide: affected(left.value, right.value, test.direction),
                    grade: nil, sources: [], noReference: NoReference("the protocol has no asymmetry rule for \(test.quality.rawValue)")))
                continue
            }
            var result = AsymmetryResult(
                testID: test.id, formula: rule.formula, left: left.value, right: right.value, value: nil,
                affectedSide: affected(left.value, right.value, test.direction), grade: nil, sources: rule.sources.ids, noReference: nil)
            let high = max(left.value, right.value), low = min(left.value, right.value)
            let magnitude: Double?
            switch rule.formula {
            // A side that reads 0 against a stronger one is 100% weaker (README's formula); only
            // two zeros, or a negative reading, have no percentage.
            case .percentOfStronger:
                result.value = low >= 0 && high > 0 ? (high - low) / high * 100 : nil
                magnitude = result.value
            case .limbSymmetryIndex:
                result.value = low >= 0 && high > 0 ? low / high * 100 : nil
                magnitude = result.value.map { 100 - $0 }
            case .absoluteDifference:
                result.value = high - low
                magnitude = result.value
            }
            if let value = result.value, !value.isFinite {
                result.value = nil
                result.noReference = NoReference("the difference is out of range")
            } else if result.value == nil {
                result.noReference = NoReference("a percentage needs a side above zero and none below it")
            } else if rule.grades.isEmpty {
                result.noReference = NoReference("no published grade thresholds for \(test.quality.rawValue) asymmetry")
            } else if let magnitude {
                // On the decimals: exactly 10% is 10%, not 9.999999999999998.
                let settled = SettledFigure.settled(magnitude)
                result.grade = rule.grades.last { settled >= $0.atLeast }?.grade ?? .normal
                result.sources = gradedAsymmetrySources[t]
            }
            out.append(result)
        }
        return out
    }

    /// The weaker or tighter side: lower when higher is better, higher when lower is better.
    private func affected(_ left: Double, _ right: Double, _ direction: ScoreDirection) -> BodySide? {
        if left == right { return nil }
        switch direction {
        case .lowerIsBetter: return left > right ? .left : .right
        case .higherIsBetter, .targetBand: return left < right ? .left : .right
        }
    }
}
