import FastText
import MuscleBalanceCore

extension TextReport {
    /// ADJUNCT THERAPIES: offered with their dose and cautions; otherwise the verdict in the
    /// sources' words (not recommended, only with a physician's approval, screen first) with
    /// every reason, and what to ask an unscreened patient. Dose and cautions are for a therapy
    /// that may be given, so only an offered one shows them.
    func adjuncts(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        page.endLine()
        page.line("ADJUNCT THERAPIES")
        s.adjuncts.forEachInPlace { a in
            if a.pointee.offered {
                page.wrap(indent: 2, hanging: 4) { p in
                    p.put(a.pointee.name)
                    p.put(": may be offered")
                    if a.pointee.alongsideExercise { p.put(", alongside the exercise plan, never instead of it") }
                    p.put(".")
                }
                page.wrap(indent: 4, hanging: 6) { p in
                    p.put("Dose: ")
                    doseText(a.pointee.dose, &p)
                    p.put(" ")
                    notes.cite(a.pointee.dose.sources.ids, into: &p)
                }
                for caution in a.pointee.cautions {
                    page.wrap(indent: 4, hanging: 6) { p in
                        p.put("Caution: ")
                        p.put(caution)
                    }
                }
            } else {
                page.wrap(indent: 2, hanging: 4) { p in
                    p.put(a.pointee.name)
                    p.put(": ")
                    p.put(a.pointee.verdict.words.uppercased())
                    p.put(": ")
                    for (n, reason) in a.pointee.reasons.enumerated() {
                        if n > 0 { p.put("; ") }
                        p.put(reason)
                    }
                    p.put(".")
                }
                if !a.pointee.ask.isEmpty, let i = tables.index.balanceProtocol.adjuncts.firstIndex(where: { $0.id == a.pointee.adjunctID }) {
                    page.bytes.appendBytes(tables.askLines[i])
                }
            }
        }
    }

    private func doseText(_ d: DoseLimits, _ out: inout ByteBuffer) {
        var first = true
        func separate() {
            if !first { out.put("; ") }
            first = false
        }
        func limit(_ before: StaticString, _ value: Double?, _ after: StaticString) {
            guard let value else { return }
            separate()
            out.put(before)
            out.put(decimal: value)
            out.put(after)
        }
        limit("start with ", d.startMinutes, " min")
        limit("at most ", d.maxMinutesPerSession, " min a session")
        limit("at most ", d.maxMinutesPerDay, " min a day")
        limit("at most ", d.maxSessionsPerWeek.map(Double.init), " sessions a week")
        var missing: [StaticString] = []
        if d.startMinutes == nil { missing.append("start duration") }
        if d.maxMinutesPerSession == nil && d.maxMinutesPerDay == nil { missing.append("maximum duration") }
        if d.maxSessionsPerWeek == nil { missing.append("sessions a week") }
        if !missing.isEmpty {
            separate()
            for (n, m) in missing.enumerated() {
                if n > 0 { out.put(", ") }
                out.put(m)
            }
            out.put(": no reference")
        }
    }
}
