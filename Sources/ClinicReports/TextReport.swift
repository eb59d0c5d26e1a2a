import Locks
import FastText
import MBXML
import MuscleBalanceCore

/// The printable report: at most 80 columns, one patient per page (a form feed between
/// patients), the latest session in full (or the one asked for) with progress since the one
/// before, and the norms' sources as numbered footnotes.
public struct TextReport {
    public static let width = 80
    /// What the report needs of its protocol, worked out once per protocol and shared by every
    /// file of a batch.
    public final class Tables: Sendable {
        /// The protocol's lookups, shared with the rules and the scorer.
        let index: ProtocolIndex
        var balanceProtocol: BalanceProtocol { index.balanceProtocol }
        let protocolLine: String
        /// The legend under the sources, wrapped once.
        let legend: [UInt8]
        /// Each footnote as wrapped, by number and source id, shared by every file of the batch
        /// (each file's own `Cache` sits in front): made per file, footnotes and legend were a
        /// quarter of a ten-patient file's fixed cost.
        fileprivate let footnotes = Locked<[FootnoteKey: [UInt8]]>([:])

        public convenience init(protocol p: BalanceProtocol) {
            self.init(index: ProtocolIndex(p))
        }

        public init(index: ProtocolIndex) {
            self.index = index
            let p = index.balanceProtocol
            protocolLine = "Protocol \(p.id) \(p.version) (\(p.title))"
            var legend = PageText()
            legend.wrap(
                "z: negative is worse than the norm. % ref: value / norm mean (or median) x 100. "
                    + "\"no reference\": no published norm for this patient's sex and age, or none at all; no figure is borrowed. "
                    + "Grade \"-\": nothing grades this result (no norm, or a norm without a cut-off or lower limit). "
                    + "\"n/r\" (left/right): no published threshold grades this asymmetry. "
                    + "Left/right bars: the longer bar is the better side; for lower-is-better angles the tighter side's bar is the shorter.",
                indent: 0)
            self.legend = legend.array
        }

        /// Footnote `number`, citing source `id`, wrapped.
        fileprivate func footnote(number: Int, id: String) -> [UInt8] {
            let key = FootnoteKey(number: number, id: id)
            if let known = footnotes.withLock({ $0[key] }) { return known }
            var note = PageText()
            note.wrap(indent: 2, hanging: 6) { p in
                let source = balanceProtocol.source(id)
                p.put("[")
                p.put(integer: number)
                p.put("] ")
                p.put(source?.citation ?? id)
                if let source, source.kind != .cited {
                    p.put(" (")
                    p.put(source.kind.rawValue)
                    p.put(")")
                }
            }
            let bytes = note.array
            footnotes.withLock { $0[key] = bytes }
            return bytes
        }
    }

    fileprivate struct FootnoteKey: Hashable {
        var number: Int
        var id: String
    }

    let tables: Tables
    public let clinic: String?
    private let cache = Cache()

    /// The footnotes this file has used, in front of the batch's shared ones (`Tables`), so
    /// that a page takes no lock. Not thread-safe: a TextReport renders on one thread at a
    /// time, and another thread gets its own (`forAnotherThread`); a copy of the struct shares
    /// the cache.
    private final class Cache {
        var footnotes: [FootnoteKey: [UInt8]] = [:]

        func footnote(number: Int, id: String, from tables: Tables) -> [UInt8] {
            let key = FootnoteKey(number: number, id: id)
            if let known = footnotes[key] { return known }
            let bytes = tables.footnote(number: number, id: id)
            footnotes[key] = bytes
            return bytes
        }
    }

    public init(tables: Tables, clinic: String?) {
        self.tables = tables
        self.clinic = clinic
    }

    public init(protocol p: BalanceProtocol, clinic: String?) {
        self.init(tables: Tables(protocol: p), clinic: clinic)
    }

    /// The same report with a footnote cache of its own, for another thread: two workers
    /// rendering through one cache corrupted its dictionary (a crash once in some hundred
    /// thousand patients, when a new footnote was added while the other worker looked one up).
    public func forAnotherThread() -> TextReport {
        TextReport(tables: tables, clinic: clinic)
    }

    /// Whether two reports share their footnote cache (the tests hold workers to their own).
    func sharesCache(with other: TextReport) -> Bool {
        cache === other.cache
    }

    /// Numbered footnotes, in order of first use.
    private struct Footnotes {
        var order: [String] = []

        /// "[1,3]" for these source ids (a repeated id once), or nothing for none.
        mutating func cite(_ ids: [String], into out: inout ByteBuffer) {
            var first = true
            for (n, id) in ids.enumerated() where !ids[..<n].contains(where: { Self.same($0, id) }) {
                let number: Int
                if let index = order.firstIndex(where: { Self.same($0, id) }) {
                    number = index + 1
                } else {
                    order.append(id)
                    number = order.count
                }
                out.append(first ? UInt8(ascii: "[") : UInt8(ascii: ","))
                out.put(integer: number)
                first = false
            }
            if !first { out.append(UInt8(ascii: "]")) }
        }

