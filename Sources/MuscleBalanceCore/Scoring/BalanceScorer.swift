/// Scores patients against one protocol. Pure: values in, values out, so every figure can be
/// checked by hand. Lookup tables are built once per protocol, not per measure.
public struct BalanceScorer: Sendable {
    public let balanceProtocol: BalanceProtocol
    private let tests: IDTable<TestDefinition>
    private let groups: IDTable<MuscleGroup>
    private let testOrder: IDTable<Int>
    private let groupOrder: IDTable<Int>
    private let ratioTable: IDTable<RatioIndex>
    /// Each ratio's numerator and denominator tests, by index (as `testOrder` finds them).
    private let ratioTests: [(Int?, Int?)]
    /// "acceptable >= 1 and <= 1.2" for each ratio, by id: the same in every finding.
    private let ratioRangeTexts: IDTable<String>
    /// The muscle group of each test, by index.
    private let groupOfTest: [MuscleGroup?]
    /// By test index: the first test with the same id (itself, in a valid protocol), its
    /// asymmetry rule, and the rule's sources followed by its grades' (a graded asymmetry's).
    private let firstOfID: [Int]
    /// The cautions of each adjunct therapy, by index: shared by every decision.
    private let adjunctCautions: [[String]]
    private let asymmetryRuleOfTest: [AsymmetryRule?]
    private let gradedAsymmetrySources: [[String]]
    /// "no norm for a male aged 37", made once for each sex and common age rather than for
    /// every measure with no norm.
    private let noNormReasons: [[String]]
    /// The indices of each muscle group's exercises, in protocol order.
    private let exercisesByGroup: IDTable<[Int]>
    /// The imbalance index's points for each grade and weight for each region, by rank
    /// (0 where the protocol gives none).
    private let gradePoints: [Double]
    private let regionWeights: [Double]
    /// Which conditions lie within which: a contraindication on a category covers its members.
    private let categories: ConditionCategories
    private let conditionLabels: IDTable<String>

    public init(protocol p: BalanceProtocol) {
        balanceProtocol = p
        categories = ConditionCategories(p.conditions)
        conditionLabels = IDTable(p.conditions.map { ($0.code, $0.label) })
        tests = IDTable(p.tests.map { ($0.id, $0) })
        groups = IDTable(p.muscleGroups.map { ($0.id, $0) })
        testOrder = IDTable(p.tests.enumerated().map { ($0.element.id, $0.offset) })
        groupOrder = IDTable(p.muscleGroups.enumerated().map { ($0.element.id, $0.offset) })
        ratioTable = IDTable(p.ratios.map { ($0.id, $0) })
        let order = testOrder
        ratioTests = p.ratios.map { (order[$0.numerator], order[$0.denominator]) }
        ratioRangeTexts = IDTable(p.ratios.map { ($0.id, rangeText($0.acceptable)) })
        let groupTable = groups
        groupOfTest = p.tests.map { groupTable[$0.muscleGroup] }
        firstOfID = p.tests.enumerated().map { order[$0.element.id] ?? $0.offset }
        adjunctCautions = p.adjuncts.map { $0.cautions.map(\.text) }
        let rules = Dictionary(p.asymmetryRules.map { ($0.quality, $0) }, uniquingKeysWith: { a, _ in a })
        asymmetryRuleOfTest = p.tests.map { rules[$0.quality] }
        gradedAsymmetrySources = p.tests.map { test in
            rules[test.quality].map { $0.sources.ids + $0.grades.flatMap(\.sources.ids) } ?? []
        }
        noNormReasons = Sex.allCases.map { sex in (0...Self.commonAges).map { Self.noNormReason(sex, $0) } }
        var byGroup: [(String, [Int])] = []
        for (index, exercise) in p.exercises.enumerated() {
            if let at = byGroup.firstIndex(where: { $0.0 == exercise.muscleGroup }) {
                byGroup[at].1.append(index)
            } else {
                byGroup.append((exercise.muscleGroup, [index]))
            }
        }
        exercisesByGroup = IDTable(byGroup)
        gradePoints = Grade.allCases.map { p.imbalanceIndex.gradePoints[$0] ?? 0 }
        regionWeights = BodyRegion.allCases.map { region in p.imbalanceIndex.regionWeights.first { $0.region == region }?.weight ?? 0 }
    }

