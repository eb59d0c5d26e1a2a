/// Scores patients against one protocol. Pure: values in, values out, so every figure can be
/// checked by hand. Lookup tables are built once per protocol, not per measure.
public struct BalanceScorer: Sendable {
    /// The protocol's lookups, shared with the rules and the reports.
    public let index: ProtocolIndex
    public var balanceProtocol: BalanceProtocol { index.balanceProtocol }
    /// Each ratio's numerator and denominator tests, by index (as `testOrder` finds them).
    let ratioTests: [(Int?, Int?)]
    /// "acceptable >= 1 and <= 1.2" for each ratio, by id: the same in every finding.
    let ratioRangeTexts: IDTable<String>
    /// The cautions of each adjunct therapy, by index: shared by every decision.
    let adjunctCautions: [[String]]
    /// What to ask an unscreened patient before each adjunct therapy, by index.
    let adjunctAsk: [[String]]
    /// By test index: its asymmetry rule, and the rule's sources followed by its grades' (a
    /// graded asymmetry's).
    let asymmetryRuleOfTest: [AsymmetryRule?]
    let gradedAsymmetrySources: [[String]]
    /// "no norm for a male aged 37", made once for each sex and common age rather than for
    /// every measure with no norm.
    private let noNormReasons: [[String]]
    /// The indices of each muscle group's exercises, in protocol order.
    let exercisesByGroup: IDTable<[Int]>
    /// The imbalance index's points for each grade and weight for each region, by rank
    /// (0 where the protocol gives none).
    let gradePoints: [Double]
    let regionWeights: [Double]

    public init(protocol p: BalanceProtocol) {
        self.init(index: ProtocolIndex(p))
    }