        /// `a == b`, with the lengths compared first: most ids looked at are another source's,
        /// and String's == calls into the runtime for two different strings of any length
        /// (300,000 calls per 1,000 patients, from here).
        @inline(__always)
        private static func same(_ a: String, _ b: String) -> Bool {
            a.utf8.count == b.utf8.count && a == b
        }
    }

    /// The patient's page as a String of its own (mbt report, the fuzz harness).
    public func render(_ patient: PatientScore, session index: Int? = nil) -> String {
        var page = ByteBuffer(capacity: 1 << 15)
        render(patient, session: index, onto: &page)
        return page.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the patient's page (the latest session, or the one at `index`) onto the end of
    /// `out` (a report file's buffer).
    public func render(_ patient: PatientScore, session index: Int? = nil, onto out: inout ByteBuffer) {
        guard !patient.sessions.isEmpty else {
            out.put("Patient \(patient.patientID): no dated session to report.\n")
            return
        }
        var page = PageText(continuing: &out)
        render(patient, patient.sessions[min(index ?? patient.sessions.count - 1, patient.sessions.count - 1)], &page)
        page.finish(into: &out)
    }

    private func render(_ patient: PatientScore, _ s: SessionScore, _ page: inout PageText) {
        // A value, passed down inout: a class's array was checked for exclusive access at run
        // time on every citation.
        var notes = Footnotes()

        page.add("MUSCLE BALANCE REPORT")
        let clinicName = clinic ?? ""
        let space = Self.width - 21 - textColumns(clinicName)
        if space >= 1 {
            page.spaces(space)
            page.add(clinicName)
        } else {
            page.add(" ")
            page.add(String(clinicName.unicodeScalars.prefix(max(0, Self.width - 21 - 1))))
        }
        page.endLine()
        page.line(Self.rule)
        var who = ["Patient \(patient.patientID)", "Sex \(patient.sex?.rawValue ?? "not recorded")",
                   "Age \(s.age.map(String.init) ?? "not recorded")",
                   "Body mass \(patient.bodyMassKg.map { decimal($0) + " kg" } ?? "not recorded")"]
        if let height = patient.heightCm { who.append("Height \(decimal(height)) cm") }
        page.fields(who)
        var when = ["Session \(s.date)"]
        if let assessor = s.assessor { when.append("Assessor \(assessor)") }
        when.append("Blood pressure \(s.bloodPressure.map { "\($0) mmHg" } ?? "not recorded")")
        page.fields(when)
        page.wrap(tables.protocolLine)
        page.wrap { p in
            p.put("Conditions: ")
            if patient.conditions.isEmpty { p.put("none recorded") }
            for (n, code) in patient.conditions.enumerated() {
                if n > 0 { p.put(", ") }
                p.put(tables.index.conditionLabels[code] ?? code)
            }
        }
        if patient.sessions.count > 1 {
            page.wrap { p in
                p.put("Sessions on file: ")
                for (n, session) in patient.sessions.enumerated() {
                    if n > 0 { p.put(", ") }
                    session.date.appendISO8601(to: &p)
                }
            }
        }

        page.endLine()
        page.line("IMBALANCE INDEX (0 = balanced, 100 = every graded index severe)")
        var regions = ["Overall \(s.overallIndex.map { decimal($0, digits: 1) } ?? "no graded index")"]
        for r in s.regions { regions.append("\(r.region.rawValue) \(r.value.map { decimal($0, digits: 1) } ?? "-")") }
        if let grade = s.overallGrade { regions.append("worst grade: \(grade.rawValue)") }
        page.fields(regions, indent: 2)

        page.endLine()
        page.line("RESULTS BY REGION")
        for region in BodyRegion.allCases {
            var header = false
            // In place: a `for r in` loop copies every result (a dozen reference counts) on each
            // of the three passes, matching or not, and so did lending one to `resultLines`.
            s.results.forEachInPlace { r in
                guard tables.index.regionOfTest[r.pointee.testIndex] == region else { return }
                if !header {
                    page.add("  ")
                    page.line(region.rawValue.uppercased())
                    page.line(Self.resultsHeader)
                    header = true
                }
                resultLines(r, &notes, &page)
            }
        }

        if !s.asymmetries.isEmpty {
            page.endLine()
            page.line("LEFT / RIGHT")
            for a in s.asymmetries { barLines(a, &page) }
        }

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
            }
        }

