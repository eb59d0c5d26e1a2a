import FastText
import MuscleBalanceCore

extension TextReport {
    /// PROGRESS SINCE the session before: each test against its MDC, with the MDC's source, and
    /// what to know beside an MDC (derived, or measured in another population); each
    /// asymmetry's change.
    func progress(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        if let previous = s.previousDate {
            page.endLine()
            page.add("PROGRESS SINCE ")
            page.bytes.put(previous.description)
            page.endLine()
            s.progress.forEachInPlace { c in
                let test = tables.index.tests[c.pointee.testID]
                let unit = test?.unit.rawValue ?? ""
                page.add("  ")
                // The side in a cell of its own, so a long test name never cuts it off.
                page.cell(24) { $0.put(test?.label ?? c.pointee.testID) }
                page.cell(2) { p in
                    if let side = c.pointee.side { p.put(side == .left ? " L" : " R") }
                }
                page.add(" ")
                page.cell(6, right: true) { $0.put(decimal: c.pointee.previous, digits: 1) }
                page.add(" -> ")
                page.cell(9) { p in
                    p.put(value: c.pointee.latest, unit: unit)
                }
                page.add(" ")
                page.cell(7, right: true) { p in
                    if c.pointee.change >= 0 { p.put("+") }
                    p.put(decimal: c.pointee.change, digits: 1)
                }
                page.add("  ")
                switch c.pointee.verdict {
                case .improved, .worsened:
                    page.add(c.pointee.verdict == .improved ? "improved (MDC " : "worse (MDC ")
                    mdcText(c, unit, &page)
                    page.add(")")
                case .withinMDC:
                    page.add("within MDC ")
                    mdcText(c, unit, &page)
                case .noMDC:
                    page.add("no MDC: not judged")
                }
                page.endLine()
            }
            // Where each MDC comes from, after the table (a citation in the row would not fit
            // its 80 columns): tests judged by the same sources together, and what to know
            // beside an MDC (derived, or measured in another population) with its test.
            var groups: [(labels: [String], sources: [String], caveat: String?)] = []
            var seen: Set<String> = []
            for c in s.progress where !c.mdcSources.isEmpty && seen.insert(c.testID).inserted {
                let label = tables.index.tests[c.testID]?.label ?? c.testID
                if c.mdcCaveat == nil, let last = groups.indices.last, groups[last].sources == c.mdcSources, groups[last].caveat == nil {
                    groups[last].labels.append(label)
                } else {
                    groups.append(([label], c.mdcSources, c.mdcCaveat))
                }
            }
            if !groups.isEmpty {
                page.wrap(indent: 2, hanging: 4) { p in
                    p.put("MDC: ")
                    for (i, g) in groups.enumerated() {
                        if i > 0 { p.put("; ") }
                        p.put(g.labels.joined(separator: ", "))
                        p.put(" ")
                        notes.cite(g.sources, into: &p)
                        if let caveat = g.caveat {
                            p.put(" (")
                            p.put(caveat)
                            p.put(")")
                        }
                    }
                }
            }
            for a in s.asymmetryProgress {
                page.wrap(indent: 2, hanging: 4) { p in
                    p.put("Asymmetry, ")
                    p.put(tables.index.tests[a.testID]?.name ?? a.testID)
                    p.put(": ")
                    let unit = a.formula == .absoluteDifference ? " " + (tables.index.tests[a.testID]?.unit.rawValue ?? "") : "%"
                    p.put(decimal: a.previous, digits: 1)
                    p.put(unit)
                    if let side = a.previousSide { p.put(side == .left ? " L" : " R") }
                    p.put(" -> ")
                    p.put(decimal: a.latest, digits: 1)
                    p.put(unit)
                    if let side = a.latestSide { p.put(side == .left ? " L" : " R") }
                    p.put(" (")
                    if a.change >= 0 { p.put("+") }
                    p.put(decimal: a.change, digits: 1)
                    p.put(")")
                }
            }
        }
    }

    /// "43.2 s", a relative band "x0.82-1.23" (latest / previous), or "+-5%" of the previous.
    private func mdcText(_ c: UnsafePointer<ProgressItem>, _ unit: String, _ page: inout PageText) {
        if let value = c.pointee.mdc {
            page.bytes.put(decimal: value)
            page.add(" ")
            page.add(unit)
        } else if let percent = c.pointee.mdcPercent {
            page.add("+-")
            page.bytes.put(decimal: percent)
            page.add("%")
        } else if let below = c.pointee.mdcRatioBelow, let above = c.pointee.mdcRatioAbove {
            page.add("x")
            page.bytes.put(decimal: below)
            page.add("-")
            page.bytes.put(decimal: above)
        }
    }
}
