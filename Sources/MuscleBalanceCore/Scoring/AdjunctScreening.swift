/// Whole body vibration and the inversion table, screened against contraindications (through condition categories) and blood pressure.
extension BalanceScorer {
    // MARK: Adjuncts

    func decide(at a: Int, patient: Patient, session: AssessmentSession) -> AdjunctDecision {
        let adjunct = balanceProtocol.adjuncts[a]
        var reasons: [String] = []
        if !patient.conditions.isEmpty {
            for screened in index.categories.screen(patient.conditions.map(\.code), against: adjunct.contraindications) {
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
            cautions: adjunctCautions[a], alongsideExercise: adjunct.alongsideExercise)
    }

    /// "Heart failure, within heart or circulatory disease (absolute contraindication)": the
    /// patient's own condition first, so the clinician sees what was coded, then the category
    /// the protocol's contraindication names, when it came through one.
    func reason(_ s: ScreenedContraindication) -> String {
        var text = index.conditionLabels[s.patientCondition] ?? s.patientCondition
        if let category = s.viaCategory {
            text += ", within " + sentenceCase(index.conditionLabels[category] ?? category)
        }
        return text + " (\(s.contraindication.kind.rawValue) contraindication)"
    }
}