        page.endLine()
        page.line("FINDINGS")
        if s.findings.isEmpty { page.line("  No finding: every graded index is normal or has no reference.") }
        s.findings.forEachInPlace { f in
            page.wrap(indent: 2, hanging: 4) { p in
                p.put("- [")
                p.put(f.pointee.grade.rawValue)
                p.put("] ")
                p.put(f.pointee.text)
            }
        }

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
                sideLabel(e.pointee.side, bothSides: e.pointee.bothSides, &p)
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
                sideLabel(d.side, bothSides: d.bothSides, &p)
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
                    p.put(": NOT RECOMMENDED: ")
                    for (n, reason) in a.pointee.reasons.enumerated() {
                        if n > 0 { p.put("; ") }
                        p.put(reason)
                    }
                    p.put(".")
                }
            }
        }

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

        page.endLine()
        page.line("SOURCES")
        for (n, id) in notes.order.enumerated() {
            page.bytes.appendBytes(cache.footnote(number: n + 1, id: id, from: tables))
        }
        page.bytes.appendBytes(tables.legend)
    }

    /// " - left side only", " - both sides", or nothing for a midline exercise: the plan's
    /// lopsidedness, written where the patient reads each item.
    private func sideLabel(_ side: BodySide?, bothSides: Bool, _ p: inout ByteBuffer) {
        if let side {
            p.put(" - ")
            p.put(side.rawValue)
            p.put(" side only")
        } else if bothSides {
            p.put(" - both sides")
        }
    }

    /// "43.2 s", or a relative band "x0.82-1.23" (latest / previous).
    private func mdcText(_ c: UnsafePointer<ProgressItem>, _ unit: String, _ page: inout PageText) {
        if let value = c.pointee.mdc {
            page.bytes.put(decimal: value)
            page.add(" ")
            page.add(unit)
        } else if let below = c.pointee.mdcRatioBelow, let above = c.pointee.mdcRatioAbove {
            page.add("x")
            page.bytes.put(decimal: below)
            page.add("-")
            page.bytes.put(decimal: above)
        }
    }

    // MARK: Pieces

    static let rule = String(repeating: "=", count: width)
    static let resultsHeader = "  Test                        Value       Reference         % ref Grade"

    /// Row: test, side, value, the reference value (mean, or median of a table), percent of
    /// it, grade. Below it: the value in the norm's unit, z, percentile or class, and the source.
    ///
    /// `r` points into the session's results: the cells' closures capture the pointer, where
    /// capturing the result copied it whole.
    private func resultLines(_ r: UnsafePointer<TestResult>, _ notes: inout Footnotes, _ page: inout PageText) {
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
                p.put(" ")
                notes.cite(c.pointee.sources, into: &p)
            }
        }
        if let reason = r.pointee.noReference, r.pointee.comparisons.isEmpty { page.wrap(reason.reason, indent: 30, hanging: 32) }
    }

    private func barLines(_ a: AsymmetryResult, _ page: inout PageText) {
        let test = tables.index.tests[a.testID]
        let unit: StaticString = test?.unit.xmlWord ?? ""
        let barWidth = 20
        // Higher is better: bars scaled to the larger magnitude of the two. Lower is better (the
        // Thomas hip and Ober angles, which go negative): the better side's bar is full and the
        // tighter side's is shorter by the difference as a share of the plausible range, at
        // least one mark, so the tighter side is the one that looks worse.
        let scale = max(abs(a.left), abs(a.right))
        let lowerIsBetter = test?.direction == .lowerIsBetter
        let span = test.map { $0.plausibleRange.max - $0.plausibleRange.min } ?? 0
        func filled(_ v: Double) -> Int {
            guard lowerIsBetter else { return scale > 0 ? Int((abs(v) / scale * Double(barWidth)).rounded()) : 0 }
            let worse = v - min(a.left, a.right)
            guard worse > 0, span > 0 else { return barWidth }
            // Clamped as a Double first: any finite reading may come here (the fuzzer's do).
            let marks = min(Double(barWidth), (worse / span * Double(barWidth)).rounded(.up))
            return marks.isFinite ? max(0, min(barWidth - 1, barWidth - Int(marks))) : 0
        }
        func bar(_ v: Double, _ page: inout PageText) {
            let filled = filled(v)
            page.bytes.append(repeating: UInt8(ascii: "#"), count: filled)
            page.bytes.append(repeating: UInt8(ascii: "."), count: barWidth - filled)
        }
        page.add("  ")
        page.cell(24, test?.label ?? a.testID)
        page.add(" L ")
        bar(a.left, &page)
        page.add(" ")
        page.cell(9) { p in
            p.put(value: a.left, word: unit)
        }
        page.endLine()
        page.add("  ")
        page.spaces(24)
        page.add(" R ")
        bar(a.right, &page)
        page.add(" ")
        page.cell(9) { p in
            p.put(value: a.right, word: unit)
        }
        page.add(" ")
        if let value = a.value {
            page.bytes.put(decimal: value, digits: 1)
            if a.formula == .absoluteDifference {
                page.add(" ")
                page.add(unit)
            } else {
                page.add("%")
            }
            if let side = a.affectedSide { page.add(side == .left ? " L" : " R") }
            page.add(" ")
            page.add(a.grade?.xmlWord ?? "n/r")
        }
        page.endLine()
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

/// Printed columns of a text: one per Unicode scalar (every character mbt prints is one column
/// wide). Counts UTF-8 lead bytes, which is far cheaper than counting grapheme clusters.
func textColumns(_ text: some StringProtocol) -> Int {
    var count = 0
    for byte in text.utf8 where byte & 0xC0 != 0x80 { count += 1 }
    return count
}
