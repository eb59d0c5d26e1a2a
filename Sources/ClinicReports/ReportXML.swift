import FastText
import MBXML
import MuscleBalanceCore

/// The XML report of one clinic file (`urn:musclebalance:report:1`, Reports/report.xsd), written
/// in pieces so that a file of any size streams: the header, one fragment per patient, the
/// footer. Each piece carries the inputs behind its figures.
public struct ReportXML: ~Copyable {
    /// What the report needs of its protocol, worked out once per protocol and shared by every
    /// file of a batch (a file of ten patients spent as long building these as writing them).
    public final class Tables: Sendable {
        /// The protocol's lookups, shared with the rules and the scorer.
        let index: ProtocolIndex
        var balanceProtocol: BalanceProtocol { index.balanceProtocol }
        /// The sources of each adjunct therapy (its own, its dose's, its blood-pressure limit's).
        let adjunctSources: [String: [String]]
        /// For each of the protocol's tests, by index, its norms' fixed attributes, by index.
        fileprivate let normRuns: [[NormRuns]]
        /// The `<formulas>` after the root's start tag and the `<sources>` before its end tag:
        /// the same in every file's report, so written once (escaping them per file was a
        /// tenth of a ten-patient file's fixed cost).
        fileprivate let formulas: [UInt8]
        fileprivate let sources: [UInt8]

        public convenience init(protocol p: BalanceProtocol) {
            self.init(index: ProtocolIndex(p))
        }

        public init(index: ProtocolIndex) {
            self.index = index
            let p = index.balanceProtocol
            adjunctSources = Dictionary(
                p.adjuncts.map { a in (a.id, a.sources.ids + a.dose.sources.ids + (a.bloodPressureLimit?.sources.ids ?? [])) },
                uniquingKeysWith: { a, _ in a })
            normRuns = p.tests.map { $0.norms.map(NormRuns.init) }
            var w = XMLFragmentWriter()
            var formulas: [UInt8] = []
            w.start("formulas")
            for (id, formula) in ReportXML.formulas {
                w.element("formula", ["id": id], text: formula)
            }
            w.end()
            // The protocol's words for its ids: a stylesheet reads no protocol file.
            w.start("catalogue")
            for (i, test) in p.tests.enumerated() {
                w.element("test", [
                    "id": test.id, "name": test.name, "label": test.label, "region": index.regionOfTest[i]?.rawValue,
                    "unit": test.unit.rawValue, "quality": test.quality.rawValue, "sides": test.sides.rawValue,
                    "direction": test.direction.rawValue,
                ])
            }
            for ratio in p.ratios {
                w.element("ratio", ["id": ratio.id, "name": ratio.name, "region": ratio.region.rawValue])
            }
            for exercise in p.exercises {
                // What it is for, in a patient's words, where the muscle group has plain words.
                let purpose = index.groups[exercise.muscleGroup]?.plainName.map { muscles -> String in
                    switch exercise.problem {
                    case .weak, .asymmetric: "to strengthen " + muscles
                    case .tight: "to stretch " + muscles
                    case .lowEndurance: "to build the staying power of " + muscles
                    case .outOfRange: "for " + muscles
                    }
                }
                w.element("exercise", ["id": exercise.id, "name": exercise.name, "patient": exercise.patientText, "purpose": purpose], text: exercise.instructions)
            }
            // What to ask an unscreened patient before each therapy: the same for every
            // session, so written once here (in each session it was an eighth of the report).
            for adjunct in p.adjuncts {
                w.start("adjunct")
                w.attribute("id", adjunct.id)
                w.attribute("name", adjunct.name)
                for question in BalanceScorer.askList(for: adjunct, in: index) { w.element("ask", text: question) }
                w.end()
            }
            w.end()
            w.take(into: &formulas)
            self.formulas = formulas
            var sources: [UInt8] = []
            w.start("sources")
            for source in p.sources {
                w.element("source", ["id": source.id, "kind": source.kind.rawValue], text: source.citation)
            }
            w.end()
            w.take(into: &sources)
            self.sources = sources
        }
    }

    let tables: Tables
    var balanceProtocol: BalanceProtocol { tables.balanceProtocol }
    /// One writer for the whole file; each patient is taken out as it is finished.
    var w: XMLFragmentWriter

    public init(tables: Tables) {
        self.tables = tables
        w = XMLFragmentWriter()
    }

