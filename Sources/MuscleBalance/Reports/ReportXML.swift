import MBXML
import MuscleBalanceCore

/// The XML report of one clinic file (`urn:musclebalance:report:1`, Reports/report.xsd), written
/// in pieces so that a file of any size streams: the header, one fragment per patient, the
/// footer. Each piece carries the inputs behind its figures.
struct ReportXML {
    let balanceProtocol: BalanceProtocol
    private let tests: [String: TestDefinition]
    private let ratios: [String: RatioIndex]
    private let exercises: [String: CorrectiveExercise]
    private let adjuncts: [String: AdjunctTherapy]

    init(protocol p: BalanceProtocol) {
        balanceProtocol = p
        tests = Dictionary(p.tests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        ratios = Dictionary(p.ratios.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        exercises = Dictionary(p.exercises.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        adjuncts = Dictionary(p.adjuncts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
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
        let w = try XMLFragmentWriter()
        try w.start("formulas")
        for (id, formula) in Self.formulas {
            try w.element("formula", [("id", id)], text: formula)
        }
        try w.end()
        return Array(text.utf8) + (try w.finish())
    }

    func footer() throws(XMLReadError) -> [UInt8] {
        let w = try XMLFragmentWriter()
        try w.start("sources")
        for source in balanceProtocol.sources {
            try w.element("source", [("id", source.id), ("kind", source.kind.rawValue)], text: source.citation)
        }
        try w.end()
        return (try w.finish()) + Array("</report>\n".utf8)
    }

    func skipped(patientID: String, line: Int, reason: String) throws(XMLReadError) -> [UInt8] {
        let w = try XMLFragmentWriter()
        try w.element("skipped", [("patient", patientID), ("line", String(line))], text: reason)
        return try w.finish()
    }

    func patient(_ p: PatientScore) throws(XMLReadError) -> [UInt8] {
        let w = try XMLFragmentWriter()
        try w.start("patient")
        try w.attribute("id", p.patientID)
        try w.attribute("sex", p.sex?.rawValue)
        try w.attribute("birthDate", p.birthDate?.description)
        try w.attribute("bodyMassKg", p.bodyMassKg.map { decimal($0) })
        try w.attribute("heightCm", p.heightCm.map { decimal($0) })
        for code in p.conditions { try w.element("condition", [("code", code)]) }
        for session in p.sessions { try write(session, to: w) }
        try w.end()
        return try w.finish()
    }

    private func write(_ s: SessionScore, to w: XMLFragmentWriter) throws(XMLReadError) {
        try w.start("session")
        try w.attribute("date", s.date.description)
        try w.attribute("age", s.age.map(String.init))
        try w.attribute("bloodPressure", s.bloodPressure?.description)
        try w.attribute("assessor", s.assessor)
        try w.attribute("overallIndex", s.overallIndex.map { decimal($0) })
        try w.attribute("overallGrade", s.overallGrade?.rawValue)
        for r in s.results { try write(r, to: w) }
        for a in s.asymmetries {
            try w.element("asymmetry", [
                ("test", a.testID), ("formula", a.formula.rawValue), ("left", decimal(a.left)), ("right", decimal(a.right)),
                ("value", a.value.map { decimal($0) }), ("affectedSide", a.affectedSide?.rawValue), ("grade", a.grade?.rawValue),
                ("source", a.sources.isEmpty ? nil : unique(a.sources).joined(separator: " ")), ("noReference", a.noReference?.reason),
            ])
        }
        for r in s.ratios {
            let range = r.acceptable
            try w.element("ratio", [
                ("id", r.ratioID), ("side", r.side?.rawValue), ("numerator", decimal(r.numerator)), ("denominator", decimal(r.denominator)),
                ("value", decimal(r.value)), ("grade", r.grade?.rawValue), ("min", range?.min.map { decimal($0) }),
                ("above", range?.above.map { decimal($0) }), ("max", range?.max.map { decimal($0) }), ("below", range?.below.map { decimal($0) }),
                ("deficient", r.deficient?.rawValue), ("source", range.map { $0.sources.ids.joined(separator: " ") }),
                ("noReference", r.noReference?.reason),
            ])
        }
        for f in s.findings {
            let (basis, index): (String, String) =
                switch f.basis {
                case .cutoff(let id): ("cutoff", id)
                case .asymmetry(let id): ("asymmetry", id)
                case .ratio(let id): ("ratio", id)
                }
            try w.element("finding", [
                ("muscleGroup", f.muscleGroup), ("region", f.region.rawValue), ("side", f.side?.rawValue), ("problem", f.problem.rawValue),
                ("grade", f.grade.rawValue), ("basis", basis), ("index", index),
            ], text: f.text)
        }
        for region in s.regions {
            try w.element("imbalance", [
                ("region", region.region.rawValue), ("value", region.value.map { decimal($0) }),
                ("gradedIndices", String(region.gradedIndices)), ("weight", decimal(region.weight)),
            ])
        }
        try w.start("plan")
        try w.attribute("reassessFrom", s.plan.reassessFrom?.description)
        try w.attribute("reassessBy", s.plan.reassessBy?.description)
        try w.attribute("maxExercises", String(balanceProtocol.plan.maxExercises))
        for e in s.plan.exercises {
            let d = e.dosage
            try w.element("exercise", [
                ("id", e.exerciseID), ("name", e.name), ("side", e.side?.rawValue), ("grade", e.grade.rawValue), ("sets", e.sets.map(String.init)),
                ("repsMin", d.repsMin.map(String.init)), ("repsMax", d.repsMax.map(String.init)), ("holds", d.holds.map(String.init)),
                ("holdsMax", d.holdsMax.map(String.init)), ("holdSecondsMin", d.holdSecondsMin.map(String.init)),
                ("holdSecondsMax", d.holdSecondsMax.map(String.init)), ("daysPerWeekMin", d.daysPerWeekMin.map(String.init)),
                ("daysPerWeekMax", d.daysPerWeekMax.map(String.init)), ("source", d.sources.isEmpty ? nil : d.sources.ids.joined(separator: " ")),
            ], text: e.answers)
        }
        for withheld in s.plan.withheld { try w.element("withheld", [("id", withheld.exerciseID), ("reason", withheld.reason)]) }
        for text in s.plan.unanswered { try w.element("unanswered", text: text) }
        try w.end()
        for a in s.adjuncts {
            try w.start("adjunct")
            try w.attribute("id", a.adjunctID)
            try w.attribute("name", a.name)
            try w.attribute("offered", a.offered ? "true" : "false")
            try w.attribute("alongsideExercise", a.alongsideExercise ? "true" : "false")
            try w.attribute("startMinutes", a.dose.startMinutes.map { decimal($0) })
            try w.attribute("maxMinutesPerSession", a.dose.maxMinutesPerSession.map { decimal($0) })
            try w.attribute("maxMinutesPerDay", a.dose.maxMinutesPerDay.map { decimal($0) })
            try w.attribute("maxSessionsPerWeek", a.dose.maxSessionsPerWeek.map(String.init))
            let sources = (adjuncts[a.adjunctID].map { $0.sources.ids + $0.dose.sources.ids + ($0.bloodPressureLimit?.sources.ids ?? []) } ?? [])
            try w.attribute("source", sources.isEmpty ? nil : unique(sources).joined(separator: " "))
            for reason in a.reasons { try w.element("reason", text: reason) }
            for caution in a.cautions { try w.element("caution", text: caution) }
            try w.end()
        }
        if let previous = s.previousDate {
            try w.start("progress")
            try w.attribute("previousDate", previous.description)
            for c in s.progress {
                try w.element("change", [
                    ("test", c.testID), ("side", c.side?.rawValue), ("previous", decimal(c.previous)), ("latest", decimal(c.latest)),
                    ("change", decimal(c.change)), ("mdc", c.mdc.map { decimal($0) }), ("verdict", c.verdict.rawValue),
                ])
            }
            try w.end()
        }
        try w.end()
    }

    private func write(_ r: TestResult, to w: XMLFragmentWriter) throws(XMLReadError) {
        let test = tests[r.testID]
        try w.start("result")
        try w.attribute("test", r.testID)
        try w.attribute("side", r.side?.rawValue)
        try w.attribute("value", decimal(r.value))
        try w.attribute("unit", test?.unit.rawValue ?? r.unit.rawValue)
        try w.attribute("trialUnit", r.unit.rawValue)
        try w.attribute("combine", test?.combine.rawValue ?? "max")
        for trial in r.trials { try w.element("trial", text: decimal(trial)) }
        for c in r.comparisons {
            var attributes: [(String, String?)] = [
                ("sex", c.stratum.sex?.rawValue ?? "any"), ("ageMin", String(c.stratum.ageMin)), ("ageMax", c.stratum.ageMax.map(String.init)),
                ("side", c.stratum.side?.rawValue), ("unit", c.unit.symbol), ("value", decimal(c.value)),
            ]
            switch c.outcome {
            case .meanSD(let mean, let sd, let derived, let z, let percent, let percentile):
                attributes = [("kind", "meanSD")] + attributes + [
                    ("mean", decimal(mean)), ("sd", decimal(sd)), ("sdFromCI", derived ? "true" : nil), ("z", decimal(z)),
                    ("percentOfMean", percent.map { decimal($0) }), ("percentile", decimal(percentile)),
                ]
            case .cutoff(let label, let grade):
                attributes = [("kind", "cutoff")] + attributes + [("class", label), ("grade", grade.rawValue)]
            case .percentiles(let percentile, let beyond, let median, let percent):
                attributes = [("kind", "percentiles")] + attributes + [
                    ("percentile", percentile.map { decimal($0) }), ("beyond", beyond), ("median", median.map { decimal($0) }),
                    ("percentOfMedian", percent.map { decimal($0) }),
                ]
            }
            attributes += [("source", c.sources.joined(separator: " ")), ("note", c.note)]
            try w.element("norm", attributes)
        }
        if let none = r.noReference { try w.element("noReference", text: none.reason) }
        try w.end()
    }
}

func unique(_ ids: [String]) -> [String] {
    var seen = Set<String>()
    return ids.filter { seen.insert($0).inserted }
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
