/// The corrective plan: the library's exercises for each finding, on the sides their rules say, ordered and capped.
extension BalanceScorer {
    // MARK: Plan

    /// The exercises that answer the findings, on the sides their rules say. Every finding's
    /// first exercise comes before any finding's second, so the cap cuts alternatives, not
    /// findings; what it cuts is kept as `deferred`. Both sides affected is one item, and a
    /// one-sided finding of the same muscles adds its side to it ("both sides, and again on the
    /// left"): the extra work stays visible in one item, never as the same exercise twice.
    /// `conditions`: the protocol's codes of the patient's conditions in force on `date`.
    func plan(findings: [Finding], patient: Patient, conditions: [String], date: CivilDate) -> CorrectivePlan {
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
            for e in matches {
                let exercise = balanceProtocol.exercises[e]
                if !exercise.contraindications.isEmpty, let blocked = index.categories.screen(conditions, against: exercise.contraindications).first {
                    if !withheld.contains(where: { $0.exerciseID == exercise.id }) {
                        withheld.append(WithheldExercise(exerciseID: exercise.id, reason: reason(blocked)))
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
                for slot in slots { candidates.append((round, f, e, slot, candidates.count)) }
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
            // The same exercise for both sides and for one: one item, again on that side.
            if exercise.sideRule == .affectedSide, c.slot != 0,
                let other = chosen.firstIndex(where: { $0.item.exerciseID == exercise.id && ($0.item.bothSides || c.slot == 3) && $0.item.againOn == nil })
            {
                var merged = chosen[other].item
                let oneSide = c.slot == 3 ? merged.side : side
                merged.side = nil
                merged.bothSides = true
                merged.againOn = oneSide
                // Both sides at the exercise's own sets; the weaker side's extra is the "again".
                if c.slot == 3 { merged.sets = dosage.sets }
                merged.answers += "; " + finding.text
                merged.grade = max(merged.grade, finding.grade)
                chosen[other].item = merged
                continue
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
}
