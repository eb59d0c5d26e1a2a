/// The graded index per region and overall, from the protocol's grade points and region weights.
extension BalanceScorer {
    // MARK: Imbalance index

    func imbalance(results: [TestResult], asymmetries: [AsymmetryResult], ratios: inout [RatioResult]) -> ([RegionIndex], Double?, Grade?) {
        // Per region (by rank): the points of its grades, added in the order they are found,
        // and how many there are.
        var sums = [Double](repeating: 0, count: BodyRegion.allCases.count)
        var counts = [Int](repeating: 0, count: BodyRegion.allCases.count)
        var worst: Grade?
        func add(_ grade: Grade, _ region: BodyRegion) {
            sums[region.rank] += gradePoints[grade.rank]
            counts[region.rank] += 1
            if worst.map({ grade > $0 }) ?? true { worst = grade }
        }
        for r in results {
            if let grade = r.grade, let group = index.groupOfTest[r.testIndex] { add(grade, group.region) }
        }
        // A ratio of one test's two sides (McGill's right/left side bridge) compares the same
        // pair as that test's asymmetry: when both are graded they count once, at the worse
        // grade, in the asymmetry's place.
        var sameTestRatioGrades: [(String, Grade)] = []
        for r in ratios {
            if let grade = r.grade, let ratio = index.ratios[r.ratioID], ratio.numerator == ratio.denominator {
                sameTestRatioGrades.append((ratio.numerator, grade))
            }
        }
        // A ratio of two tests out of range because its deficient muscle is the weaker side of
        // that test's graded asymmetry is the same weak muscle seen twice: it counts once, at
        // the worse grade, in the asymmetry's place. A ratio out of range whose two muscles are
        // both within their own norms counts for nothing: the index adds up deficits, and such a
        // ratio names none (the abductors of a treated hip grown stronger than the adductors,
        // say); it is still reported, with its finding.
        var ratioCounted = [Bool](repeating: true, count: ratios.count)
        var raisedAsymmetry: [String: Grade] = [:]
        for (i, r) in ratios.enumerated() {
            guard let grade = r.grade, grade > .normal, let ratio = index.ratios[r.ratioID], ratio.numerator != ratio.denominator else { continue }
            if withinOwnNorms(ratio, side: r.side, results: results) {
                ratioCounted[i] = false
                ratios[i].notCounted = .withinOwnNorms
                continue
            }
            guard let term = r.deficient, let side = r.side else { continue }
            let testID = term == .numerator ? ratio.numerator : ratio.denominator
            if let a = asymmetries.first(where: { $0.testID == testID }), let g = a.grade, g > .normal, a.affectedSide == side {
                raisedAsymmetry[testID] = max(raisedAsymmetry[testID] ?? g, grade)
                ratioCounted[i] = false
                ratios[i].notCounted = .sameWeakMuscle
            }
        }
        var pairedTests: [String] = []
        for a in asymmetries {
            guard var grade = a.grade, let test = index.tests[a.testID], let group = index.groups[test.muscleGroup] else { continue }
            for (testID, g) in sameTestRatioGrades where testID == a.testID {
                grade = max(grade, g)
                pairedTests.append(testID)
            }
            if let raised = raisedAsymmetry[a.testID] { grade = max(grade, raised) }
            add(grade, group.region)
        }
        for (i, r) in ratios.enumerated() {
            guard let grade = r.grade, let ratio = index.ratios[r.ratioID], ratioCounted[i] else { continue }
            if ratio.numerator == ratio.denominator, pairedTests.contains(ratio.numerator) { continue }
            add(grade, ratio.region)
        }
        var regions: [RegionIndex] = []
        regions.reserveCapacity(BodyRegion.allCases.count)
        var weighted = 0.0, weights = 0.0
        for region in BodyRegion.allCases {
            let weight = regionWeights[region.rank]
            let count = counts[region.rank]
            let value = count == 0 ? nil : sums[region.rank] / Double(count)
            if let value, weight > 0 {
                weighted += weight * value
                weights += weight
            }
            regions.append(RegionIndex(region: region, value: value, gradedIndices: count, weight: weight))
        }
        return (regions, weights > 0 ? weighted / weights : nil, worst)
    }

    /// Whether both muscles of a two-test ratio on `side` were graded normal against their own
    /// norms this session (a muscle with no norm is not: nothing confirms it is within one).
    func withinOwnNorms(_ ratio: RatioIndex, side: BodySide?, results: [TestResult]) -> Bool {
        func normal(_ testID: String, _ termSide: RatioSide?) -> Bool {
            let wanted: BodySide? = termSide == .each ? side : termSide.flatMap { BodySide(rawValue: $0.rawValue) }
            return results.first { $0.testID == testID && $0.side == wanted }?.grade == .normal
        }
        return normal(ratio.numerator, ratio.numeratorSide) && normal(ratio.denominator, ratio.denominatorSide)
    }
}
