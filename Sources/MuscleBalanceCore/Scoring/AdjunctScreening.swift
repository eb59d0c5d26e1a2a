/// Whole body vibration and the inversion table, screened against contraindications (through
/// condition categories, in both directions), blood pressure, the device's user limits and
/// whether the patient was screened at all. Each reason carries its own verdict; the therapy's
/// verdict is the most restrictive of them, and "may be offered" needs no reason at all.
extension BalanceScorer {
    // MARK: Conditions in force

    /// The protocol's codes of the patient's conditions that apply on `date`: matched without
    /// regard to case or through a synonym, begun on or before the day, not resolved before it,
    /// and within the protocol's span for a time-limited condition (past it, the categories it
    /// lies within still apply). A condition recorded as beginning after the session is never
    /// used for it. Unknown codes (which the rules
    /// refuse) are kept as written, so that nothing given is dropped; `none` is left out.
    func conditionCodes(of patient: Patient, on date: CivilDate) -> [String] {
        var out: [String] = []
        for c in patient.conditions {
            let code = index.conditionCode(for: c.code) ?? c.code
            guard ConditionWords.fold(c.code) != PatientCondition.noneCode else { continue }
            let span = index.conditionSpans[code]
            if c.applies(on: date, lasting: span) {
                if !out.contains(code) { out.append(code) }
            } else if span != nil, c.applies(on: date, lasting: nil) {
                // Past its span but neither ended nor yet to begin: a joint replacement of a
                // year ago is no longer recent, and is still a skeletal implant.
                for category in index.conditionWithin[code] ?? [] where !out.contains(category) { out.append(category) }
            }
        }
        return out
    }

    /// Whether the session's conditions were screened: the session records a screen on or
    /// before its day, or the patient's conditions say `none` (screened, nothing found).
    func wasScreened(_ patient: Patient, _ session: AssessmentSession, on date: CivilDate) -> Bool {
        if let screened = session.screened, !(date < screened) { return true }
        return patient.conditions.contains { ConditionWords.fold($0.code) == PatientCondition.noneCode }
    }

    // MARK: Adjuncts

    /// `conditions` and `screened`: the session's, worked out once for all its adjuncts.
    func decide(at a: Int, patient: Patient, session: AssessmentSession, conditions: [String], screened: Bool) -> AdjunctDecision {
        let adjunct = balanceProtocol.adjuncts[a]
        var reasons: [(AdjunctDecision.Verdict, String)] = []
        for screened in index.categories.screen(conditions, against: adjunct.contraindications) {
            reasons.append((screened.kind == .absolute ? .notRecommended : .physicianApproval, reason(screened)))
        }
        if let limit = adjunct.bloodPressureLimit {
            let bound = "\(limit.systolic)/\(limit.diastolic)"
            if let bp = session.bloodPressure {
                if limit.refuses(bp) {
                    reasons.append((.notRecommended, "blood pressure \(bp) mmHg is at or above \(bound) (hypertension)"))
                }
            } else {
                reasons.append((.screenFirst, "blood pressure not recorded at this session; it must be below \(bound) mmHg"))
            }
        }
        if let limits = adjunct.userLimits {
            userLimit(limits.heightCmMax, patient.heightCm, "height", "cm", &reasons)
            userLimit(limits.bodyMassKgMax, patient.bodyMassKg, "body mass", "kg", &reasons)
        }
        var ask: [String] = []
        if !screened {
            reasons.append((.screenFirst, "conditions not screened at this session"))
            ask = adjunctAsk[a]
        }
        let verdict = reasons.map(\.0).min() ?? .mayBeOffered
        return AdjunctDecision(
            adjunctID: adjunct.id, name: adjunct.name, verdict: verdict, reasons: reasons.map(\.1), ask: ask, dose: adjunct.dose,
            cautions: adjunctCautions[a], alongsideExercise: adjunct.alongsideExercise)
    }

    /// Over the device's limit is "not recommended"; not recorded is "screen first", with the
    /// limit: a patient's size is never assumed. Compared on the figures as written (a
    /// recorded 198 is not over a limit of 198).
    private func userLimit(_ limit: Double?, _ value: Double?, _ what: String, _ unit: String, _ reasons: inout [(AdjunctDecision.Verdict, String)]) {
        guard let limit else { return }
        let bound = format(limit)
        if let value {
            if value > limit { reasons.append((.notRecommended, "\(what) \(format(value)) \(unit) is over the user limit of \(bound) \(unit)")) }
        } else {
            reasons.append((.screenFirst, "\(what) not recorded; users must be at most \(bound) \(unit)"))
        }
    }

    /// "Heart failure, within heart or circulatory disease (contraindicated)": the patient's
    /// own condition first, so the clinician sees what was coded, then the category the
    /// protocol's contraindication names, when it came through one, then the source's word for
    /// it. A category that only its members make unsafe names them.
    func reason(_ s: ScreenedContraindication) -> String {
        var text = index.conditionLabels[s.patientCondition] ?? s.patientCondition
        if let category = s.viaCategory {
            text += ", within " + sentenceCase(index.conditionLabels[category] ?? category)
        }
        if !s.members.isEmpty {
            let names = s.members.map { (index.conditionLabels[$0] ?? $0).lowercased() }
            text += ", which covers " + listText(names) + ": which one decides"
        }
        return text + (s.kind == .absolute ? " (contraindicated)" : " (only with a physician's approval)")
    }

    /// What to ask a patient who was not screened, for one therapy: each condition its
    /// contraindications name, a category once for all its members, in the protocol's order.
    public static func askList(for adjunct: AdjunctTherapy, in index: ProtocolIndex) -> [String] {
        let named = Set(adjunct.contraindications.map(\.condition))
        var out: [String] = []
        for c in index.balanceProtocol.conditions where named.contains(c.code) {
            // A member of a named category is asked about under the category.
            let covering = index.categories.codes(covering: c.code).dropFirst()
            if covering.contains(where: named.contains) { continue }
            let label = c.label
            if !out.contains(label) { out.append(label) }
        }
        return out
    }
}
