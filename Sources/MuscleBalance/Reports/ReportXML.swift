import MBXML
import MuscleBalanceCore

/// The XML report of one clinic file (`urn:musclebalance:report:1`, Reports/report.xsd), written
/// in pieces so that a file of any size streams: the header, one fragment per patient, the
/// footer. Each piece carries the inputs behind its figures.
final class ReportXML {
    let balanceProtocol: BalanceProtocol
    /// One libxml2 writer for the whole file; each patient is taken out as it is finished.
    private let w: XMLFragmentWriter
    /// The sources of each adjunct therapy (its own, its dose's, its blood-pressure limit's).
    private let adjunctSources: [String: [String]]
    private let tests: [String: TestDefinition]
    private let ratios: [String: RatioIndex]

    init(protocol p: BalanceProtocol) throws(XMLReadError) {
        balanceProtocol = p
        w = try XMLFragmentWriter()
        adjunctSources = Dictionary(
            p.adjuncts.map { a in (a.id, a.sources.ids + a.dose.sources.ids + (a.bloodPressureLimit?.sources.ids ?? [])) },
            uniquingKeysWith: { a, _ in a })
        tests = Dictionary(p.tests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        ratios = Dictionary(p.ratios.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static let formulas: [(String, String)] = [
        ("trials", "the trials of a measure combine as the test's combine attribute says (max, min, mean, median or last), after conversion to the test's unit: kgf = 9.80665 N, lbf = 4.4482216152605 N, in = 2.54 cm, mm = 0.1 cm"),
        ("percent-body-weight", "%BW = N / (body mass kg x 9.80665) x 100"),
        ("z", "z = (value - mean) / SD, with the sign reversed for a lower-is-better test, so that a negative z is worse than the norm"),
        ("sd-from-ci", "SD = (upper - lower) / (2 x 1.96) x sqrt(n), when the source publishes a 95% CI instead of an SD"),
        ("percent-of-mean", "percent of norm = value / mean x 100 (not given for a negative mean); for a percentile table, value / median x 100"),
        ("percentile", "percentile = normal CDF(z) x 100; for a percentile table, linear between the table's points"),
        ("percent-of-stronger", "asymmetry = (stronger - weaker) / stronger x 100"),
        ("limb-symmetry-index", "LSI = weaker / stronger x 100; graded on 100 - LSI"),
        ("absolute-difference", "asymmetry = |left - right| in the test's unit"),
        ("ratio", "ratio = numerator / denominator, each in its test's unit"),
        ("imbalance-index", "a region's index = mean of the grade points of its graded indices; overall = sum(weight x region index) / sum(weight) over the regions with a value"),
    ]

    func header(input: String, clinic: String?) throws(XMLReadError) -> [UInt8] {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"\(MBTNamespace.report)\""
        text += " protocol=\"\(escape(balanceProtocol.id))\" protocolVersion=\"\(escape(balanceProtocol.version))\""
        text += " input=\"\(escape(input))\""
        if let clinic { text += " clinic=\"\(escape(clinic))\"" }
        text += ">\n"
        var out = Array(text.utf8)
        try w.start("formulas")
        for (id, formula) in Self.formulas {
            try w.element("formula", [("id", id)], text: formula)
        }
        try w.end()
        try w.take(into: &out)
        return out
    }

    func footer() throws(XMLReadError) -> [UInt8] {
        var out: [UInt8] = []
        try w.start("sources")
        for source in balanceProtocol.sources {
            try w.element("source", [("id", source.id), ("kind", source.kind.rawValue)], text: source.citation)
        }
        try w.end()
        try w.take(into: &out)
        return out + Array("</report>\n".utf8)
    }

    func skipped(patientID: String, line: Int, reason: String) throws(XMLReadError) -> [UInt8] {
        var out: [UInt8] = []
        try skipped(patientID: patientID, line: line, reason: reason, into: &out)
        return out
    }

    func patient(_ p: PatientScore) throws(XMLReadError) -> [UInt8] {
        var out: [UInt8] = []
        try patient(p, into: &out)
        return out
    }

    func skipped(patientID: String, line: Int, reason: String, into out: inout [UInt8]) throws(XMLReadError) {
        try w.start("skipped")
        try w.attribute("patient", patientID)
        try integer("line", line)
        try w.text(reason)
        try w.end()
        try w.take(into: &out)
    }

    func patient(_ p: PatientScore, into out: inout [UInt8]) throws(XMLReadError) {
        try w.start("patient")
        try w.attribute("id", p.patientID)
        try w.attribute("sex", p.sex?.rawValue)
        try date("birthDate", p.birthDate)
        try number("bodyMassKg", p.bodyMassKg)
        try number("heightCm", p.heightCm)
        for code in p.conditions {
            try w.start("condition")
            try w.attribute("code", code)
            try w.end()
        }
        for session in p.sessions { try write(session) }
        try w.end()
        try w.take(into: &out)
    }

    private func number(_ name: StaticString, _ value: Double?) throws(XMLReadError) {
        guard let value else { return }
        try w.attribute(name) { appendDecimal(value, to: &$0) }
    }

    private func integer(_ name: StaticString, _ value: Int?) throws(XMLReadError) {
        guard let value else { return }
        try w.attribute(name) { appendInteger(value, to: &$0) }
    }

    private func date(_ name: StaticString, _ value: CivilDate?) throws(XMLReadError) {
        guard let value else { return }
        try w.attribute(name) { value.appendISO8601(to: &$0) }
    }

    /// Source ids, space-separated (with `unique`, a repeated id once). No ids: no attribute,
    /// unless `evenIfEmpty` (the norms and ratio ranges have always written `source=""`).
    private func sources(_ name: StaticString, _ ids: [String], unique: Bool = true, evenIfEmpty: Bool = false) throws(XMLReadError) {
        guard evenIfEmpty || !ids.isEmpty else { return }
        try w.attribute(name) { out in
            for (n, id) in ids.enumerated() where !unique || !ids[..<n].contains(id) {
                if out.count > 0 { out.append(UInt8(ascii: " ")) }
                out.append(contentsOf: id.utf8)
            }
        }
    }

    private func write(_ s: SessionScore) throws(XMLReadError) {
        try w.start("session")
        try date("date", s.date)
        try integer("age", s.age)
        try w.attribute("bloodPressure", s.bloodPressure?.description)
        try w.attribute("assessor", s.assessor)
        try number("overallIndex", s.overallIndex)
        try w.attribute("overallGrade", s.overallGrade?.rawValue)
        for r in s.results { try write(r) }
        for a in s.asymmetries {
            try w.start("asymmetry")
            try w.attribute("test", a.testID)
            try w.attribute("formula", a.formula.rawValue)
            try number("left", a.left)
            try number("right", a.right)
            try number("value", a.value)
            try w.attribute("affectedSide", a.affectedSide?.rawValue)
            try w.attribute("grade", a.grade?.rawValue)
            try sources("source", a.sources)
            try w.attribute("noReference", a.noReference?.reason)
            try w.end()
        }
        for r in s.ratios {
            let range = r.acceptable
            try w.start("ratio")
            try w.attribute("id", r.ratioID)
            try w.attribute("side", r.side?.rawValue)
            try number("numerator", r.numerator)
            try number("denominator", r.denominator)
            try number("value", r.value)
            try w.attribute("grade", r.grade?.rawValue)
            try number("min", range?.min)
            try number("above", range?.above)
            try number("max", range?.max)
            try number("below", range?.below)
            try w.attribute("deficient", r.deficient?.rawValue)
            if let range {
                // An empty list is still written (source=""), as the schema allows.
                try sources("source", range.sources.ids, unique: false, evenIfEmpty: true)
            }
            try w.attribute("noReference", r.noReference?.reason)
            try w.end()
        }
        for f in s.findings {
            let (basis, index): (StaticString, String) =
                switch f.basis {
                case .cutoff(let id): ("cutoff", id)
                case .asymmetry(let id): ("asymmetry", id)
                case .ratio(let id): ("ratio", id)
                }
            try w.start("finding")
            try w.attribute("muscleGroup", f.muscleGroup)
            try w.attribute("region", f.region.rawValue)
            try w.attribute("side", f.side?.rawValue)
            try w.attribute("problem", f.problem.rawValue)
            try w.attribute("grade", f.grade.rawValue)
            try w.attribute("basis") { $0.append(contentsOf: UnsafeBufferPointer(start: basis.utf8Start, count: basis.utf8CodeUnitCount)) }
            try w.attribute("index", index)
            try w.text(f.text)
            try w.end()
        }
        for region in s.regions {
            try w.start("imbalance")
            try w.attribute("region", region.region.rawValue)
            try number("value", region.value)
            try integer("gradedIndices", region.gradedIndices)
            try number("weight", region.weight)
            try w.end()
        }
        try w.start("plan")
        try date("reassessFrom", s.plan.reassessFrom)
        try date("reassessBy", s.plan.reassessBy)
        try integer("maxExercises", balanceProtocol.plan.maxExercises)
        for e in s.plan.exercises {
            let d = e.dosage
            try w.start("exercise")
            try w.attribute("id", e.exerciseID)
            try w.attribute("name", e.name)
            try w.attribute("side", e.side?.rawValue)
            try w.attribute("grade", e.grade.rawValue)
            try integer("sets", e.sets)
            try integer("repsMin", d.repsMin)
            try integer("repsMax", d.repsMax)
            try integer("holds", d.holds)
            try integer("holdsMax", d.holdsMax)
            try integer("holdSecondsMin", d.holdSecondsMin)
            try integer("holdSecondsMax", d.holdSecondsMax)
            try integer("daysPerWeekMin", d.daysPerWeekMin)
            try integer("daysPerWeekMax", d.daysPerWeekMax)
            try sources("source", d.sources.ids, unique: false)
            try w.text(e.answers)
            try w.end()
        }
        for withheld in s.plan.withheld {
            try w.start("withheld")
            try w.attribute("id", withheld.exerciseID)
            try w.attribute("reason", withheld.reason)
            try w.end()
        }
        for text in s.plan.unanswered { try w.element("unanswered", text: text) }
        try w.end()
        for a in s.adjuncts {
            try w.start("adjunct")
            try w.attribute("id", a.adjunctID)
            try w.attribute("name", a.name)
            try w.attribute("offered", a.offered ? "true" : "false")
            try w.attribute("alongsideExercise", a.alongsideExercise ? "true" : "false")
            try number("startMinutes", a.dose.startMinutes)
            try number("maxMinutesPerSession", a.dose.maxMinutesPerSession)
            try number("maxMinutesPerDay", a.dose.maxMinutesPerDay)
            try integer("maxSessionsPerWeek", a.dose.maxSessionsPerWeek)
            try sources("source", adjunctSources[a.adjunctID] ?? [])
            for reason in a.reasons { try w.element("reason", text: reason) }
            for caution in a.cautions { try w.element("caution", text: caution) }
            try w.end()
        }
        if let previous = s.previousDate {
            try w.start("progress")
            try date("previousDate", previous)
            for c in s.progress {
                try w.start("change")
                try w.attribute("test", c.testID)
                try w.attribute("side", c.side?.rawValue)
                try number("previous", c.previous)
                try number("latest", c.latest)
                try number("change", c.change)
                try number("mdc", c.mdc)
                try w.attribute("verdict", c.verdict.rawValue)
                try w.end()
            }
            try w.end()
        }
        try w.end()
    }

    private func write(_ r: TestResult) throws(XMLReadError) {
        let test = tests[r.testID]
        try w.start("result")
        try w.attribute("test", r.testID)
        try w.attribute("side", r.side?.rawValue)
        try number("value", r.value)
        try w.attribute("unit", test?.unit.rawValue ?? r.unit.rawValue)
        try w.attribute("trialUnit", r.unit.rawValue)
        try w.attribute("combine", test?.combine.rawValue ?? "max")
        for trial in r.trials {
            try w.start("trial")
            try w.text { appendDecimal(trial, to: &$0) }
            try w.end()
        }
        for c in r.comparisons {
            try w.start("norm")
            let kind: String =
                switch c.outcome {
                case .meanSD: "meanSD"
                case .cutoff: "cutoff"
                case .percentiles: "percentiles"
                }
            try w.attribute("kind", kind)
            try w.attribute("sex", c.stratum.sex?.rawValue ?? "any")
            try integer("ageMin", c.stratum.ageMin)
            try integer("ageMax", c.stratum.ageMax)
            try w.attribute("side", c.stratum.side?.rawValue)
            try w.attribute("unit", c.unit.symbol)
            try number("value", c.value)
            switch c.outcome {
            case .meanSD(let mean, let sd, let derived, let z, let percent, let percentile):
                try number("mean", mean)
                try number("sd", sd)
                try w.attribute("sdFromCI", derived ? "true" : nil)
                try number("z", z)
                try number("percentOfMean", percent)
                try number("percentile", percentile)
            case .cutoff(let label, let grade):
                try w.attribute("class", label)
                try w.attribute("grade", grade.rawValue)
            case .percentiles(let percentile, let beyond, let median, let percent):
                try number("percentile", percentile)
                try w.attribute("beyond", beyond)
                try number("median", median)
                try number("percentOfMedian", percent)
            }
            try sources("source", c.sources, unique: false, evenIfEmpty: true)
            try w.attribute("note", c.note)
            try w.end()
        }
        if let none = r.noReference { try w.element("noReference", text: none.reason) }
        try w.end()
    }
}

/// Escapes text for an attribute written by hand (the root element, which stays open while the
/// patients stream).
func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\n": out += "&#10;"
        case "\t": out += "&#9;"
        case "\r": out += "&#13;"
        default:
            // Characters XML 1.0 cannot carry at all are dropped rather than written invalid.
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