    /// Scores every session of a patient that `MeasurementRules` passed; the latest is also
    /// compared with the one before it.
    public func score(_ patient: Patient) -> PatientScore {
        let dated = patient.sessions.compactMap { s in s.date.map { (s, $0) } }.sorted { $0.1 < $1.1 }
        var sessions: [SessionScore] = []
        var previousResults: [TestResult]?
        var previousDate: CivilDate?
        var previousAsymmetries: [AsymmetryResult]?
        for (session, date) in dated {
            var scored = score(session, on: date, of: patient)
            if let previousResults, let previousDate {
                scored.progress = progress(from: previousResults, to: scored.results, sex: patient.sex)
                scored.previousDate = previousDate
                scored.asymmetryProgress = asymmetryProgress(from: previousAsymmetries ?? [], to: scored.asymmetries)
            }
            previousResults = scored.results
            previousAsymmetries = scored.asymmetries
            previousDate = date
            sessions.append(scored)
        }
        return PatientScore(
            patientID: patient.id, sex: patient.sex, birthDate: patient.birthDate, bodyMassKg: patient.bodyMassKg,
            heightCm: patient.heightCm, conditions: patient.conditions.map(\.code), sessions: sessions)
    }

    // MARK: Session

    func score(_ session: AssessmentSession, on date: CivilDate, of patient: Patient) -> SessionScore {
        let age = patient.birthDate.map { date.age(bornOn: $0) }
        let results = self.results(session.measures, patient: patient, age: age)
        let asymmetries = self.asymmetries(results)
        let ratios = self.ratios(results)
        let findings = self.findings(results: results, asymmetries: asymmetries, ratios: ratios)
        let (regions, overall, overallGrade) = imbalance(results: results, asymmetries: asymmetries, ratios: ratios)
        let plan = self.plan(findings: findings, patient: patient, date: date)
        let adjuncts = balanceProtocol.adjuncts.indices.map { decide(at: $0, patient: patient, session: session) }
        return SessionScore(
            date: date, age: age, bloodPressure: session.bloodPressure, assessor: session.assessor, results: results,
            asymmetries: asymmetries, ratios: ratios, findings: findings, regions: regions, overallIndex: overall,
            overallGrade: overallGrade, plan: plan, adjuncts: adjuncts, progress: [], previousDate: nil)
    }