    public init(protocol p: BalanceProtocol) {
        self.init(tables: Tables(protocol: p))
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

    public mutating func header(input: String, clinic: String?) -> [UInt8] {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"\(MBTNamespace.report)\""
        text += " protocol=\"\(escape(balanceProtocol.id))\" protocolVersion=\"\(escape(balanceProtocol.version))\""
        text += " protocolTitle=\"\(escape(balanceProtocol.title))\""
        text += " input=\"\(escape(input))\""
        if let clinic { text += " clinic=\"\(escape(clinic))\"" }
        text += ">\n"
        return Array(text.utf8) + tables.formulas
    }

    public func footer() -> [UInt8] {
        tables.sources + Array("</report>\n".utf8)
    }

    /// The `<patient>` element as bytes of its own (mbt report, the fuzz harness).
    public mutating func patient(_ p: PatientScore) -> [UInt8] {
        var out: [UInt8] = []
        writePatient(p)
        w.take(into: &out)
        return out
    }

    /// The `<skipped>` element, written onto the end of `out` (a file's buffer).
    public mutating func skipped(patientID: String, line: Int, reason: String, onto out: inout ByteBuffer) {
        w.exchangeBuffer(with: &out)
        writeSkipped(patientID: patientID, line: line, reason: reason)
        w.exchangeBuffer(with: &out)
    }

    /// The `<patient>` element, written onto the end of `out` (a file's buffer).
    public mutating func patient(_ p: PatientScore, onto out: inout ByteBuffer) {
        w.exchangeBuffer(with: &out)
        writePatient(p)
        w.exchangeBuffer(with: &out)
    }

    private mutating func writeSkipped(patientID: String, line: Int, reason: String) {
        w.start("skipped")
        w.attribute("patient", patientID)
        integer("line", line)
        w.text(reason)
        w.end()
    }

    private mutating func writePatient(_ p: PatientScore) {
        w.start("patient")
        w.attribute("id", p.patientID)
        w.attribute("name", p.name)
        w.attribute("sex", p.sex?.rawValue)
        date("birthDate", p.birthDate)
        number("bodyMassKg", p.bodyMassKg)
        number("heightCm", p.heightCm)
        for code in p.conditions {
            w.start("condition")
            w.attribute("code", code)
            w.end()
        }
        for session in p.sessions { write(session) }
        w.end()
    }

    mutating func number(_ name: StaticString, _ value: Double?) {
        guard let value else { return }
        w.attribute(name, plain: { appendDecimal(value, to: &$0) })
    }

    mutating func integer(_ name: StaticString, _ value: Int?) {
        Self.integer(name, value, &w)
    }

    private static func integer(_ name: StaticString, _ value: Int?, _ w: inout XMLFragmentWriter) {
        guard let value else { return }
        w.attribute(name, plain: { appendInteger(value, to: &$0) })
    }

    // MARK: A norm's fixed attributes

    /// The attributes of a `<norm>` that depend only on the norm, escaped once per file.
    fileprivate struct NormRuns: Sendable {
        let norm: ReferenceNorm
        /// sex, ageMin, ageMax, side, unit.
        let stratum: XMLAttributeRun
        /// source, note.
        let provenance: XMLAttributeRun

        public init(_ norm: ReferenceNorm) {
            self.norm = norm
            stratum = XMLAttributeRun { ReportXML.stratum(norm, &$0) }
            provenance = XMLAttributeRun { ReportXML.provenance(norm, &$0) }
        }
    }

    private static func stratum(_ norm: ReferenceNorm, _ w: inout XMLFragmentWriter) {
        w.attribute("sex", norm.stratum.sex?.rawValue ?? "any")
        integer("ageMin", norm.stratum.ageMin, &w)
        integer("ageMax", norm.stratum.ageMax, &w)
        w.attribute("side", word: norm.stratum.side?.xmlWord)
        w.attribute("unit", norm.unit.symbol)
    }

    private static func provenance(_ norm: ReferenceNorm, _ w: inout XMLFragmentWriter) {
        sources("source", norm.sources.ids, unique: false, evenIfEmpty: true, &w)
        w.attribute("note", norm.note)
    }

    /// The runs of the norm `c` was compared with, when it is the protocol's own (a comparison
    /// made elsewhere is written attribute by attribute).
    private func runs(_ testIndex: Int, _ c: NormComparison) -> NormRuns? {
        guard testIndex >= 0 && testIndex < tables.normRuns.count else { return nil }
        let runs = tables.normRuns[testIndex]
        let normIndex = c.normIndex
        guard normIndex >= 0 && normIndex < runs.count, runs[normIndex].norm === c.norm else { return nil }
        return runs[normIndex]
    }

    mutating func date(_ name: StaticString, _ value: CivilDate?) {
        guard let value else { return }
        w.attribute(name, plain: { value.appendISO8601(to: &$0) })
    }

    /// Source ids, space-separated (with `unique`, a repeated id once). No ids: no attribute,
    /// unless `evenIfEmpty` (the norms and ratio ranges have always written `source=""`).
    mutating func sources(_ name: StaticString, _ ids: [String], unique: Bool = true, evenIfEmpty: Bool = false) {
        Self.sources(name, ids, unique: unique, evenIfEmpty: evenIfEmpty, &w)
    }

    private static func sources(_ name: StaticString, _ ids: [String], unique: Bool = true, evenIfEmpty: Bool = false, _ w: inout XMLFragmentWriter) {
        guard evenIfEmpty || !ids.isEmpty else { return }
        w.attribute(name, format: { out in
            var first = true
            for (n, id) in ids.enumerated() where !unique || !ids[..<n].contains(id) {
                if !first { out.append(UInt8(ascii: " ")) }
                first = false
                out.appendBytes(id)
            }
        })
    }

    private mutating func write(_ s: SessionScore) {
        w.start("session")
        date("date", s.date)
        integer("age", s.age)
        w.attribute("bloodPressure", s.bloodPressure?.description)
        w.attribute("assessor", s.assessor)
        number("overallIndex", s.overallIndex)
        w.attribute("overallGrade", word: s.overallGrade?.xmlWord)
        w.attribute("screened", word: s.screened ? "true" : "false")
        if !s.conditions.isEmpty { w.attribute("conditions", s.conditions.joined(separator: " ")) }
        if let episode = s.episode { w.attribute("episode", episode.rawValue) }
        for r in s.results { write(r) }
        for a in s.asymmetries {
            w.start("asymmetry")
            w.attribute("test", a.testID)
            w.attribute("formula", word: a.formula.xmlWord)
            number("left", a.left)
            number("right", a.right)
            number("value", a.value)
            w.attribute("affectedSide", word: a.affectedSide?.xmlWord)
            w.attribute("grade", word: a.grade?.xmlWord)
            sources("source", a.sources)
            w.attribute("noReference", a.noReference?.reason)
            w.end()
        }
        for r in s.ratios {
            w.start("ratio")
            w.attribute("id", r.ratioID)
            w.attribute("side", word: r.side?.xmlWord)
            number("numerator", r.numerator)
            number("denominator", r.denominator)
            number("value", r.value)
            w.attribute("grade", word: r.grade?.xmlWord)
            // The range's fields one by one: the range taken whole was a copy.
            number("min", r.acceptable?.min)
            number("above", r.acceptable?.above)
            number("max", r.acceptable?.max)
            number("below", r.acceptable?.below)
            w.attribute("deficient", word: r.deficient?.xmlWord)
            if let reason = r.notCounted { w.attribute("notCounted", reason.rawValue) }
            if r.acceptable != nil {
                // An empty list is still written (source=""), as the schema allows.
                sources("source", r.acceptable?.sources.ids ?? [], unique: false, evenIfEmpty: true)
            }
            w.attribute("noReference", r.noReference?.reason)
            w.end()
        }
        for f in s.findings {
            let (basis, index): (StaticString, String) =
                switch f.basis {
                case .cutoff(let id): ("cutoff", id)
                case .norm(let id): ("norm", id)
                case .asymmetry(let id): ("asymmetry", id)
                case .ratio(let id): ("ratio", id)
                }
            w.start("finding")
            w.attribute("muscleGroup", f.muscleGroup)
            w.attribute("region", word: f.region.xmlWord)
            w.attribute("side", word: f.bothSides ? "both" : f.side?.xmlWord)
            w.attribute("problem", word: f.problem.xmlWord)
            w.attribute("grade", word: f.grade.xmlWord)
            w.attribute("basis", plain: { $0.appendBytes(basis) })
            w.attribute("index", index)
            w.text(f.text)
            w.end()
        }
        for region in s.regions {
            w.start("imbalance")
            w.attribute("region", word: region.region.xmlWord)
            number("value", region.value)
            integer("gradedIndices", region.gradedIndices)
            number("weight", region.weight)
            w.end()
        }
        w.start("plan")
        date("reassessFrom", s.plan.reassessFrom)
        date("reassessBy", s.plan.reassessBy)
        if s.plan.reassessBy != nil { sources("reassessSource", tables.balanceProtocol.plan.reassessmentSources.ids) }
        integer("maxExercises", tables.balanceProtocol.plan.maxExercises)
        for e in s.plan.exercises { write(e, as: "exercise") }
        for e in s.plan.deferred { write(e, as: "deferred") }
        for withheld in s.plan.withheld {
            w.start("withheld")
            w.attribute("id", withheld.exerciseID)
            w.attribute("reason", withheld.reason)
            w.end()
        }
        for text in s.plan.unanswered { w.element("unanswered", text: text) }
        w.end()
        writeAdjuncts(s)
    }

    /// A planned exercise, or one the cap left out (`deferred`), with its dosage.
    private mutating func write(_ e: PlannedExercise, as element: StaticString) {
            let d = e.dosage
            w.start(element)
            w.attribute("id", e.exerciseID)
            w.attribute("name", e.name)
            w.attribute("side", word: e.bothSides ? "both" : e.side?.xmlWord)
            w.attribute("againOn", word: e.againOn?.xmlWord)
            w.attribute("grade", word: e.grade.xmlWord)
            integer("sets", e.sets)
            integer("repsMin", d.repsMin)
            integer("repsMax", d.repsMax)
            integer("holds", d.holds)
            integer("holdsMax", d.holdsMax)
            integer("holdSecondsMin", d.holdSecondsMin)
            integer("holdSecondsMax", d.holdSecondsMax)
            integer("daysPerWeekMin", d.daysPerWeekMin)
            integer("daysPerWeekMax", d.daysPerWeekMax)
            sources("source", d.sources.ids, unique: false)
            w.text(e.answers)
            w.end()
    }

    private mutating func writeAdjuncts(_ s: SessionScore) {
        for a in s.adjuncts {
            w.start("adjunct")
            w.attribute("id", a.adjunctID)
            w.attribute("name", a.name)
            w.attribute("offered", word: a.offered ? "true" : "false")
            w.attribute("verdict", a.verdict.rawValue)
            w.attribute("alongsideExercise", word: a.alongsideExercise ? "true" : "false")
            number("startMinutes", a.dose.startMinutes)
            number("maxMinutesPerSession", a.dose.maxMinutesPerSession)
            number("maxMinutesPerDay", a.dose.maxMinutesPerDay)
            integer("maxSessionsPerWeek", a.dose.maxSessionsPerWeek)
            sources("source", tables.adjunctSources[a.adjunctID] ?? [])
            for reason in a.reasons { w.element("reason", text: reason) }
            for caution in a.cautions { w.element("caution", text: caution) }
            w.end()
        }
        writeOutcomes(s)
        if let previous = s.previousDate {
            w.start("progress")
            date("previousDate", previous)
            for c in s.progress {
                w.start("change")
                w.attribute("test", c.testID)
                w.attribute("side", word: c.side?.xmlWord)
                number("previous", c.previous)
                number("latest", c.latest)
                number("change", c.change)
                number("mdc", c.mdc)
                number("mdcRatioBelow", c.mdcRatioBelow)
                number("mdcRatioAbove", c.mdcRatioAbove)
                number("mdcPercent", c.mdcPercent)
                w.attribute("verdict", word: c.verdict.xmlWord)
                sources("source", c.mdcSources)
                if let caveat = c.mdcCaveat { w.attribute("mdcCaveat", caveat) }
                w.end()
            }
            for a in s.asymmetryProgress {
                w.start("asymmetryChange")
                w.attribute("test", a.testID)
                w.attribute("formula", word: a.formula.xmlWord)
                number("previous", a.previous)
                number("latest", a.latest)
                number("change", a.change)
                w.attribute("previousSide", word: a.previousSide?.xmlWord)
                w.attribute("latestSide", word: a.latestSide?.xmlWord)
                w.end()
            }
            for c in s.outcomeProgress {
                w.start("outcomeChange")
                w.attribute("instrument", c.instrumentID)
                date("previousDate", s.outcomePreviousDates[c.instrumentID])
                number("previous", c.previous)
                number("latest", c.latest)
                number("change", c.change)
                number("percentImproved", c.percentImproved)
                w.attribute("verdict", c.verdict.rawValue)
                if let risk = c.previousRisk { w.attribute("previousRisk", risk.rawValue) }
                if let risk = c.latestRisk { w.attribute("latestRisk", risk.rawValue) }
                w.end()
            }
            w.end()
        }
        if let course = s.courseOfCare { writeCourse(course) }
        w.end()
    }

    /// The session's patient-reported outcomes, each with its instrument's copyright line.
    private mutating func writeOutcomes(_ s: SessionScore) {
        for o in s.outcomes {
            guard let instrument = tables.balanceProtocol.instrument(o.instrumentID) else { continue }
            w.start("outcome")
            w.attribute("instrument", o.instrumentID)
            w.attribute("name", instrument.name)
            if let version = instrument.version { w.attribute("version", version) }
            number("score", o.score)
            if let why = o.notScored { w.attribute("notScored", why) }
            integer("answered", o.answered)
            if o.enteredAsTotal { w.attribute("enteredAsTotal", word: "true") }
            if let band = o.band { w.attribute("band", band) }
            integer("subscale", o.subscale)
            if let risk = o.risk { w.attribute("risk", risk.rawValue) }
            if let recovered = o.recovered { w.attribute("recovered", word: recovered ? "true" : "false") }
            if let copyright = instrument.copyright { w.attribute("copyright", copyright) }
            sources("source", instrument.sources.ids + (instrument.change?.sources.ids ?? []) + (instrument.recovered?.sources.ids ?? []))
            w.end()
        }
    }

    private mutating func write(_ r: TestResult) {
        let test: TestDefinition? = tables.balanceProtocol.tests[r.testIndex]
        w.start("result")
        w.attribute("test", r.testID)
        w.attribute("side", word: r.side?.xmlWord)
        number("value", r.value)
        w.attribute("unit", word: (test?.unit ?? r.unit).xmlWord)
        w.attribute("trialUnit", word: r.unit.xmlWord)
        w.attribute("combine", word: test?.combine.xmlWord ?? "max")
        for trial in r.trials {
            w.start("trial")
            w.text(plain: { appendDecimal(trial, to: &$0) })
            w.end()
        }
        for c in r.comparisons {
            w.start("norm")
            let kind: StaticString =
                switch c.outcome {
                case .meanSD: "meanSD"
                case .cutoff: "cutoff"
                case .percentiles: "percentiles"
                }
            w.attribute("kind", plain: { $0.appendBytes(kind) })
            let runs = self.runs(r.testIndex, c)
            if let runs {
                w.attributes(runs.stratum)
            } else {
                Self.stratum(c.norm, &w)
            }
            number("value", c.value)
            switch c.outcome {
            case .meanSD(let mean, let sd, let derived, let z, let percent, let percentile):
                number("mean", mean)
                number("sd", sd)
                w.attribute("sdFromCI", word: derived ? "true" : nil)
                number("z", z)
                number("percentOfMean", percent)
                number("percentile", percentile)
            case .cutoff(let label, let grade):
                w.attribute("class", label)
                // A reference shown as information only grades nothing: one grade per result.
                w.attribute("grade", word: c.norm.grades ? grade.xmlWord : nil)
            case .percentiles(let percentile, let beyond, let median, let percent):
                number("percentile", percentile)
                w.attribute("beyond", beyond)
                number("median", median)
                number("percentOfMedian", percent)
            }
            // Against the lower reference limit (mean/SD and percentile norms; a cut-off's
            // grade is its class's, written above).
            w.attribute("grade", word: c.graded?.xmlWord)
            number("lowerLimitPercentile", c.gradedBelowPercentile)
            w.attribute("information", word: c.norm.grades ? nil : "true")
            if let runs {
                w.attributes(runs.provenance)
            } else {
                Self.provenance(c.norm, &w)
            }
            w.end()
        }
        if let none = r.noReference { w.element("noReference", text: none.reason) }
        w.end()
    }
}

/// Escapes text for an attribute written by hand (the root element, which stays open while the
/// patients stream).
func escape(_ text: String) -> String { xmlAttributeText(text) }
