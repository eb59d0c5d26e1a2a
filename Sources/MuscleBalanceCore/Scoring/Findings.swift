/// Every graded index worse than normal, in a clinician's words: a side (or both) below its norm, an asymmetry, a ratio and whom it blames.
extension BalanceScorer {
    // MARK: Findings

    func findings(results: [TestResult], asymmetries: [AsymmetryResult], ratios: [RatioResult]) -> [Finding] {
        var out: [Finding] = []
        let positions = self.positions(results)
        // Each result graded worse than normal, by a cut-off or against the lower reference
        // limit, is a finding on its side; both sides of one test are one finding.
        var merged: [Int] = []
        for (i, r) in results.enumerated() where !merged.contains(i) {
            let test = balanceProtocol.tests[r.testIndex]
            guard let grade = r.grade, grade > .normal, let group = index.groupOfTest[r.testIndex], let first = reason(r) else { continue }
            var other: (TestResult, (label: String, figure: String, cutoff: Bool))?
            if r.side == .left {
                let j = positions[index.slot(test: r.testIndex, side: .right)]
                if j >= 0, let g = results[j].grade, g > .normal, let second = reason(results[j]) {
                    other = (results[j], second)
                    merged.append(j)
                }
            }
            let problem = self.problem(for: test.quality)
            // "left hip flexors tight: short one-joint hip flexors, Modified Thomas test, hip angle 12.5 deg"
            // "gluteus maximus weak on both sides: below the 5th centile, Hip extension strength z = -3.40 left, -3.21 right"
            var text = sentence(other == nil ? r.side : nil, group, problem, bothSides: other != nil)
            if let (_, second) = other, second.label != first.label {
                text.add(first.label)
                text.add(" (left), ")
                text.add(second.label)
                text.add(" (right)")
            } else {
                text.add(first.label)
            }
            text.add(", ")
            text.add(test.name)
            text.add(" ")
            text.add(first.figure)
            if let (_, second) = other {
                text.add(" left, ")
                text.add(second.figure)
                text.add(" right")
            }
            let worst = max(grade, other?.0.grade ?? grade)
            let basis: Finding.Basis = first.cutoff || other?.1.cutoff == true ? .cutoff(testID: test.id) : .norm(testID: test.id)
            out.append(Finding(
                muscleGroup: group.id, region: group.region, side: other == nil ? r.side : nil, bothSides: other != nil, problem: problem,
                grade: worst, basis: basis, text: text.text))
        }
        for a in asymmetries {
            guard let grade = a.grade, grade > .normal, let side = a.affectedSide, let test = index.tests[a.testID], let group = index.groups[test.muscleGroup],
                let value = a.value
            else { continue }
            let problem: MuscleProblem = test.quality == .strength ? .weak : test.quality == .endurance ? .asymmetric : .tight
            // "right gluteus medius weak: 38.5% asymmetry, z = -1.20"
            var text = sentence(side, group, problem)
            text.add(format(round1(value)))
            if a.formula == .absoluteDifference {
                text.add(" ")
                text.add(test.unit.rawValue)
            } else {
                text.add("%")
            }
            text.add(" asymmetry")
            if let z = find(a.testID, side, in: results, positions)?.z {
                text.add(", z = ")
                text.add(fixed: z, 2)
            }
            out.append(Finding(muscleGroup: group.id, region: group.region, side: side, problem: problem, grade: grade, basis: .asymmetry(testID: test.id), text: text.text))
        }
        for r in ratios {
            guard let grade = r.grade, grade > .normal, let deficient = r.deficient,
                let ratio = index.ratios[r.ratioID]
            else { continue }
            let testID = deficient == .numerator ? ratio.numerator : ratio.denominator
            guard let test = index.tests[testID], let group = index.groups[test.muscleGroup] else { continue }
            let explicit = deficient == .numerator ? ratio.numeratorSide : ratio.denominatorSide
            let side: BodySide? = explicit == .each ? r.side : explicit.flatMap { BodySide(rawValue: $0.rawValue) }
            let sameTest = ratio.numerator == ratio.denominator
            // A ratio blames a muscle only when that muscle's own norm agrees it falls short; a
            // ratio of one test's two sides blames the side that is lower, as an asymmetry does.
            let blamed = find(testID, side, in: results, positions)
            let confirmed = sameTest || blamed.map { Self.belowItsNorm($0.comparisons) } == true
            var text: TextBuilder
            let problem: MuscleProblem
            if confirmed {
                problem = sameTest ? .asymmetric : self.problem(for: test.quality == .flexibility ? .strength : test.quality)
                // "left hip abductors weak: Hip abduction:adduction (left) 0.80, acceptable >= 1 and <= 1.2"
                text = sentence(side, group, problem)
            } else {
                problem = .outOfRange
                // "Hip adduction:abduction out of range: Hip adduction:abduction (right) 0.85, acceptable ...;
                //  the hip adductors' own norm does not show them short (no muscle blamed)"
                text = TextBuilder()
                text.add(ratio.name)
                text.add(" out of range: ")
            }
            text.add(ratio.name)
            if let ratioSide = r.side {
                text.add(" (")
                text.add(ratioSide.rawValue)
                text.add(")")
            }
            text.add(" ")
            text.add(fixed: r.value, Self.digitsShowingOutside(r.value, r.acceptable))
            text.add(", ")
            // The scorer's ratio results carry their ratio's range.
            text.add(ratioRangeTexts[r.ratioID] ?? rangeText(r.acceptable))
            if !confirmed {
                text.add("; ")
                if let side {
                    text.add(side.rawValue)
                    text.add(" ")
                }
                text.add(group.name)
                text.add(blamed == nil || blamed?.comparisons.isEmpty == true ? ": no norm to confirm a deficit" : ": its own norm shows no deficit")
                text.add(", so no muscle is blamed")
            }
            out.append(Finding(
                muscleGroup: group.id, region: ratio.region, side: confirmed ? side : nil, problem: problem, grade: grade,
                basis: .ratio(ratioID: ratio.id), text: text.text))
        }
        // Worst first, then in the protocol's order of muscle groups; keys worked out once.
        let keys = out.map { ($0.grade, -(index.groupOrder[$0.muscleGroup] ?? 0)) }
        return out.indices.sorted { keys[$0] > keys[$1] }.map { out[$0] }
    }

