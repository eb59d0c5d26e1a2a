import FastText
import MuscleBalanceCore

extension TextReport {
    /// COURSE OF CARE: the episode's visits, then each figure over them (tests, asymmetries,
    /// ratios, the indices, outcome scores), its best, and its changes since the previous
    /// visit and since the baseline, each with the verdict and the source that judged it.
    /// Absent when the session has no course (fewer than three visits in its episode).
    func courseOfCare(_ s: SessionScore, _ notes: inout Footnotes, _ page: inout PageText) {
        guard let course = s.courseOfCare else { return }
        page.endLine()
        page.wrap(indent: 0, hanging: 2) { p in
            p.put("COURSE OF CARE SINCE ")
            p.put(course.baseline.description)
            p.put(" (baseline")
            p.put(course.discharge ? "; this visit is the discharge" : "")
            p.put("): \(course.visits.count) visits, ")
            p.put(course.visits.map(\.description).joined(separator: ", "))
        }
        let protocolIndex = tables.index
        summaryLine(course, &page)
        for line in course.tests {
            guard let test = protocolIndex.tests[line.id] else { continue }
            let name = test.label + (line.side.map { $0 == .left ? " L" : " R" } ?? "")
            courseLine(line, name: name, unit: " " + test.unit.rawValue, digits: 1, &notes, &page)
        }
        for line in course.asymmetries {
            let test = protocolIndex.tests[line.id]
            courseLine(line, name: "Asymmetry, " + (test?.label ?? line.id), unit: "%", digits: 1, &notes, &page)
        }
        for line in course.ratios {
            let name = protocolIndex.balanceProtocol.ratios.first { $0.id == line.id }?.name ?? line.id
            courseLine(line, name: name + (line.side.map { " (\($0.rawValue))" } ?? ""), unit: "", digits: 2, &notes, &page)
        }
        for line in course.indices {
            courseLine(line, name: line.id == "overall" ? "Imbalance index, overall" : "Imbalance index, \(line.id)", unit: "", digits: 1, &notes, &page)
        }
        for line in course.outcomes {
            guard let instrument = protocolIndex.balanceProtocol.instrument(line.id) else { continue }
            courseLine(line, name: instrument.name, unit: "", digits: instrument.decimals, &notes, &page)
        }
    }

    /// The clinician's summary, from the verdicts against the baseline: what improved, what is
    /// worse, how many are within measurement error, and the outcome scores against their
    /// thresholds. No free text: every word comes from the figures.
    private func summaryLine(_ course: CourseOfCare, _ page: inout PageText) {
        let protocolIndex = tables.index
        func name(_ line: CourseLine) -> String {
            switch line.kind {
            case .test: return (protocolIndex.tests[line.id]?.label ?? line.id) + (line.side.map { $0 == .left ? " L" : " R" } ?? "")
            case .outcome: return protocolIndex.balanceProtocol.instrument(line.id)?.name ?? line.id
            default: return line.id
            }
        }
        func amount(_ line: CourseLine) -> String {
            guard let c = line.sinceBaseline else { return "" }
            var out: [UInt8] = []
            if c.amount >= 0 { out.append(UInt8(ascii: "+")) }
            appendDecimal(c.amount, digits: line.kind == .outcome ? (protocolIndex.balanceProtocol.instrument(line.id)?.decimals ?? 0) : 1, to: &out)
            if line.kind == .test, let unit = protocolIndex.tests[line.id]?.unit.rawValue { out += Array(" \(unit)".utf8) }
            return String(decoding: out, as: UTF8.self)
        }
        let judged = course.tests + course.outcomes
        let improved = judged.filter { $0.sinceBaseline?.verdict == .improved }
        let worse = judged.filter { $0.sinceBaseline?.verdict == .worsened }
        let within = judged.filter { $0.sinceBaseline?.verdict == .withinError }
        page.wrap(indent: 2, hanging: 4) { p in
            p.put("Since the baseline: ")
            p.put(improved.isEmpty ? "nothing improved beyond measurement error" : "improved " + improved.map { "\(name($0)) (\(amount($0)))" }.joined(separator: ", "))
            p.put("; ")
            p.put(worse.isEmpty ? "nothing worse" : "worse " + worse.map { "\(name($0)) (\(amount($0)))" }.joined(separator: ", "))
            p.put("; \(within.count) within measurement error")
            if let overall = course.indices.first(where: { $0.id == "overall" }), let first = overall.points.first, let last = overall.points.last, overall.points.count > 1 {
                p.put("; imbalance index ")
                p.put(decimal: first.value, digits: 1)
                p.put(" -> ")
                p.put(decimal: last.value, digits: 1)
            }
            p.put(".")
        }
        // What changed in the findings since the visit before, by name: an index that rises
        // while the treated deficit improves then says which finding is new.
        guard !course.findingChanges.isEmpty, course.visits.count >= 2 else { return }
        let previous = course.visits[course.visits.count - 2]
        page.wrap(indent: 2, hanging: 4) { p in
            p.put("Findings since \(previous): ")
            var parts: [String] = []
            for c in course.findingChanges {
                switch c.kind {
                case .new: parts.append("new [\(c.grade.rawValue)] \(c.text)")
                case .resolved: parts.append("gone: \(c.text)")
                case .milder: parts.append("milder [\(c.grade.rawValue), was \(c.previousGrade?.rawValue ?? "")] \(c.text)")
                case .worse: parts.append("worse [\(c.grade.rawValue), was \(c.previousGrade?.rawValue ?? "")] \(c.text)")
                }
            }
            p.put(parts.joined(separator: "; "))
            p.put(".")
        }
    }

