import FastText
import MuscleBalanceCore

extension TextReport {
    /// CORRECTIVE PLAN: the exercises with their side and dosage, what the cap left for next time, what was withheld and what the library cannot answer.
    func plan(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        page.endLine()
        page.wrap { p in
            p.put("CORRECTIVE PLAN")
            if let from = s.plan.reassessFrom, let by = s.plan.reassessBy {
                p.put(" (reassess between ")
                from.appendISO8601(to: &p)
                p.put(" and ")
                by.appendISO8601(to: &p)
                p.put(" ")
                notes.cite(tables.balanceProtocol.plan.reassessmentSources.ids, into: &p)
                p.put(")")
            }
        }
        if s.plan.exercises.isEmpty { page.line("  No exercise: no finding that the protocol's library answers.") }
        s.plan.exercises.forEachInPlace { n, e in
            page.wrap(indent: 2, hanging: 5) { p in
                p.put(integer: n + 1)
                p.put(". ")
                p.put(e.pointee.name)
                sideLabel(e.pointee.side, bothSides: e.pointee.bothSides, againOn: e.pointee.againOn, &p)
            }
            page.wrap(indent: 5, hanging: 5) { p in
                dosageText(e, &p)
                p.put(" ")
                notes.cite(e.pointee.dosage.sources.ids, into: &p)
            }
            page.wrap(indent: 5, hanging: 10) { p in
                p.put("for: ")
                p.put(e.pointee.answers)
            }
        }
        for d in s.plan.deferred {
            page.wrap(indent: 2, hanging: 4) { p in
                p.put("Left out by the plan's cap of ")
                p.put(integer: tables.balanceProtocol.plan.maxExercises)
                p.put(" (next visit): ")
                p.put(d.name)
                sideLabel(d.side, bothSides: d.bothSides, againOn: d.againOn, &p)
                p.put("; for: ")
                p.put(d.answers)
            }
        }
        for w in s.plan.withheld {
            page.wrap(indent: 2, hanging: 4) { p in
                p.put("Withheld: ")
                p.put(w.exerciseID)
                p.put(" (")
                p.put(w.reason)
                p.put(")")
            }
        }
        for u in s.plan.unanswered {
            page.wrap(indent: 2, hanging: 4) { p in
                p.put("No exercise in the library for: ")
                p.put(u)
            }
        }
    }

    /// " - left side only", " - both sides", or nothing for a midline exercise: the plan's
    /// lopsidedness, written where the patient reads each item.
    private func sideLabel(_ side: BodySide?, bothSides: Bool, againOn: BodySide?, _ p: inout ByteBuffer) {
        if let side {
            p.put(" - ")
            p.put(side.rawValue)
            p.put(" side only")
        } else if bothSides {
            p.put(" - both sides")
            if let againOn {
                p.put(", and again on the ")
                p.put(againOn.rawValue)
            }
        }
    }

    private func dosageText(_ e: UnsafePointer<PlannedExercise>, _ out: inout ByteBuffer) {
        let d = e.pointee.dosage
        var first = true
        func separate() {
            if !first { out.put("; ") }
            first = false
        }
        func range(_ low: Int, _ high: Int?, _ unit: StaticString, atLeast: Bool = false) {
            separate()
            if let high {
                out.put(integer: low)
                out.put("-")
                out.put(integer: high)
            } else {
                if atLeast { out.put("at least ") }
                out.put(integer: low)
            }
            out.put(unit)
        }
        if let sets = e.pointee.sets {
            separate()
            out.put(integer: sets)
            out.put(" sets")
        }
        if let a = d.repsMin { range(a, d.repsMax, " reps", atLeast: true) }
        if let a = d.holds { range(a, d.holdsMax, " holds") }
        if let a = d.holdSecondsMin { range(a, d.holdSecondsMax, " s each") }
        if let a = d.daysPerWeekMin { range(a, d.daysPerWeekMax, " days a week") }
        let noSets = e.pointee.sets == nil && d.holds == nil
        let noDays = d.daysPerWeekMin == nil
        if noSets || noDays {
            separate()
            out.put(noSets && noDays ? "sets and days a week" : (noSets ? "sets" : "days a week"))
            out.put(": no reference")
        }
    }
}
