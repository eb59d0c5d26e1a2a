/// Agonist/antagonist and endurance ratios, per side or as the protocol names the sides, graded against their acceptable range.
extension BalanceScorer {
    func ratios(_ results: [TestResult]) -> [RatioResult] {
        var out: [RatioResult] = []
        let positions = self.positions(results)
        /// The value of the result in slot (test index, side), if there is one.
        func value(_ test: Int?, _ side: BodySide?) -> Double? {
            guard let test else { return nil }
            let i = positions[index.slot(test: test, side: side)]
            return i < 0 ? nil : results[i].value
        }
        for (r, ratio) in balanceProtocol.ratios.enumerated() {
            let (numeratorTest, denominatorTest) = ratioTests[r]
            let perSide = ratio.numeratorSide == .each || ratio.denominatorSide == .each
            // Per side: left, then right; otherwise once, with the sides the ratio names.
            for pass in 0..<(perSide ? 2 : 1) {
                let side: BodySide? = perSide ? (pass == 0 ? .left : .right) : nil
                let numeratorSide = ratio.numeratorSide == .each ? side : ratio.numeratorSide.flatMap { BodySide(rawValue: $0.rawValue) }
                let denominatorSide = ratio.denominatorSide == .each ? side : ratio.denominatorSide.flatMap { BodySide(rawValue: $0.rawValue) }
                guard let n = value(numeratorTest, numeratorSide), let d = value(denominatorTest, denominatorSide), d > 0 else { continue }
                let v = n / d
                // Only a denominator far below any plausible reading overflows; the rules refuse
                // such values before scoring, and the core never prints an infinity.
                guard v.isFinite else { continue }
                var result = RatioResult(ratioID: ratio.id, side: side, numerator: n, denominator: d, value: v, grade: nil, acceptable: ratio.acceptable, noReference: nil, deficient: nil)
                if let range = ratio.acceptable {
                    // On the decimals: a ratio of exactly 1.2 is inside "<= 1.2".
                    let settled = SettledFigure.settled(v)
                    if range.contains(settled) {
                        result.grade = .normal
                    } else {
                        result.grade = range.outsideGrade
                        // Below the range the numerator falls short; above it, the denominator.
                        result.deficient = (range.lowerBound.map { settled <= $0 } ?? false) ? .numerator : .denominator
                    }
                } else {
                    result.noReference = NoReference("no acceptable range in the protocol's sources")
                }
                out.append(result)
            }
        }
        return out
    }
}