    /// "Hip abduction strength L: 145 -> 175 -> 198 N (best 198 on 2026-11-03); since
    /// 2026-10-06 (28 days) +23 N (+13.1%), within measurement error [4]; since the baseline
    /// (63 days) +53 N (+36.6%), improved [4]".
    private func courseLine(_ line: CourseLine, name: String, unit: String, digits: Int, _ notes: inout Footnotes, _ page: inout PageText) {
        page.wrap(indent: 2, hanging: 6) { p in
            p.put(name)
            p.put(": ")
            for (i, point) in line.points.enumerated() {
                if i > 0 { p.put(" -> ") }
                p.put(decimal: point.value, digits: digits)
                if unit == "%" { p.put("%") }
                if let side = point.side { p.put(side == .left ? " L" : " R") }
                if let label = point.label { p.put(" (\(label))") }
            }
            if unit != "%" { p.put(unit) }
            if let best = line.best, line.points.count > 1 {
                p.put(" (best ")
                p.put(decimal: best.value, digits: digits)
                if unit == "%" { p.put("%") }
                p.put(" on ")
                p.put(best.date.description)
                p.put(")")
            }
            if let c = line.sincePrevious, c.from != line.sinceBaseline?.from {
                p.put("; since ")
                p.put(c.from.description)
                // What to know beside the figure is said once, after the baseline's change,
                // when both changes were judged by the same figure.
                change(c, unit: unit, digits: digits, caveat: c.caveat != line.sinceBaseline?.caveat, &notes, &p)
            }
            if let c = line.sinceBaseline {
                p.put("; since the baseline")
                change(c, unit: unit, digits: digits, &notes, &p)
            }
            if line.sinceBaseline?.verdict == .notJudged {
                p.put("; not judged: no source gives its measurement error")
            }
        }
    }

    private func change(_ c: CourseChange, unit: String, digits: Int, caveat showCaveat: Bool = true, _ notes: inout Footnotes, _ p: inout ByteBuffer) {
        p.put(" (\(c.days) days) ")
        if c.amount >= 0 { p.put("+") }
        p.put(decimal: c.amount, digits: digits)
        // An asymmetry's change is in percentage points, not a percentage of it.
        p.put(unit == "%" ? " points" : unit)
        if let percent = c.percent, unit != "%" {
            p.put(" (")
            if percent >= 0 { p.put("+") }
            p.put(decimal: percent, digits: 1)
            p.put("%)")
        }
        switch c.verdict {
        case .improved: p.put(", improved")
        case .worsened: p.put(", worse")
        case .withinError: p.put(", within measurement error")
        case .notJudged: break
        }
        if !c.sources.isEmpty {
            p.put(" ")
            notes.cite(c.sources, into: &p)
        }
        if showCaveat, let caveat = c.caveat {
            p.put(" (")
            p.put(caveat)
            p.put(")")
        }
    }
}
