import FastText
import MuscleBalanceCore

extension TextReport {
    /// RATIOS: each ratio against its acceptable range.
    func ratios(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        if !s.ratios.isEmpty {
            page.endLine()
            page.line("RATIOS")
            s.ratios.forEachInPlace { r in
                page.add("  ")
                page.cell(39) { c in
                    c.put(tables.index.ratios[r.pointee.ratioID]?.name ?? r.pointee.ratioID)
                    if let side = r.pointee.side {
                        c.put(" (")
                        c.put(side.rawValue)
                        c.put(")")
                    }
                }
                page.add(" ")
                page.cell(5, right: true) { $0.put(decimal: r.pointee.value, digits: 2) }
                page.add("  ")
                page.cell(22) { c in
                    if let range = r.pointee.acceptable {
                        rangeLabel(range, &c)
                        c.put(" ")
                        notes.cite(range.sources.ids, into: &c)
                    } else {
                        c.put("no reference")
                    }
                }
                page.add(" ")
                page.line(r.pointee.grade?.rawValue ?? "-")
                switch r.pointee.notCounted {
                case .sameWeakMuscle?:
                    page.wrap("not counted in the index again: the same weak muscle as the asymmetry", indent: 4, hanging: 6)
                case .withinOwnNorms?:
                    page.wrap("not counted in the index: both muscles are within their own norms", indent: 4, hanging: 6)
                case nil: break
                }
            }
        }
    }

    private func rangeLabel(_ range: AcceptableRange, _ out: inout ByteBuffer) {
        var first = true
        func part(_ symbol: StaticString, _ value: Double?) {
            guard let value else { return }
            if !first { out.put(" ") }
            out.put(symbol)
            out.put(decimal: value)
            first = false
        }
        part(">=", range.min)
        part(">", range.above)
        part("<=", range.max)
        part("<", range.below)
    }
}
