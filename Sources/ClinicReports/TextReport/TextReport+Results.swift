import FastText
import MuscleBalanceCore

extension TextReport {
    /// RESULTS BY REGION: a row per test and side, with the norm behind it.
    func results(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        page.endLine()
        page.line("RESULTS BY REGION")
        for region in BodyRegion.allCases {
            var header = false
            // In place: a `for r in` loop copies every result (a dozen reference counts) on each
            // of the three passes, matching or not (kept for that: Benchmarks/RESULTS.md,
            // "Pointer-level loops").
            s.results.forEachInPlace { r in
                guard tables.index.regionOfTest[r.pointee.testIndex] == region else { return }
                if !header {
                    page.add("  ")
                    page.line(region.rawValue.uppercased())
                    page.line(Self.resultsHeader)
                    header = true
                }
                resultLines(r, s, &notes, &page)
            }
        }
    }

    static let resultsHeader = "  Test                        Value       Reference         % ref Grade"

    /// Row: test, side, value, the reference value (mean, or median of a table), percent of
    /// it, grade. Below it: the value in the norm's unit, z, percentile or class, and the source.
    ///
    /// `r` points into the session's results: the cells' closures capture the pointer, where
    /// capturing the result copied it whole.
    private func resultLines(_ r: UnsafePointer<TestResult>, _ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        let test: TestDefinition? = tables.balanceProtocol.tests[r.pointee.testIndex]
        // The test's unit as a word (no String per row); none for a result with no test.
        let unit: StaticString = test?.unit.xmlWord ?? ""
        // The row shows the last comparison's reference and percent. Kept as an index: a
        // pointer from `forEachInPlace` is valid only inside its closure.
        var referenceIndex: Int?
        var percent: Double?
        r.pointee.comparisons.forEachInPlace { i, c in
            switch c.pointee.outcome {
            case .meanSD(_, _, _, _, let p, _):
                referenceIndex = i
                if let p { percent = p }
            case .cutoff:
                if r.pointee.comparisons.count == 1 { referenceIndex = i }
            case .percentiles(_, _, let median, let p):
                if median != nil { referenceIndex = i }
                if let p { percent = p }
            }
        }
        page.add("  ")
        page.cell(24, test?.label ?? r.pointee.testID)
        page.add(" ")
        page.cell(2, r.pointee.side.map { $0 == .left ? "L" : "R" } ?? "")
        page.add(" ")
        page.cell(11) { p in
            p.put(value: r.pointee.value, word: unit)
        }
        page.add(" ")
        page.cell(16) { p in
            guard let referenceIndex else {
                p.put("no reference")
                return
            }
            let unit = r.pointee.comparisons[referenceIndex].unit
            switch r.pointee.comparisons[referenceIndex].outcome {
            case .meanSD(let mean, _, _, _, _, _):
                p.put(decimal: mean, digits: 2)
                p.put(" ")
                p.put(unit.word)
            case .cutoff:
                p.put("cut-off")
            case .percentiles(_, _, let median, _):
                p.put("P50 ")
                p.put(value: median ?? 0, word: unit.word)
            }
        }
        page.add(" ")
        page.cell(6, right: true) { p in
            if let percent {
                p.put(decimal: percent, digits: 0)
                p.put("%")
            }
        }
        page.add(" ")
        page.line(TestResult.grade(of: r.pointee.comparisons)?.xmlWord ?? "-")
        r.pointee.comparisons.forEachInPlace { c in
            page.wrap(indent: 30, hanging: 32) { p in
                // Shown in the norm's own unit when it is not the test's.
                if test.map({ c.pointee.unit != .absolute($0.unit) }) ?? true {
                    p.put(decimal: c.pointee.value, digits: 2)
                    p.put(" ")
                    p.put(c.pointee.unit.word)
                    p.put(", ")
                }
                switch c.pointee.outcome {
                case .meanSD(_, _, _, let z, _, let percentile):
                    p.put("z ")
                    appendFixed(z, 2, to: &p)
                    p.put(", percentile ")
                    p.put(decimal: percentile, digits: 0)
                case .cutoff(let label, _):
                    p.put(label)
                case .percentiles(let percentile, let beyond, _, _):
                    if let percentile {
                        p.put("percentile ")
                        p.put(decimal: percentile, digits: 0)
                    } else if let beyond {
                        p.put("percentile ")
                        p.put(beyond)
                    }
                }
                // One grade per result: a reference the protocol shows as information says so.
                if !c.pointee.norm.grades { p.put(" (information only)") }
                p.put(" ")
                notes.cite(c.pointee.sources, into: &p)
            }
        }
        if let reason = r.pointee.noReference, r.pointee.comparisons.isEmpty { page.wrap(reason.reason, indent: 30, hanging: 32) }
        weakerSide(r, s, &page)
    }

    /// A row graded normal against its norm beside a finding that calls the same muscle weak
    /// (the weaker side of a graded asymmetry) says why, in the row: otherwise "normal" and
    /// "[moderate] weak" for one muscle read as a contradiction.
    private func weakerSide(_ r: UnsafePointer<TestResult>, _ s: SessionScore, _ page: inout PageText) {
        guard let side = r.pointee.side, TestResult.grade(of: r.pointee.comparisons) == .normal,
            let finding = s.findings.first(where: { f in
                guard case .asymmetry(let testID) = f.basis else { return false }
                return testID == r.pointee.testID && f.side == side && !f.bothSides && f.grade > .normal
            }),
            let asymmetry = s.asymmetries.first(where: { $0.testID == r.pointee.testID }), let value = asymmetry.value
        else { return }
        page.wrap(indent: 30, hanging: 32) { p in
            p.put("the weaker side: ")
            p.put(decimal: value, digits: 1)
            p.put(asymmetry.formula == .absoluteDifference ? " " + (tables.balanceProtocol.tests[r.pointee.testIndex].unit.rawValue) : "%")
            p.put(" asymmetry [")
            p.put(finding.grade.rawValue)
            p.put("]")
        }
    }
}