    private func problem(for quality: MuscleQuality) -> MuscleProblem {
        switch quality {
        case .strength: .weak
        case .endurance: .lowEndurance
        case .flexibility: .tight
        }
    }

    private func word(_ problem: MuscleProblem) -> StaticString {
        switch problem {
        case .weak: "weak"
        case .tight: "tight"
        case .lowEndurance: "low endurance"
        case .asymmetric: "weaker side"
        case .outOfRange: "out of range"
        }
    }

    /// A finding's sentence up to its colon: "left gluteus medius weak: ", the side left out
    /// when there is none.
    private func sentence(_ side: BodySide?, _ group: MuscleGroup, _ problem: MuscleProblem, bothSides: Bool = false) -> TextBuilder {
        var text = TextBuilder()
        if let side {
            text.add(side.rawValue)
            text.add(" ")
        }
        text.add(group.name)
        text.add(" ")
        text.add(word(problem))
        if bothSides { text.add(" on both sides") }
        text.add(": ")
        return text
    }

    /// Why a result is graded, for its finding: the cut-off's class, or the centile it is
    /// below; and its figure ("12.5 deg", "z = -3.40", "P3.1"). Nil when it is not graded
    /// worse than normal.
    private func reason(_ r: TestResult) -> (label: String, figure: String, cutoff: Bool)? {
        let test = balanceProtocol.tests[r.testIndex]
        for c in r.comparisons {
            if case .cutoff(let label, _) = c.outcome, let grade = c.grade, grade > .normal {
                return (label, format(round2(r.value)) + " " + test.unit.rawValue, true)
            }
        }
        for c in r.comparisons {
            guard let g = c.graded, g > .normal, let below = c.gradedBelowPercentile else { continue }
            let label = "below the " + ordinal(below) + " centile"
            switch c.outcome {
            case .meanSD(_, _, _, let z, _, _): return (label, "z = " + fixed(z, 2), false)
            case .percentiles(let p, let beyond, _, _): return (label, p.map { "P" + fixed($0, 1) } ?? "P" + (beyond ?? "?"), false)
            case .cutoff: continue
            }
        }
        return nil
    }

    /// Whether a muscle's own norm says it falls short: below its mean or median, or in a
    /// cut-off class worse than normal. No comparison at all is no confirmation.
    static func belowItsNorm(_ comparisons: [NormComparison]) -> Bool {
        comparisons.contains { c in
            guard c.norm.grades else { return false }
            switch c.outcome {
            case .meanSD(_, _, _, let z, _, _): return z < 0
            case .cutoff(_, let grade): return grade > .normal
            case .percentiles(let p, let beyond, _, _): return (p.map { $0 < 50 } ?? false) || beyond?.hasPrefix("<") == true
            }
        }
    }

    /// Two decimals, or as many more (up to six) as it takes for a ratio outside its range not
    /// to print as its bound: 0.995 against "acceptable >= 1" reads 0.995, not 1.00.
    public static func digitsShowingOutside(_ value: Double, _ range: AcceptableRange?) -> Int {
        guard let range else { return 2 }
        let bounds = [range.min, range.above, range.max, range.below].compactMap { $0 }
        var digits = 2
        while digits < 6, bounds.contains(where: { fixed(value, digits) == fixed($0, digits) && SettledFigure.settled(value) != $0 }) {
            digits += 1
        }
        return digits
    }
}
