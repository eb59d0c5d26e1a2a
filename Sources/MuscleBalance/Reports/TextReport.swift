import MuscleBalanceCore

/// The printable report: at most 80 columns, one patient per page (a form feed between
/// patients), the latest session in full (or the one asked for) with progress since the one
/// before, and the norms' sources as numbered footnotes.
struct TextReport {
    static let width = 80
    let balanceProtocol: BalanceProtocol
    let clinic: String?
    private let tests: [String: TestDefinition]
    private let groups: [String: MuscleGroup]
    private let cache = Cache()

    /// Text that is the same on every page (footnotes, the legend), wrapped once per file.
    /// A TextReport belongs to one file's scoring, on one thread.
    private final class Cache {
        var footnotes: [String: [String]] = [:]
        var legendLines: [String]?

        func footnote(number: Int, id: String, _ make: () -> [String]) -> [String] {
            let key = "\(number)|\(id)"
            if let known = footnotes[key] { return known }
            let lines = make()
            footnotes[key] = lines
            return lines
        }

        func legend(_ make: () -> [String]) -> [String] {
            if let legendLines { return legendLines }
            let lines = make()
            legendLines = lines
            return lines
        }
    }

    init(protocol p: BalanceProtocol, clinic: String?) {
        balanceProtocol = p
        self.clinic = clinic
        tests = Dictionary(p.tests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        groups = Dictionary(p.muscleGroups.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Numbered footnotes, in order of first use.
    private final class Footnotes {
        var order: [String] = []
        func cite(_ ids: [String]) -> String {
            let numbers = unique(ids).map { id -> Int in
                if let index = order.firstIndex(of: id) { return index + 1 }
                order.append(id)
                return order.count
            }
            return numbers.isEmpty ? "" : "[" + numbers.map(String.init).joined(separator: ",") + "]"
        }
    }

    func render(_ patient: PatientScore, session index: Int? = nil) -> String {
        guard !patient.sessions.isEmpty else { return "Patient \(patient.patientID): no dated session to report.\n" }
        let s = patient.sessions[min(index ?? patient.sessions.count - 1, patient.sessions.count - 1)]
        let notes = Footnotes()
        var out: [String] = []

        out.append(columns("MUSCLE BALANCE REPORT", clinic ?? ""))
        out.append(String(repeating: "=", count: Self.width))
        var who = ["Patient \(patient.patientID)", "Sex \(patient.sex?.rawValue ?? "not recorded")",
                   "Age \(s.age.map(String.init) ?? "not recorded")",
                   "Body mass \(patient.bodyMassKg.map { decimal($0) + " kg" } ?? "not recorded")"]
        if let height = patient.heightCm { who.append("Height \(decimal(height)) cm") }
        out += fields(who)
        var when = ["Session \(s.date)"]
        if let assessor = s.assessor { when.append("Assessor \(assessor)") }
        when.append("Blood pressure \(s.bloodPressure.map { "\($0) mmHg" } ?? "not recorded")")
        out += fields(when)
        out += wrap("Protocol \(balanceProtocol.id) \(balanceProtocol.version) (\(balanceProtocol.title))")
        let conditions = patient.conditions.map { code in balanceProtocol.conditions.first { $0.code == code }?.label ?? code }
        out += wrap("Conditions: \(conditions.isEmpty ? "none recorded" : conditions.joined(separator: ", "))")
        if patient.sessions.count > 1 {
            out += wrap("Sessions on file: \(patient.sessions.map(\.date.description).joined(separator: ", "))")
        }

        out.append("")
        out.append("IMBALANCE INDEX (0 = balanced, 100 = every graded index severe)")
        var regions = ["Overall \(s.overallIndex.map { decimal($0, digits: 1) } ?? "no graded index")"]
        for r in s.regions { regions.append("\(r.region.rawValue) \(r.value.map { decimal($0, digits: 1) } ?? "-")") }
        if let grade = s.overallGrade { regions.append("worst grade: \(grade.rawValue)") }
        out += fields(regions, indent: 2)

        out.append("")
        out.append("RESULTS BY REGION")
        let header = pad("Test", 24) + " " + pad("", 2) + " " + pad("Value", 11) + " " + pad("Reference", 16) + " " + pad("% ref", 6, right: true) + " Grade"
        for region in BodyRegion.allCases {
            let rows = s.results.filter { r in tests[r.testID].flatMap { groups[$0.muscleGroup] }?.region == region }
            guard !rows.isEmpty else { continue }
            out.append("  " + region.rawValue.uppercased())
            out.append("  " + header)
            for r in rows { out += resultLines(r, notes) }
        }

        let pairs = s.asymmetries
        if !pairs.isEmpty {
            out.append("")
            out.append("LEFT / RIGHT")
            for a in pairs { out += barLines(a, notes) }
        }

        if !s.ratios.isEmpty {
            out.append("")
            out.append("RATIOS")
            for r in s.ratios {
                let ratio = balanceProtocol.ratios.first { $0.id == r.ratioID }
                let name = (ratio?.name ?? r.ratioID) + (r.side.map { " (\($0.rawValue))" } ?? "")
                let reference = r.acceptable.map { rangeLabel($0) + " " + notes.cite($0.sources.ids) } ?? "no reference"
                out.append("  " + pad(name, 39) + " " + pad(decimal(r.value, digits: 2), 5, right: true) + "  " + pad(reference, 22) + " " + (r.grade?.rawValue ?? "-"))
            }
        }

        out.append("")
        out.append("FINDINGS")
        if s.findings.isEmpty { out.append("  No finding: every graded index is normal or has no reference.") }
        for f in s.findings { out += wrap("- [\(f.grade.rawValue)] \(f.text)", indent: 2, hanging: 4) }

        out.append("")
        var planTitle = "CORRECTIVE PLAN"
        if let from = s.plan.reassessFrom, let by = s.plan.reassessBy {
            planTitle += " (reassess between \(from) and \(by) \(notes.cite(balanceProtocol.plan.reassessmentSources.ids)))"
        }
        out += wrap(planTitle)
        if s.plan.exercises.isEmpty { out.append("  No exercise: no finding that the protocol's library answers.") }
        for (n, e) in s.plan.exercises.enumerated() {
            let side = e.side.map { " - \($0.rawValue) side only" } ?? ""
            out += wrap("\(n + 1). \(e.name)\(side)", indent: 2, hanging: 5)
            out += wrap(dosageText(e) + " " + notes.cite(e.dosage.sources.ids), indent: 5, hanging: 5)
            out += wrap("for: \(e.answers)", indent: 5, hanging: 10)
        }
        for w in s.plan.withheld { out += wrap("Withheld: \(w.exerciseID) (\(w.reason))", indent: 2, hanging: 4) }
        for u in s.plan.unanswered { out += wrap("No exercise in the library for: \(u)", indent: 2, hanging: 4) }

        out.append("")
        out.append("ADJUNCT THERAPIES")
        for a in s.adjuncts {
            if a.offered {
                let alongside = a.alongsideExercise ? ", alongside the exercise plan, never instead of it" : ""
                out += wrap("\(a.name): may be offered\(alongside).", indent: 2, hanging: 4)
                out += wrap("Dose: \(doseText(a.dose)) \(notes.cite(a.dose.sources.ids))", indent: 4, hanging: 6)
                for caution in a.cautions { out += wrap("Caution: \(caution)", indent: 4, hanging: 6) }
            } else {
                out += wrap("\(a.name): NOT RECOMMENDED: \(a.reasons.joined(separator: "; ")).", indent: 2, hanging: 4)
            }
        }

        if let previous = s.previousDate {
            out.append("")
            out.append("PROGRESS SINCE \(previous)")
            for c in s.progress {
                let test = tests[c.testID]
                let unit = test?.unit.rawValue ?? ""
                let name = (test?.name ?? c.testID) + (c.side.map { " \($0 == .left ? "L" : "R")" } ?? "")
                let change = (c.change >= 0 ? "+" : "") + decimal(c.change, digits: 1)
                let verdict: String
                switch c.verdict {
                case .improved: verdict = "improved (MDC \(decimal(c.mdc ?? 0)) \(unit))"
                case .worsened: verdict = "worse (MDC \(decimal(c.mdc ?? 0)) \(unit))"
                case .withinMDC: verdict = "within MDC \(decimal(c.mdc ?? 0)) \(unit)"
                case .noMDC: verdict = "no MDC: not judged"
                }
                out.append("  " + pad(name, 26) + " " + pad(decimal(c.previous, digits: 1), 6, right: true) + " -> " + pad(decimal(c.latest, digits: 1) + " " + unit, 9) + " " + pad(change, 7, right: true) + "  " + verdict)
            }
        }

        out.append("")
        out.append("SOURCES")
        for (n, id) in notes.order.enumerated() {
            out += cache.footnote(number: n + 1, id: id) {
                let source = balanceProtocol.source(id)
                let kind = source.map { $0.kind == .cited ? "" : " (\($0.kind.rawValue))" } ?? ""
                return wrap("[\(n + 1)] \(source?.citation ?? id)\(kind)", indent: 2, hanging: 6)
            }
        }
        out += cache.legend {
            wrap("z: negative is worse than the norm. % ref: value / norm mean (or median) x 100. "
                + "\"no reference\": no published norm for this patient's sex and age, or none at all; no figure is borrowed.", indent: 0)
        }
        // utf8.count is O(1): only a line of over 80 bytes needs its columns counted.
        return out.map { $0.utf8.count > Self.width && textColumns($0) > Self.width ? String($0.unicodeScalars.prefix(Self.width)) : $0 }
            .joined(separator: "\n") + "\n"
    }

    // MARK: Pieces

    /// Row: test, side, value, the reference value (mean, or median of a table), percent of
    /// it, grade. Below it: the value in the norm's unit, z, percentile or class, and the source.
    private func resultLines(_ r: TestResult, _ notes: Footnotes) -> [String] {
        let test = tests[r.testID]
        let unit = test?.unit.rawValue ?? ""
        let name = test?.name ?? r.testID
        let side = r.side.map { $0 == .left ? "L" : "R" } ?? ""
        let value = decimal(r.value, digits: 1) + " " + unit
        var reference = "no reference"
        var percent = ""
        var details: [String] = []
        for c in r.comparisons {
            let cite = notes.cite(c.sources)
            let converted = c.unit.symbol == unit ? "" : "\(decimal(c.value, digits: 2)) \(c.unit.symbol), "
            switch c.outcome {
            case .meanSD(let mean, _, _, let z, let p, let percentile):
                reference = "\(decimal(mean, digits: 2)) \(c.unit.symbol)"
                if let p { percent = decimal(p, digits: 0) + "%" }
                details.append("\(converted)z \(fixed(z, 2)), percentile \(decimal(percentile, digits: 0)) \(cite)")
            case .cutoff(let label, _):
                if r.comparisons.count == 1 { reference = "cut-off" }
                details.append("\(converted)\(label) \(cite)")
            case .percentiles(let percentile, let beyond, let median, let p):
                if let median { reference = "P50 \(decimal(median, digits: 1)) \(c.unit.symbol)" }
                if let p { percent = decimal(p, digits: 0) + "%" }
                let where_ = percentile.map { "percentile \(decimal($0, digits: 0))" } ?? (beyond.map { "percentile \($0)" } ?? "")
                details.append("\(converted)\(where_) \(cite)")
            }
        }
        if let reason = r.noReference, r.comparisons.isEmpty { details.append(reason.reason) }
        let grade = r.grade?.rawValue ?? "-"
        var lines = ["  " + pad(name, 24) + " " + pad(side, 2) + " " + pad(value, 11) + " " + pad(reference, 16) + " " + pad(percent, 6, right: true) + " " + grade]
        for detail in details { lines += wrap(detail, indent: 30, hanging: 32) }
        return lines
    }

    private func barLines(_ a: AsymmetryResult, _ notes: Footnotes) -> [String] {
        let test = tests[a.testID]
        let name = test?.name ?? a.testID
        let unit = test?.unit.rawValue ?? ""
        let barWidth = 20
        // Bars are scaled to the larger magnitude of the two; negative angles draw from zero.
        let scale = max(abs(a.left), abs(a.right))
        func bar(_ v: Double) -> String {
            let filled = scale > 0 ? Int((abs(v) / scale * Double(barWidth)).rounded()) : 0
            return String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        }
        var verdict = ""
        if let value = a.value {
            verdict = decimal(value, digits: 1) + (a.formula == .absoluteDifference ? " \(unit)" : "%")
            if let side = a.affectedSide { verdict += " \(side == .left ? "L" : "R")" }
            verdict += " " + (a.grade?.rawValue ?? "n/r")
        }
        return [
            "  " + pad(name, 24) + " L " + bar(a.left) + " " + pad(decimal(a.left, digits: 1) + " " + unit, 9),
            "  " + pad("", 24) + " R " + bar(a.right) + " " + pad(decimal(a.right, digits: 1) + " " + unit, 9) + " " + verdict,
        ]
    }

    private func rangeLabel(_ range: AcceptableRange) -> String {
        var parts: [String] = []
        if let v = range.min { parts.append(">=\(decimal(v))") }
        if let v = range.above { parts.append(">\(decimal(v))") }
        if let v = range.max { parts.append("<=\(decimal(v))") }
        if let v = range.below { parts.append("<\(decimal(v))") }
        return parts.joined(separator: " ")
    }

    private func dosageText(_ e: PlannedExercise) -> String {
        let d = e.dosage
        var parts: [String] = []
        if let sets = e.sets { parts.append("\(sets) sets") }
        if let a = d.repsMin { parts.append(d.repsMax.map { "\(a)-\($0) reps" } ?? "at least \(a) reps") }
        if let a = d.holds { parts.append(d.holdsMax.map { "\(a)-\($0) holds" } ?? "\(a) holds") }
        if let a = d.holdSecondsMin { parts.append(d.holdSecondsMax.map { "\(a)-\($0) s each" } ?? "\(a) s each") }
        if let a = d.daysPerWeekMin { parts.append(d.daysPerWeekMax.map { "\(a)-\($0) days a week" } ?? "\(a) days a week") }
        var missing: [String] = []
        if e.sets == nil && d.holds == nil { missing.append("sets") }
        if d.daysPerWeekMin == nil { missing.append("days a week") }
        if !missing.isEmpty { parts.append(missing.joined(separator: " and ") + ": no reference") }
        return parts.joined(separator: "; ")
    }

    private func doseText(_ d: DoseLimits) -> String {
        var parts: [String] = []
        if let v = d.startMinutes { parts.append("start with \(decimal(v)) min") }
        if let v = d.maxMinutesPerSession { parts.append("at most \(decimal(v)) min a session") }
        if let v = d.maxMinutesPerDay { parts.append("at most \(decimal(v)) min a day") }
        if let v = d.maxSessionsPerWeek { parts.append("at most \(v) sessions a week") }
        var missing: [String] = []
        if d.startMinutes == nil { missing.append("start duration") }
        if d.maxMinutesPerSession == nil && d.maxMinutesPerDay == nil { missing.append("maximum duration") }
        if d.maxSessionsPerWeek == nil { missing.append("sessions a week") }
        if !missing.isEmpty { parts.append(missing.joined(separator: ", ") + ": no reference") }
        return parts.joined(separator: "; ")
    }

    // MARK: Layout

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = textColumns(text)
        let cut = count > width ? String(text.unicodeScalars.prefix(width - 1)) + "." : text
        let fill = String(repeating: " ", count: max(0, width - min(count, width)))
        return right ? fill + cut : cut + fill
    }

    private func columns(_ left: String, _ right: String) -> String {
        let space = Self.width - textColumns(left) - textColumns(right)
        return space >= 1 ? left + String(repeating: " ", count: space) + right : left + " " + String(right.unicodeScalars.prefix(max(0, Self.width - textColumns(left) - 1)))
    }

    /// Fields three spaces apart, wrapped between fields.
    private func fields(_ items: [String], indent: Int = 0) -> [String] {
        joinWrapped(items.map { Substring($0) }, separator: "   ", indent: indent, hanging: indent)
    }

    /// Word-wraps to the page width: `indent` spaces before the first line, `hanging` before the rest.
    private func wrap(_ text: String, indent: Int = 0, hanging: Int? = nil) -> [String] {
        joinWrapped(text.split(separator: " "), separator: " ", indent: indent, hanging: hanging ?? indent)
    }

    /// Lengths are tracked as numbers, never recounted: this runs for every line of every page.
    private func joinWrapped(_ pieces: [Substring], separator: String, indent: Int, hanging: Int) -> [String] {
        var lines: [String] = []
        var line = String(repeating: " ", count: indent)
        var length = indent
        var empty = true
        let gap = separator.utf8.count
        for piece in pieces {
            let size = textColumns(piece)
            if !empty && length + gap + size > Self.width {
                lines.append(line)
                line = String(repeating: " ", count: hanging)
                length = hanging
                empty = true
            }
            if !empty {
                line += separator
                length += gap
            }
            line += piece
            length += size
            empty = false
        }
        lines.append(line)
        return lines
    }
}

/// Printed columns of a text: one per Unicode scalar (every character mbt prints is one column
/// wide). Counts UTF-8 lead bytes, which is far cheaper than counting grapheme clusters.
func textColumns(_ text: some StringProtocol) -> Int {
    var count = 0
    for byte in text.utf8 where byte & 0xC0 != 0x80 { count += 1 }
    return count
}