    /// The session's results in protocol order, then no side, left, right (the side's raw
    /// value, as text, sorts the same way); measures of the same test and side (which the rules
    /// refuse) stay in file order.
    ///
    /// The order is worked out on integer keys and each result made in its place: sorting the
    /// results, and reading the measures through `map`, copied each of them (every String and
    /// array in it retained, then released) about three times per measure.
    func results(_ measures: [Measure], patient: Patient, age: Int?) -> [TestResult] {
        let count = measures.count
        var order: [Int] = []
        order.reserveCapacity(count)
        var results: [TestResult] = []
        results.reserveCapacity(count)
        measures.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<count {
                guard let t = testOrder[base[i].test] else { continue }
                let side = base[i].side
                // (3 x test + side) x count + position: one integer per measure, unique.
                order.append(SideSlot.of(test: t, side: side) * count + i)
            }
            order.sort()
            for key in order {
                let i = key % count
                if let r = result(for: base + i, testIndex: key / count / 3, patient: patient, age: age) { results.append(r) }
            }
        }
        return results
    }

    /// The result of the measure `measure` points at, whose test is the protocol's test
    /// `index` (the pointer lets its fields be read in place: see `Array.forEachInPlace`).
    private func result(for measure: UnsafePointer<Measure>, testIndex index: Int, patient: Patient, age: Int?) -> TestResult? {
        guard let unit = measure.pointee.unit else { return nil }
        let test = balanceProtocol.tests[index]
        guard unit.dimension == test.dimension else { return nil }
        // A value given as such is the result; otherwise the trials (then all the readings)
        // combine. Fields are read one by one: a computed property would copy the measure.
        let combined = measure.pointee.value.map(unit.toCanonical) ?? test.combine.combine(measure.pointee.trials.map(unit.toCanonical))
        guard let value = combined, value.isFinite else { return nil }
        // The result is made once, at the end: one made early and filled in was copied whole
        // on its way out.
        var comparisons: [NormComparison] = []
        let noReference = compare(value, test, measure.pointee.side, patient, age, &comparisons)
        return TestResult(
            testID: test.id, testIndex: index, side: measure.pointee.side,
            trials: Measure.readings(value: measure.pointee.value, trials: measure.pointee.trials), unit: unit, value: value,
            comparisons: comparisons, noReference: noReference)
    }

    /// Compares `value` with each of the test's norms that covers the patient; says why there
    /// is no reference when none can be used.
    private func compare(
        _ value: Double, _ test: TestDefinition, _ side: BodySide?, _ patient: Patient, _ age: Int?, _ comparisons: inout [NormComparison]
    ) -> NoReference? {
        guard !test.norms.isEmpty else { return NoReference("the protocol has no norm for this test") }
        guard let sex = patient.sex, let age else {
            return NoReference(patient.sex == nil ? "sex not recorded" : "birth date not recorded")
        }
        var covered = false
        var reasons: [String] = []
        for (normIndex, norm) in test.norms.enumerated() where norm.stratum.covers(sex: sex, age: age, side: side ?? norm.stratum.side) {
            covered = true
            switch NormMath.compare(value, with: norm, at: normIndex, test: test, bodyMassKg: patient.bodyMassKg) {
            case .success(var comparison):
                if let grading = balanceProtocol.normGrading { comparison.grade(with: grading) }
                comparisons.append(comparison)
            case .failure(let why): reasons.append(why.reason)
            }
        }
        guard covered else { return NoReference(noNorm(sex, age)) }
        return comparisons.isEmpty ? NoReference(reasons.joined(separator: "; ")) : nil
    }

    private static let commonAges = 130

    private static func noNormReason(_ sex: Sex, _ age: Int) -> String { "no norm for a \(sex.rawValue) aged \(age)" }

    private func noNorm(_ sex: Sex, _ age: Int) -> String {
        guard age >= 0 && age <= Self.commonAges else { return Self.noNormReason(sex, age) }
        return noNormReasons[sex == .female ? 0 : 1][age]
    }

    // MARK: Indices

    /// Where each (test, side) first is among `results`: three slots per protocol test (no
    /// side, left, right), -1 where it is not. What `first(where:)` on the id and side finds,
    /// with one lookup per result instead of a scan per test.
    private func positions(_ results: [TestResult]) -> [Int] {
        var positions = [Int](repeating: -1, count: SideSlot.count(tests: balanceProtocol.tests.count))
        for (i, r) in results.enumerated() {
            let t = r.testIndex
            let k = SideSlot.of(test: t, side: r.side)
            if positions[k] < 0 { positions[k] = i }
        }
        return positions
    }

    private func find(_ testID: String, _ side: BodySide?, in results: [TestResult], _ positions: [Int]) -> TestResult? {
        guard let t = testOrder[testID] else { return nil }
        let i = positions[SideSlot.of(test: t, side: side)]
        return i < 0 ? nil : results[i]
    }

    func asymmetries(_ results: [TestResult]) -> [AsymmetryResult] {
        var out: [AsymmetryResult] = []
        let positions = self.positions(results)
        for (t, test) in balanceProtocol.tests.enumerated() where test.sides == .bilateral {
            // The results are slotted by the first test of this id, as `testOrder` finds it.
            let l = positions[SideSlot.of(test: firstOfID[t], side: .left)], r = positions[SideSlot.of(test: firstOfID[t], side: .right)]
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
            case .percentOfStronger:
                result.value = low > 0 ? (high - low) / high * 100 : nil
                magnitude = result.value
            case .limbSymmetryIndex:
                result.value = low > 0 ? low / high * 100 : nil
                magnitude = result.value.map { 100 - $0 }
            case .absoluteDifference:
                result.value = high - low
                magnitude = result.value
            }
            if let value = result.value, !value.isFinite {
                result.value = nil
                result.noReference = NoReference("the difference is out of range")
            } else if result.value == nil {
                result.noReference = NoReference("a percentage needs both sides above zero")
            } else if rule.grades.isEmpty {
                result.noReference = NoReference("no published grade thresholds for \(test.quality.rawValue) asymmetry")
            } else if let magnitude {
                result.grade = rule.grades.last { magnitude >= $0.atLeast }?.grade ?? .normal
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

    func ratios(_ results: [TestResult]) -> [RatioResult] {
        var out: [RatioResult] = []
        let positions = self.positions(results)
        /// The value of the result in slot (test index, side), if there is one.
        func value(_ test: Int?, _ side: BodySide?) -> Double? {
            guard let test else { return nil }
            let i = positions[SideSlot.of(test: test, side: side)]
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
                    if range.contains(v) {
                        result.grade = .normal
                    } else {
                        result.grade = range.outsideGrade
                        // Below the range the numerator falls short; above it, the denominator.
                        result.deficient = (range.lowerBound.map { v <= $0 } ?? false) ? .numerator : .denominator
                    }
                } else {
                    result.noReference = NoReference("no acceptable range in the protocol's sources")
                }
                out.append(result)
            }
        }
        return out
    }

    // MARK: Findings

    func findings(results: [TestResult], asymmetries: [AsymmetryResult], ratios: [RatioResult]) -> [Finding] {
        var out: [Finding] = []
        let positions = self.positions(results)
        // Each result graded worse than normal, by a cut-off or against the lower reference
        // limit, is a finding on its side; both sides of one test are one finding.
        var merged: [Int] = []
        for (i, r) in results.enumerated() where !merged.contains(i) {
            let test = balanceProtocol.tests[r.testIndex]
            guard let grade = r.grade, grade > .normal, let group = groupOfTest[r.testIndex], let first = reason(r) else { continue }
            var other: (TestResult, (label: String, figure: String, cutoff: Bool))?
            if r.side == .left {
                let j = positions[SideSlot.of(test: r.testIndex, side: .right)]
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
            guard let grade = a.grade, grade > .normal, let side = a.affectedSide, let test = tests[a.testID], let group = groups[test.muscleGroup],
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
                let ratio = ratioTable[r.ratioID]
            else { continue }
            let testID = deficient == .numerator ? ratio.numerator : ratio.denominator
            guard let test = tests[testID], let group = groups[test.muscleGroup] else { continue }
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
            text.add(fixed: r.value, 2)
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
        let keys = out.map { ($0.grade, -(groupOrder[$0.muscleGroup] ?? 0)) }
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
            if case .cutoff(let label, let grade) = c.outcome, grade > .normal {
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
            switch c.outcome {
            case .meanSD(_, _, _, let z, _, _): z < 0
            case .cutoff(_, let grade): grade > .normal
            case .percentiles(let p, let beyond, _, _): (p.map { $0 < 50 } ?? false) || beyond?.hasPrefix("<") == true
            }
        }
    }

    // MARK: Imbalance index

    func imbalance(results: [TestResult], asymmetries: [AsymmetryResult], ratios: [RatioResult]) -> ([RegionIndex], Double?, Grade?) {
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
            if let grade = r.grade, let group = groupOfTest[r.testIndex] { add(grade, group.region) }
        }
        // A ratio of one test's two sides (McGill's right/left side bridge) compares the same
        // pair as that test's asymmetry: when both are graded they count once, at the worse
        // grade, in the asymmetry's place.
        var sameTestRatioGrades: [(String, Grade)] = []
        for r in ratios {
            if let grade = r.grade, let ratio = ratioTable[r.ratioID], ratio.numerator == ratio.denominator {
                sameTestRatioGrades.append((ratio.numerator, grade))
            }
        }
        var pairedTests: [String] = []
        for a in asymmetries {
            guard var grade = a.grade, let test = tests[a.testID], let group = groups[test.muscleGroup] else { continue }
            for (testID, g) in sameTestRatioGrades where testID == a.testID {
                grade = max(grade, g)
                pairedTests.append(testID)
            }
            add(grade, group.region)
        }
        for r in ratios {
            guard let grade = r.grade, let ratio = ratioTable[r.ratioID] else { continue }
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

    // MARK: Plan

    /// The exercises that answer the findings, on the sides their rules say. Every finding's
    /// first exercise comes before any finding's second, so the cap cuts alternatives, not
    /// findings; what it cuts is kept as `deferred`. Both sides affected is one item, and a
    /// one-sided finding of the same muscles adds its side again: the extra work stays visible.
    func plan(findings: [Finding], patient: Patient, date: CivilDate) -> CorrectivePlan {
        let conditions = patient.conditions.map(\.code)
        let age = patient.birthDate.map { date.age(bornOn: $0) }
        /// (round, finding, exercise index, side slot: 0 none, 1 left, 2 right, 3 both).
        var candidates: [(round: Int, finding: Int, exercise: Int, slot: Int, order: Int)] = []
        var withheld: [WithheldExercise] = []
        var unanswered: [String] = []
        for (f, finding) in findings.enumerated() {
            let matches = (exercisesByGroup[finding.muscleGroup] ?? []).filter { balanceProtocol.exercises[$0].problem == finding.problem }
            if matches.isEmpty {
                unanswered.append(finding.text)
                continue
            }
            var round = 0
            for index in matches {
                let exercise = balanceProtocol.exercises[index]
                if !exercise.contraindications.isEmpty, let blocked = categories.screen(conditions, against: exercise.contraindications).first {
                    if !withheld.contains(where: { $0.exerciseID == exercise.id }) {
                        withheld.append(WithheldExercise(exerciseID: exercise.id, reason: "contraindicated: " + reason(blocked)))
                    }
                    continue
                }
                let slots: [Int]
                let one = finding.side.map { $0 == .left ? 1 : 2 }
                switch exercise.sideRule {
                case .affectedSide: slots = [finding.bothSides ? 3 : one ?? 0]
                case .bothSides:
                    // One item for both sides, unless the affected side gets extra sets.
                    if exercise.dosage.extraSetsAffectedSide != nil, let one { slots = [one, 3 - one] } else { slots = [finding.side == nil && !finding.bothSides ? 0 : 3] }
                case .midline: slots = [0]
                }
                for slot in slots { candidates.append((round, f, index, slot, candidates.count)) }
                round += 1
            }
            if round == 0 { unanswered.append(finding.text + " (every exercise withheld)") }
        }
        candidates.sort { ($0.round, $0.finding, $0.order) < ($1.round, $1.finding, $1.order) }
        var seen: [Int] = []
        var chosen: [(finding: Int, round: Int, item: PlannedExercise)] = []
        for c in candidates {
            let exercise = balanceProtocol.exercises[c.exercise]
            // A both-sides exercise done on both sides already covers either side alone.
            if exercise.sideRule == .bothSides, c.slot != 0, seen.contains(4 * c.exercise + 3) { continue }
            let key = 4 * c.exercise + c.slot
            guard !seen.contains(key) else { continue }
            seen.append(key)
            let finding = findings[c.finding]
            let side: BodySide? = c.slot == 1 ? .left : c.slot == 2 ? .right : nil
            let dosage = exercise.dosage.forPatient(age: age)
            var sets = dosage.sets
            if let extra = dosage.extraSetsAffectedSide, side != nil, side == finding.side {
                sets = (sets ?? 0) + extra
            }
            chosen.append((c.finding, c.round, PlannedExercise(
                exerciseID: exercise.id, name: exercise.name, side: side, bothSides: c.slot == 3, dosage: dosage, sets: sets,
                answers: finding.text, grade: finding.grade)))
        }
        let cap = balanceProtocol.plan.maxExercises
        let kept = chosen.prefix(cap).sorted { ($0.finding, $0.round) < ($1.finding, $1.round) }.map(\.item)
        let deferred = chosen.dropFirst(cap).map(\.item)
        let hasPlan = !kept.isEmpty
        return CorrectivePlan(
            exercises: kept, deferred: deferred, withheld: withheld, unanswered: unanswered,
            reassessFrom: hasPlan ? date.adding(days: 7 * balanceProtocol.plan.reassessmentWeeksMin) : nil,
            reassessBy: hasPlan ? date.adding(days: 7 * balanceProtocol.plan.reassessmentWeeksMax) : nil)
    }

    // MARK: Adjuncts

    func decide(at index: Int, patient: Patient, session: AssessmentSession) -> AdjunctDecision {
        let adjunct = balanceProtocol.adjuncts[index]
        var reasons: [String] = []
        if !patient.conditions.isEmpty {
            for screened in categories.screen(patient.conditions.map(\.code), against: adjunct.contraindications) {
                reasons.append(reason(screened))
            }
        }
        if let limit = adjunct.bloodPressureLimit {
            if let bp = session.bloodPressure {
                if bp.systolic > limit.systolic || bp.diastolic > limit.diastolic {
                    reasons.append("blood pressure \(bp) mmHg is above the limit of \(limit.systolic)/\(limit.diastolic)")
                }
            } else {
                reasons.append("blood pressure not recorded at this session; it must be at most \(limit.systolic)/\(limit.diastolic) mmHg")
            }
        }
        return AdjunctDecision(
            adjunctID: adjunct.id, name: adjunct.name, offered: reasons.isEmpty, reasons: reasons, dose: adjunct.dose,
            cautions: adjunctCautions[index], alongsideExercise: adjunct.alongsideExercise)
    }

    /// "Heart failure, within heart or circulatory disease (absolute contraindication)": the
    /// patient's own condition first, so the clinician sees what was coded, then the category
    /// the protocol's contraindication names, when it came through one.
    private func reason(_ s: ScreenedContraindication) -> String {
        var text = conditionLabels[s.patientCondition] ?? s.patientCondition
        if let category = s.viaCategory {
            text += ", within " + sentenceCase(conditionLabels[category] ?? category)
        }
        return text + " (\(s.contraindication.kind.rawValue) contraindication)"
    }

    // MARK: Progress

    /// Each test and side of the latest session against the session before. A change counts
    /// only beyond the test's minimal detectable change for the patient's sex and the side
    /// (an amount, or a band of latest / previous); exactly at the limit is within it.
    func progress(from previous: [TestResult], to latest: [TestResult], sex: Sex?) -> [ProgressItem] {
        let positions = self.positions(previous)
        return latest.compactMap { now in
            guard let before = find(now.testID, now.side, in: previous, positions), let test = tests[now.testID] else { return nil }
            let change = now.value - before.value
            guard change.isFinite else { return nil }
            let mdc = test.minimalDetectableChange(sex: sex, side: now.side)
            let beyond: Bool?
            if let value = mdc?.value {
                beyond = abs(change) > value
            } else if let below = mdc?.ratioBelow, let above = mdc?.ratioAbove, before.value > 0 {
                let ratio = now.value / before.value
                beyond = ratio.isFinite ? (ratio < below || ratio > above) : nil
            } else {
                beyond = nil
            }
            let verdict: ProgressItem.Verdict
            switch beyond {
            case .some(true):
                let better = test.direction == .lowerIsBetter ? change < 0 : change > 0
                verdict = better ? .improved : .worsened
            case .some(false): verdict = .withinMDC
            case nil: verdict = .noMDC
            }
            return ProgressItem(
                testID: now.testID, side: now.side, previous: before.value, latest: now.value, change: change, mdc: mdc?.value,
                mdcRatioBelow: mdc?.ratioBelow, mdcRatioAbove: mdc?.ratioAbove, verdict: verdict)
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

func rangeText(_ range: AcceptableRange?) -> String {
    guard let range else { return "no reference range" }
    var parts: [String] = []
    if let min = range.min { parts.append(">= \(format(min))") }
    if let above = range.above { parts.append("> \(format(above))") }
    if let max = range.max { parts.append("<= \(format(max))") }
    if let below = range.below { parts.append("< \(format(below))") }
    return "acceptable " + parts.joined(separator: " and ")
}

/// "Heart or circulatory disease" -> "heart or circulatory disease" inside a sentence; a label
/// that starts with an acronym ("TFL ...") is left as it is.
func sentenceCase(_ label: String) -> String {
    let chars = Array(label)
    guard chars.count > 1, chars[0].isUppercase, chars[1].isLowercase else { return label }
    return chars[0].lowercased() + String(chars.dropFirst())
}

/// "5th", "2.5th", "1st", "2nd", "3rd", "11th": a centile in words.
func ordinal(_ value: Double) -> String {
    let text = format(value)
    guard value == value.rounded(), let n = Int(exactly: value) else { return text + "th" }
    let tens = n % 100
    if (11...13).contains(tens) { return text + "th" }
    switch n % 10 {
    case 1: return text + "st"
    case 2: return text + "nd"
    case 3: return text + "rd"
    default: return text + "th"
    }
}

func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }

/// A number with exactly `digits` decimals ("-1.80"), for reports.
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    // Beyond 2^53 a double has no fraction; its digits are expanded from Swift's shortest form.
    guard let (negative, whole, fraction) = fixedParts(value, digits) else { return expandedInteger(value) }
    var text = (negative ? "-" : "") + String(whole)
    if digits > 0 {
        let f = String(fraction)
        text += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return text
}

/// What `fixed` prints, in parts: the sign, the whole part and the fraction as an integer of
/// `digits` digits; nil where it spells the value out another way (not finite, beyond 2^53).
/// The byte writer of the reports (`appendFixed`) uses the same parts.
public func fixedParts(_ value: Double, _ digits: Int) -> (negative: Bool, whole: Int, fraction: Int)? {
    guard value.isFinite, abs(value) < 9_007_199_254_740_992 else { return nil }
    let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
    let rounded = (abs(value) * scale).rounded() / scale
    let negative = value < 0 && rounded != 0
    var whole = Int(rounded.rounded(.down))
    var fraction = Int(((rounded - Double(whole)) * scale).rounded())
    if fraction >= Int(scale) {
        whole += 1
        fraction -= Int(scale)
    }
    return (negative, whole, fraction)
}

/// "1.25e+20" -> "125000000000000000000": the integer digits of a large double, no exponent.
func expandedInteger(_ value: Double) -> String {
    let text = String(abs(value))
    let parts = text.split(separator: "e")
    let negative = value < 0 ? "-" : ""
    guard parts.count == 2, let exponent = Int(parts[1].replacing("+", with: "")) else {
        return negative + (text.split(separator: ".").first.map(String.init) ?? text)
    }
    let mantissa = parts[0].split(separator: ".")
    let whole = String(mantissa[0])
    let fraction = mantissa.count > 1 ? String(mantissa[1]) : ""
    let digits = whole + fraction
    let zeros = max(0, exponent - fraction.count)
    return negative + String(digits.prefix(whole.count + exponent)) + String(repeating: "0", count: zeros)
}
