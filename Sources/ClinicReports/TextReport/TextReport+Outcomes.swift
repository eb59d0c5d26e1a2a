import FastText
import MuscleBalanceCore

extension TextReport {
    /// PATIENT-REPORTED OUTCOMES: each instrument's score (or why none), its band or risk
    /// group, recovered where the instrument defines it, cited, with its copyright line; the
    /// change since the instrument's last earlier score and the rule's verdict. Absent when the
    /// session has none, so a report without them is as before.
    func outcomes(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        guard !s.outcomes.isEmpty else { return }
        page.endLine()
        page.line("PATIENT-REPORTED OUTCOMES")
        for o in s.outcomes {
            guard let instrument = tables.index.balanceProtocol.instrument(o.instrumentID) else { continue }
            page.wrap(indent: 2, hanging: 4) { p in
                p.put(instrument.name)
                if let version = instrument.version {
                    p.put(" ")
                    p.put(version)
                }
                p.put(": ")
                if let score = o.score {
                    p.put(decimal: score, digits: instrument.decimals)
                    if instrument.range.upperBound == 100 && instrument.method == .percentOfAnswered { p.put("%") }
                    if let answered = o.answered, instrument.method != .stratification, answered < instrument.items.count {
                        p.put(" (\(answered) of \(instrument.items.count) answered)")
                    }
                    if o.enteredAsTotal { p.put(" (the total as entered)") }
                    if let band = o.band { p.put(", \(band)") }
                    if let risk = o.risk, let subscale = o.subscale { p.put(", subscale \(subscale): \(risk.rawValue) risk") }
                    if o.recovered == true { p.put(", recovered") }
                } else {
                    p.put("not scored: ")
                    p.put(o.notScored ?? "")
                }
                p.put(" ")
                notes.cite(instrument.sources.ids, into: &p)
            }
            if let copyright = instrument.copyright {
                page.wrap(indent: 4, hanging: 4) { $0.put(copyright) }
            }
            if let c = s.outcomeProgress.first(where: { $0.instrumentID == o.instrumentID }) {
                page.wrap(indent: 4, hanging: 6) { p in
                    p.put("Since ")
                    p.put(s.outcomePreviousDates[o.instrumentID]?.description ?? "")
                    p.put(": ")
                    p.put(decimal: c.previous, digits: instrument.decimals)
                    p.put(" -> ")
                    p.put(decimal: c.latest, digits: instrument.decimals)
                    p.put(" (")
                    if c.change >= 0 { p.put("+") }
                    p.put(decimal: c.change, digits: instrument.decimals)
                    if let percent = c.percentImproved, c.verdict != .noRule {
                        p.put(", ")
                        p.put(decimal: abs(percent), digits: 0)
                        p.put(percent >= 0 ? "% better" : "% worse")
                    }
                    p.put(")")
                    if let rule = instrument.change {
                        let what = rule.kind == .minimalImportant ? "minimal important change" : "detectable change"
                        var threshold = "\(shortestDecimalText(rule.amount))"
                        if let percent = rule.percentOfBaseline { threshold += " and \(shortestDecimalText(percent))%" }
                        switch c.verdict {
                        case .improved: p.put(": improved, beyond the \(what) (\(threshold)) ")
                        case .worsened: p.put(": worse, beyond the \(what) (\(shortestDecimalText(rule.amount))) ")
                        case .withinChange, .noRule: p.put(": within the \(what) (\(threshold)) ")
                        }
                        notes.cite(rule.sources.ids, into: &p)
                    } else if let before = c.previousRisk, let now = c.latestRisk {
                        p.put(": \(before.rawValue) risk -> \(now.rawValue) risk")
                    }
                }
            }
        }
    }
}