    public init(index: ProtocolIndex) {
        self.index = index
        let p = index.balanceProtocol
        let order = index.testOrder
        ratioTests = p.ratios.map { (order[$0.numerator], order[$0.denominator]) }
        ratioRangeTexts = IDTable(p.ratios.map { ($0.id, rangeText($0.acceptable)) })
        adjunctCautions = p.adjuncts.map { $0.cautions.map(\.text) }
        adjunctAsk = p.adjuncts.map { Self.askList(for: $0, in: index) }
        let rules = Dictionary(p.asymmetryRules.map { ($0.quality, $0) }, uniquingKeysWith: { a, _ in a })
        asymmetryRuleOfTest = p.tests.map { rules[$0.quality] }
        gradedAsymmetrySources = p.tests.map { test in
            rules[test.quality].map { $0.sources.ids + $0.grades.flatMap(\.sources.ids) } ?? []
        }
        noNormReasons = Sex.allCases.map { sex in (0...Self.commonAges).map { Self.noNormReason(sex, $0) } }
        var byGroup: [(String, [Int])] = []
        for (i, exercise) in p.exercises.enumerated() {
            if let at = byGroup.firstIndex(where: { $0.0 == exercise.muscleGroup }) {
                byGroup[at].1.append(i)
            } else {
                byGroup.append((exercise.muscleGroup, [i]))
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
        // Each instrument's latest score so far, and its date: an outcome is compared with the
        // last session that has the same instrument, not only the session just before.
        var lastOutcome: [String: (OutcomeScore, CivilDate)] = [:]
        for (session, date) in dated {
            var scored = score(session, on: date, of: patient)
            for outcome in scored.outcomes {
                guard let instrument = balanceProtocol.instrument(outcome.instrumentID) else { continue }
                if let (before, when) = lastOutcome[outcome.instrumentID], let change = OutcomeScoring.change(from: before, to: outcome, by: instrument) {
                    scored.outcomeProgress.append(change)
                    scored.outcomePreviousDates[outcome.instrumentID] = when
                }
                if outcome.score != nil { lastOutcome[outcome.instrumentID] = (outcome, date) }
            }
            if let previousResults, let previousDate {
                scored.progress = progress(from: previousResults, to: scored.results, sex: patient.sex)
                scored.previousDate = previousDate
                scored.asymmetryProgress = asymmetryProgress(from: previousAsymmetries ?? [], to: scored.asymmetries)
            }
            previousResults = scored.results
            previousAsymmetries = scored.asymmetries
            previousDate = date
            scored.episode = session.episode
            sessions.append(scored)
        }
        if sessions.count >= CourseOfCare.minimumVisits {
            sessions[sessions.count - 1].courseOfCare = courseOfCare(sessions, sex: patient.sex, bodyMassKg: patient.bodyMassKg)
        }
        return PatientScore(
            patientID: patient.id, sex: patient.sex, birthDate: patient.birthDate, bodyMassKg: patient.bodyMassKg,
            heightCm: patient.heightCm, conditions: recordedConditions(patient), sessions: sessions, name: patient.name)
    }

    // MARK: Session

    func score(_ session: AssessmentSession, on date: CivilDate, of patient: Patient) -> SessionScore {
        let age = patient.birthDate.map { date.age(bornOn: $0) }
        let results = self.results(session.measures, patient: patient, age: age)
        let asymmetries = self.asymmetries(results)
        var ratios = self.ratios(results)
        let findings = self.findings(results: results, asymmetries: asymmetries, ratios: ratios)
        let (regions, overall, overallGrade) = imbalance(results: results, asymmetries: asymmetries, ratios: &ratios)
        let conditions = conditionCodes(of: patient, on: date)
        let screened = wasScreened(patient, session, on: date)
        let plan = self.plan(findings: findings, patient: patient, conditions: conditions, date: date)
        let adjuncts = balanceProtocol.adjuncts.indices.map {
            decide(at: $0, patient: patient, session: session, conditions: conditions, screened: screened)
        }
        var scored = SessionScore(
            date: date, age: age, bloodPressure: session.bloodPressure, assessor: session.assessor, results: results,
            asymmetries: asymmetries, ratios: ratios, findings: findings, regions: regions, overallIndex: overall,
            overallGrade: overallGrade, plan: plan, adjuncts: adjuncts, progress: [], previousDate: nil,
            conditions: conditions, screened: screened)
        if !session.outcomes.isEmpty { scored.outcomes = outcomes(session.outcomes) }
        return scored
    }

    /// The session's outcome scores, in the protocol's order of instruments; an entry of an
    /// instrument the protocol does not know is left out (the rules refused it).
    func outcomes(_ entries: [OutcomeEntry]) -> [OutcomeScore] {
        balanceProtocol.instruments.compactMap { instrument in
            entries.first { $0.instrument == instrument.id }.map { OutcomeScoring.score($0, by: instrument) }
        }
    }

    /// The patient's conditions as the protocol's codes, each once, in the file's order.
    func recordedConditions(_ patient: Patient) -> [String] {
        var out: [String] = []
        for c in patient.conditions {
            let folded = ConditionWords.fold(c.code)
            let code = folded == PatientCondition.noneCode ? folded : index.conditionCode(for: c.code) ?? c.code
            if !out.contains(code) { out.append(code) }
        }
        return out
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
                guard let t = index.testOrder[base[i].test] else { continue }
                let side = base[i].side
                // (3 x test + side) x count + position: one integer per measure, unique.
                order.append(index.slot(test: t, side: side) * count + i)
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
    /// `t` (the pointer lets its fields be read in place: see `Array.forEachInPlace`).
    private func result(for measure: UnsafePointer<Measure>, testIndex t: Int, patient: Patient, age: Int?) -> TestResult? {
        guard let unit = measure.pointee.unit else { return nil }
        let test = balanceProtocol.tests[t]
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
            testID: test.id, testIndex: t, side: measure.pointee.side,
            trials: Measure.readings(value: measure.pointee.value, trials: measure.pointee.trials), unit: unit, value: value,
            comparisons: comparisons, noReference: noReference)
    }

    /// Compares `value` with each of the test's norms that covers the patient; says why there
    /// is no reference when none can be used.
    private func compare(
        _ value: Double, _ test: TestDefinition, _ side: BodySide?, _ patient: Patient, _ age: Int?, _ comparisons: inout [NormComparison]
    ) -> NoReference? {
        guard !test.norms.isEmpty else { return NoReference("the protocol has no norm for this test") }
        // Without a recorded sex only a norm for both sexes can be used (README: `sex="any"`
        // norms apply to everyone); without an age, none.
        guard let age else {
            return NoReference(patient.sex == nil ? "sex and birth date not recorded" : "birth date not recorded")
        }
        let sex = patient.sex
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
        guard covered else {
            guard let sex else { return NoReference("sex not recorded, and no norm for both sexes covers age \(age)") }
            return NoReference(noNorm(sex, age))
        }
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
    func positions(_ results: [TestResult]) -> [Int] {
        var positions = [Int](repeating: -1, count: index.slotCount)
        for (i, r) in results.enumerated() {
            let t = r.testIndex
            let k = index.slot(test: t, side: r.side)
            if positions[k] < 0 { positions[k] = i }
        }
        return positions
    }

    func find(_ testID: String, _ side: BodySide?, in results: [TestResult], _ positions: [Int]) -> TestResult? {
        guard let t = index.testOrder[testID] else { return nil }
        let i = positions[index.slot(test: t, side: side)]
        return i < 0 ? nil : results[i]
    }
}
