import MuscleBalanceCore

/// What a FHIR export needs that a clinic file does not say: whose identifiers these are.
public struct FHIRExportSettings: Sendable, Hashable {
    /// The clinic's identifier system for its patients (a URI, e.g.
    /// `https://clinic.example/patients`): the Patient's identifier and every other identifier
    /// is made under it. Never invented: the export refuses to run without one.
    public var patientSystem: String
    /// The canonical URL of mbt's CodeSystem of tests, figures and findings.
    public var codeSystem: String

    public init(patientSystem: String, codeSystem: String) {
        self.patientSystem = patientSystem
        self.codeSystem = codeSystem
    }

    /// An absolute URI: a scheme of letters, digits, +, - or ., then ':' and something more.
    public static func isAbsoluteURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }
            && !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }
}

/// Why a session cannot be exported: said, never written as an invalid resource.
public enum FHIRExportError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAURI(setting: String, value: String)
    case noResults(patient: String, date: String)

    public var description: String {
        switch self {
        case .notAURI(let setting, let value):
            "the \(setting) '\(value)' is not an absolute URI (e.g. https://clinic.example/patients); FHIR identifiers and codes need one"
        case .noResults(let patient, let date):
            "patient '\(patient)', session \(date): no result or outcome score to export (a Bundle needs at least one Observation)"
        }
    }
}

/// One patient session as a FHIR R4 transaction Bundle, one line of newline-delimited JSON:
/// the Patient, an Observation per result (laterality, UCUM unit, interpretation, the norm's
/// normal range with its age band and source, trials and z / percentile as components), one
/// per asymmetry (derived from its two sides), per ratio, the overall imbalance index, one per
/// outcome score, and a DiagnosticReport whose conclusion is the findings. Every entry is a
/// conditional update on an identifier made from clinic, patient, date, figure and side, so a
/// server given the same session twice keeps one copy; the bytes are the same each time.
///
/// Left out, by design: a birth date or sex the file does not record (the Patient says
/// nothing rather than a guess), a figure that is not finite.
/// A class: its closures capture it as one reference, where a struct of the protocol's index and
/// the blocks was copied, every table retained, for each (perf: retain and release 14%).
public final class SessionBundle: Sendable {
    public let settings: FHIRExportSettings
    public let index: ProtocolIndex
    /// Each source as a reference range names it ("citation (tag)"), made once.
    private let sourceWords: [String: String]
    /// The blocks every Bundle repeats, made once (perf: escaping them again for each
    /// Observation was most of the export's time): each code of the protocol with its display
    /// (keyed code, NUL, display), each category, interpretation, side and unit.
    private let codeBlocks: [String: [UInt8]]
    private let categoryBlocks: [String: [UInt8]]
    private let interpretationBlocks: [String: [UInt8]]
    private let sideBlocks: [BodySide: [UInt8]]
    private let unitMembers: [String: [UInt8]]

    static let v3Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    static let snomed = "http://snomed.info/sct"

    public init(settings: FHIRExportSettings, index: ProtocolIndex) throws(FHIRExportError) {
        guard FHIRExportSettings.isAbsoluteURI(settings.patientSystem) else { throw .notAURI(setting: "patient identifier system", value: settings.patientSystem) }
        guard FHIRExportSettings.isAbsoluteURI(settings.codeSystem) else { throw .notAURI(setting: "code system", value: settings.codeSystem) }
        self.settings = settings
        self.index = index
        sourceWords = Dictionary(
            index.balanceProtocol.sources.map { s in (s.id, s.kind == .cited ? s.citation : s.citation + " (" + s.kind.rawValue + ")") },
            uniquingKeysWith: { first, _ in first })
        let p = index.balanceProtocol
        var codes: [(String, String?)] = [(p.id, p.title), ("imbalance-index", "Overall imbalance index"), ("z-score", "z-score"), ("percentile", "percentile")]
        for t in p.tests { codes += [(t.id, t.name), (t.id + ".asymmetry", "Asymmetry, " + t.name)] }
        for r in p.ratios { codes.append((r.id, r.name)) }
        for i in p.instruments { codes.append((i.id, i.name)) }
        for e in p.exercises { codes.append((e.id, e.name)) }
        for a in p.adjuncts { codes.append((a.id, a.name)) }
        for n in 1...12 { codes.append(("trial", "trial \(n)")) }
        var blocks: [String: [UInt8]] = [:]
        for (code, display) in codes {
            blocks[code + "\u{0}" + (display ?? "")] = JSONWriter.fragment { w in Self.writeCode(code, display: display, system: settings.codeSystem, into: &w) }
        }
        codeBlocks = blocks
        categoryBlocks = Dictionary(uniqueKeysWithValues: ["exam", "survey"].map { c in (c, JSONWriter.fragment { w in Self.writeCategory(c, into: &w) }) })
        var interpretations: [String: [UInt8]] = [:]
        for grade in Grade.allCases {
            for code in ["N", "L", "H", "A"] {
                interpretations[code + grade.rawValue] = JSONWriter.fragment { w in Self.writeInterpretation(code, grade: grade, into: &w) }
            }
        }
        interpretationBlocks = interpretations
        sideBlocks = [.left: JSONWriter.fragment { Self.writeLaterality(.left, into: &$0) }, .right: JSONWriter.fragment { Self.writeLaterality(.right, into: &$0) }]
        var units: [String: [UInt8]] = [:]
        for unit in MeasurementUnit.allCases.map(UCUMUnit.init) + [.percent, .one, .years, .points] {
            units[unit.code] = JSONWriter.fragment { w in
                w.string("unit", unit.unit)
                w.string("system", UCUMUnit.system)
                w.string("code", unit.code)
            }
        }
        unitMembers = units
    }

    /// The Bundle of `score.sessions[session]`, one line, no newline at its end.
    public func bundle(_ score: PatientScore, session: Int) throws(FHIRExportError) -> [UInt8] {
        let s = score.sessions[session]
        let date = s.date.description
        // A session of outcome scores alone (a check-in by questionnaire) is exported: only one
        // with nothing to put in an Observation is refused.
        guard !s.results.isEmpty || s.outcomes.contains(where: { $0.score?.isFinite == true }) else {
            throw .noResults(patient: score.patientID, date: date)
        }
        let key = settings.patientSystem + "|" + score.patientID
        let patientURL = FHIRIdentity.uuid("Patient|" + key)
        var entries: [(fullUrl: String, type: String, identifier: String, body: (inout JSONWriter) -> Void)] = []
        entries.append((patientURL, "Patient", score.patientID, { w in self.patient(score, into: &w) }))

        var resultURLs: [String: String] = [:]
        var observationURLs: [String] = []
        func observationKey(_ figure: String, _ side: BodySide?) -> String {
            [score.patientID, date, figure, side?.rawValue ?? "-"].joined(separator: "/")
        }
        for result in s.results {
            let id = observationKey(result.testID, result.side)
            let url = FHIRIdentity.uuid("Observation|" + settings.patientSystem + "|" + id)
            resultURLs[result.testID + "|" + (result.side?.rawValue ?? "")] = url
            observationURLs.append(url)
            entries.append((url, "Observation", id, { w in self.observation(result, score: score, date: date, patient: patientURL, identifier: id, into: &w) }))
        }
        for a in s.asymmetries where a.value != nil {
            let id = observationKey(a.testID + ".asymmetry", nil)
            let url = FHIRIdentity.uuid("Observation|" + settings.patientSystem + "|" + id)
            observationURLs.append(url)
            let sides = [resultURLs[a.testID + "|left"], resultURLs[a.testID + "|right"]].compactMap { $0 }
            entries.append((url, "Observation", id, { w in self.asymmetry(a, date: date, patient: patientURL, identifier: id, derivedFrom: sides, into: &w) }))
        }
        for r in s.ratios where r.value.isFinite {
            let id = observationKey(r.ratioID, r.side)
            let url = FHIRIdentity.uuid("Observation|" + settings.patientSystem + "|" + id)
            observationURLs.append(url)
            entries.append((url, "Observation", id, { w in self.ratio(r, date: date, patient: patientURL, identifier: id, into: &w) }))
        }
        if let overall = s.overallIndex, overall.isFinite {
            let id = observationKey("imbalance-index", nil)
            let url = FHIRIdentity.uuid("Observation|" + settings.patientSystem + "|" + id)
            observationURLs.append(url)
            entries.append((url, "Observation", id, { w in self.index(overall, grade: s.overallGrade, date: date, patient: patientURL, identifier: id, into: &w) }))
        }
        for o in s.outcomes {
            guard let value = o.score, value.isFinite else { continue }
            let id = observationKey(o.instrumentID, nil)
            let url = FHIRIdentity.uuid("Observation|" + settings.patientSystem + "|" + id)
            observationURLs.append(url)
            entries.append((url, "Observation", id, { w in self.outcome(o, value: value, date: date, patient: patientURL, identifier: id, into: &w) }))
        }
        // The corrective plan: a ServiceRequest per exercise (the side in its order detail, the
        // dose as timing and instruction), one that must not be performed per adjunct therapy
        // the screen did not recommend (with every reason), and a CarePlan holding them over
        // the reassessment window.
        var requestURLs: [String] = []
        for (n, exercise) in s.plan.exercises.enumerated() {
            let id = [score.patientID, date, "plan", String(n + 1), exercise.exerciseID, exercise.side?.rawValue ?? (exercise.bothSides ? "both" : "-")].joined(separator: "/")
            let url = FHIRIdentity.uuid("ServiceRequest|" + settings.patientSystem + "|" + id)
            requestURLs.append(url)
            entries.append((url, "ServiceRequest", id, { w in self.exerciseRequest(exercise, date: date, patient: patientURL, identifier: id, into: &w) }))
        }
        for adjunct in s.adjuncts where adjunct.verdict == .notRecommended {
            let id = [score.patientID, date, "adjunct", adjunct.adjunctID].joined(separator: "/")
            let url = FHIRIdentity.uuid("ServiceRequest|" + settings.patientSystem + "|" + id)
            entries.append((url, "ServiceRequest", id, { w in self.notRecommended(adjunct, date: date, patient: patientURL, identifier: id, into: &w) }))
        }
        if !requestURLs.isEmpty {
            let id = [score.patientID, date, "plan"].joined(separator: "/")
            let url = FHIRIdentity.uuid("CarePlan|" + settings.patientSystem + "|" + id)
            entries.append((url, "CarePlan", id, { w in self.carePlan(s.plan, date: date, patient: patientURL, identifier: id, activities: requestURLs, into: &w) }))
        }
        let reportID = [score.patientID, date, index.balanceProtocol.id].joined(separator: "/")
        let reportURL = FHIRIdentity.uuid("DiagnosticReport|" + settings.patientSystem + "|" + reportID)
        entries.append((reportURL, "DiagnosticReport", reportID, { w in
            self.report(s, date: date, patient: patientURL, identifier: reportID, results: observationURLs, into: &w)
        }))

        var w = JSONWriter()
        w.object { w in
            w.string("resourceType", "Bundle")
            w.string("type", "transaction")
            w.array("entry", entries) { w, e in
                w.object { w in
                    w.string("fullUrl", e.fullUrl)
                    w.object("resource") { w in e.body(&w) }
                    w.object("request") { w in
                        w.string("method", "PUT")
                        w.string("url", FHIRIdentity.conditionalURL(e.type, system: self.system(for: e.type), value: e.identifier))
                    }
                }
            }
        }
        return w.bytes
    }

    /// The identifier system of each kind of resource: the clinic's patients' own, and one
    /// under it for what mbt makes.
    func system(for resourceType: String) -> String {
        resourceType == "Patient" ? settings.patientSystem : settings.patientSystem + "/mbt-" + resourceType.lowercased()
    }

    // MARK: resources

    private func identifier(_ type: String, _ value: String, into w: inout JSONWriter) {
        w.array("identifier", [value]) { w, v in
            w.object { w in
                w.string("system", self.system(for: type))
                w.string("value", v)
            }
        }
    }

    private func patient(_ score: PatientScore, into w: inout JSONWriter) {
        w.string("resourceType", "Patient")
        identifier("Patient", score.patientID, into: &w)
        switch score.sex {
        case .female?: w.string("gender", "female")
        case .male?: w.string("gender", "male")
        case nil: break
        }
        w.string("birthDate", score.birthDate?.description)
    }

    private func code(_ code: String, display: String?, into w: inout JSONWriter) {
        if let block = codeBlocks[code + "\u{0}" + (display ?? "")] {
            w.raw(block)
        } else {
            Self.writeCode(code, display: display, system: settings.codeSystem, into: &w)
        }
    }

    private static func writeCode(_ code: String, display: String?, system: String, into w: inout JSONWriter) {
        w.object("code") { w in
            w.array("coding", [code]) { w, c in
                w.object { w in
                    w.string("system", system)
                    w.string("code", c)
                    w.string("display", display)
                }
            }
            w.string("text", display ?? code)
        }
    }

    private static func writeCategory(_ category: String, into w: inout JSONWriter) {
        w.array("category", [category]) { w, c in
            w.object { w in
                w.array("coding", [c]) { w, c in
                    w.object { w in
                        w.string("system", Self.observationCategory)
                        w.string("code", c)
                    }
                }
            }
        }
    }

    private func common(_ identifierValue: String, category: String, date: String, patient: String, into w: inout JSONWriter) {
        w.string("resourceType", "Observation")
        identifier("Observation", identifierValue, into: &w)
        w.string("status", "final")
        if let block = categoryBlocks[category] { w.raw(block) } else { Self.writeCategory(category, into: &w) }
    }

    private func subjectAndDate(patient: String, date: String, into w: inout JSONWriter) {
        w.object("subject") { w in w.string("reference", patient) }
        w.string("effectiveDateTime", date)
    }

    private func quantity(_ key: String, _ value: Double, _ unit: UCUMUnit, digits: Int = 3, into w: inout JSONWriter) {
        w.object(key) { w in
            w.decimal("value", value, digits: digits)
            if let members = unitMembers[unit.code] {
                w.raw(members)
            } else {
                w.string("unit", unit.unit)
                w.string("system", UCUMUnit.system)
                w.string("code", unit.code)
            }
        }
    }

    /// N, or L / H (a test better higher or lower), A (abnormal) for a graded finding.
    private func interpretation(_ grade: Grade?, direction: ScoreDirection?, into w: inout JSONWriter) {
        guard let grade else { return }
        let code: String
        switch (grade, direction) {
        case (.normal, _): code = "N"
        case (_, .higherIsBetter?): code = "L"
        case (_, .lowerIsBetter?): code = "H"
        default: code = "A"
        }
        if let block = interpretationBlocks[code + grade.rawValue] { w.raw(block) } else { Self.writeInterpretation(code, grade: grade, into: &w) }
    }

    private static func writeInterpretation(_ code: String, grade: Grade, into w: inout JSONWriter) {
        let display = ["N": "Normal", "L": "Low", "H": "High"][code] ?? "Abnormal"
        w.array("interpretation", [code]) { w, c in
            w.object { w in
                w.array("coding", [c]) { w, c in
                    w.object { w in
                        w.string("system", Self.v3Interpretation)
                        w.string("code", c)
                        w.string("display", display)
                    }
                }
                w.string("text", grade.rawValue)
            }
        }
    }

    private func laterality(_ side: BodySide?, into w: inout JSONWriter) {
        guard let side else { return }
        if let block = sideBlocks[side] { w.raw(block) } else { Self.writeLaterality(side, into: &w) }
    }

    private static func writeLaterality(_ side: BodySide, into w: inout JSONWriter) {
        w.object("bodySite") { w in
            writeSideCoding(side, into: &w)
            w.string("text", side.rawValue)
        }
    }

    /// A side as SNOMED CT's qualifier values, Left 7771000 and Right 24028007: a result's
    /// bodySite and an exercise's order detail.
    private static func writeSideCoding(_ side: BodySide, into w: inout JSONWriter) {
        w.array("coding", [side]) { w, side in
            w.object { w in
                w.string("system", Self.snomed)
                w.string("code", side == .left ? "7771000" : "24028007")
                w.string("display", side == .left ? "Left" : "Right")
            }
        }
    }

    private func sourceText(_ ids: [String]) -> String {
        ids.count == 1 ? sourceWords[ids[0]] ?? ids[0] : ids.map { sourceWords[$0] ?? $0 }.joined(separator: "; ")
    }

    private func observation(_ r: TestResult, score: PatientScore, date: String, patient: String, identifier id: String, into w: inout JSONWriter) {
        let test = index.tests[r.testID]
        common(id, category: "exam", date: date, patient: patient, into: &w)
        code(r.testID, display: test?.name, into: &w)
        subjectAndDate(patient: patient, date: date, into: &w)
        let unit = UCUMUnit(test?.unit ?? r.unit)
        quantity("valueQuantity", r.value, unit, into: &w)
        interpretation(r.grade, direction: test?.direction, into: &w)
        if let reason = r.noReference?.reason {
            w.array("note", [reason]) { w, reason in w.object { w in w.string("text", "no reference: " + reason) } }
        }
        laterality(r.side, into: &w)
        if let position = test?.position { w.object("method") { w in w.string("text", position) } }
        // The norm that graded it: its normal range, age band and source.
        let graded = r.comparisons.first { $0.grade != nil }
        if let graded, let range = graded.normalRange(direction: test?.direction ?? .higherIsBetter, grading: index.balanceProtocol.normGrading, bodyMassKg: score.bodyMassKg),
            range.low != nil || range.high != nil
        {
            w.array("referenceRange", [range]) { w, range in
                w.object { w in
                    if let low = range.low { self.quantity("low", low, unit, into: &w) }
                    if let high = range.high { self.quantity("high", high, unit, into: &w) }
                    w.object("age") { w in
                        self.quantity("low", Double(graded.stratum.ageMin), .years, digits: 0, into: &w)
                        if let max = graded.stratum.ageMax { self.quantity("high", Double(max), .years, digits: 0, into: &w) }
                    }
                    w.string("text", "graded normal by " + self.sourceText(graded.sources))
                }
            }
        }
        var components: [(code: String, text: String, value: Double, unit: UCUMUnit)] = []
        for (i, trial) in r.trials.enumerated() { components.append(("trial", "trial \(i + 1)", trial, UCUMUnit(r.unit))) }
        if let z = r.z { components.append(("z-score", "z-score", z, .one)) }
        for c in r.comparisons {
            if case .meanSD(_, _, _, _, _, let p) = c.outcome { components.append(("percentile", "percentile", p, .percent)); break }
            if case .percentiles(let p?, _, _, _) = c.outcome { components.append(("percentile", "percentile", p, .percent)); break }
        }
        w.array("component", components) { w, c in
            w.object { w in
                self.code(c.code, display: c.text, into: &w)
                self.quantity("valueQuantity", c.value, c.unit, into: &w)
            }
        }
    }

    private func asymmetry(_ a: AsymmetryResult, date: String, patient: String, identifier id: String, derivedFrom: [String], into w: inout JSONWriter) {
        let test = index.tests[a.testID]
        common(id, category: "exam", date: date, patient: patient, into: &w)
        code(a.testID + ".asymmetry", display: "Asymmetry, " + (test?.name ?? a.testID), into: &w)
        subjectAndDate(patient: patient, date: date, into: &w)
        let unit: UCUMUnit = a.formula == .absoluteDifference ? UCUMUnit(test?.unit ?? .newton) : .percent
        quantity("valueQuantity", a.value ?? 0, unit, into: &w)
        interpretation(a.grade, direction: nil, into: &w)
        if let side = a.affectedSide {
            w.array("note", [side]) { w, side in w.object { w in w.string("text", "the weaker or tighter side: " + side.rawValue) } }
        }
        w.array("derivedFrom", derivedFrom) { w, url in w.object { w in w.string("reference", url) } }
    }

    private func ratio(_ r: RatioResult, date: String, patient: String, identifier id: String, into w: inout JSONWriter) {
        let ratio = index.ratios[r.ratioID]
        common(id, category: "exam", date: date, patient: patient, into: &w)
        code(r.ratioID, display: ratio?.name, into: &w)
        subjectAndDate(patient: patient, date: date, into: &w)
        quantity("valueQuantity", r.value, .one, into: &w)
        interpretation(r.grade, direction: nil, into: &w)
        laterality(r.side, into: &w)
    }

    private func index(_ value: Double, grade: Grade?, date: String, patient: String, identifier id: String, into w: inout JSONWriter) {
        common(id, category: "exam", date: date, patient: patient, into: &w)
        code("imbalance-index", display: "Overall imbalance index", into: &w)
        subjectAndDate(patient: patient, date: date, into: &w)
        quantity("valueQuantity", value, .one, digits: 1, into: &w)
        interpretation(grade, direction: .lowerIsBetter, into: &w)
    }

    private func outcome(_ o: OutcomeScore, value: Double, date: String, patient: String, identifier id: String, into w: inout JSONWriter) {
        common(id, category: "survey", date: date, patient: patient, into: &w)
        code(o.instrumentID, display: index.balanceProtocol.instrument(o.instrumentID)?.name, into: &w)
        subjectAndDate(patient: patient, date: date, into: &w)
        quantity("valueQuantity", value, .points, into: &w)
        if let band = o.band { w.array("note", [band]) { w, band in w.object { w in w.string("text", band) } } }
    }

    /// "3 sets of 10-15 repetitions, 2-3 days a week; 2 more sets on the left": the dose as the
    /// protocol gives it (a figure it has no source for is left out).
    static func instruction(_ e: PlannedExercise) -> String {
        let d = e.dosage
        var parts: [String] = []
        func range(_ a: Int?, _ b: Int?) -> String? {
            guard let a else { return b.map(String.init) }
            return b.map { $0 == a ? String(a) : "\(a)-\($0)" } ?? String(a)
        }
        if let sets = e.sets ?? d.sets { parts.append("\(sets) sets") }
        if let reps = range(d.repsMin, d.repsMax) { parts.append("\(reps) repetitions") }
        if let holds = range(d.holds, d.holdsMax) { parts.append("\(holds) holds") }
        if let seconds = range(d.holdSecondsMin, d.holdSecondsMax) { parts.append("held \(seconds) s") }
        if let days = range(d.daysPerWeekMin, d.daysPerWeekMax) { parts.append("\(days) days a week") }
        var text = parts.joined(separator: ", ")
        if let extra = d.extraSetsAffectedSide, let side = e.side ?? e.againOn { text += (text.isEmpty ? "" : "; ") + "\(extra) more sets on the \(side.rawValue)" }
        return text.isEmpty ? "dose: no reference" : text
    }

    private func exerciseRequest(_ e: PlannedExercise, date: String, patient: String, identifier id: String, into w: inout JSONWriter) {
        w.string("resourceType", "ServiceRequest")
        identifier("ServiceRequest", id, into: &w)
        w.string("status", "active")
        w.string("intent", "plan")
        code(e.exerciseID, display: e.name, into: &w)
        let sideText: String
        if let again = e.againOn {
            sideText = "both sides, and again on the \(again.rawValue)"
        } else if let side = e.side {
            sideText = "\(side.rawValue) side only"
        } else {
            sideText = "both sides"
        }
        w.array("orderDetail", [sideText]) { w, text in
            w.object { w in
                if let side = e.side, e.againOn == nil { Self.writeSideCoding(side, into: &w) }
                w.string("text", text)
            }
        }
        w.object("subject") { w in w.string("reference", patient) }
        if e.dosage.daysPerWeekMin != nil || e.dosage.daysPerWeekMax != nil {
            w.object("occurrenceTiming") { w in
                w.object("repeat") { w in
                    w.integer("frequency", e.dosage.daysPerWeekMin ?? e.dosage.daysPerWeekMax ?? 1)
                    if let max = e.dosage.daysPerWeekMax, let min = e.dosage.daysPerWeekMin, max > min { w.integer("frequencyMax", max) }
                    w.integer("period", 1)
                    w.string("periodUnit", "wk")
                }
            }
        }
        w.string("authoredOn", date)
        w.array("reasonCode", [e.answers]) { w, answers in w.object { w in w.string("text", answers) } }
        w.string("patientInstruction", Self.instruction(e))
    }

    private func notRecommended(_ a: AdjunctDecision, date: String, patient: String, identifier id: String, into w: inout JSONWriter) {
        w.string("resourceType", "ServiceRequest")
        identifier("ServiceRequest", id, into: &w)
        w.string("status", "active")
        w.string("intent", "plan")
        w.bool("doNotPerform", true)
        code(a.adjunctID, display: a.name, into: &w)
        w.object("subject") { w in w.string("reference", patient) }
        w.string("authoredOn", date)
        w.array("reasonCode", a.reasons) { w, reason in w.object { w in w.string("text", reason) } }
    }

    private func carePlan(_ plan: CorrectivePlan, date: String, patient: String, identifier id: String, activities: [String], into w: inout JSONWriter) {
        w.string("resourceType", "CarePlan")
        identifier("CarePlan", id, into: &w)
        w.string("status", "active")
        w.string("intent", "plan")
        w.string("title", "Corrective exercise plan")
        w.object("subject") { w in w.string("reference", patient) }
        // Until the reassessment: the window the protocol gives, from the session.
        w.object("period") { w in
            w.string("start", date)
            w.string("end", plan.reassessBy?.description)
        }
        w.array("activity", activities) { w, url in w.object { w in w.object("reference") { w in w.string("reference", url) } } }
        if !plan.unanswered.isEmpty {
            w.array("note", [plan.unanswered.joined(separator: "; ")]) { w, text in w.object { w in w.string("text", "no exercise in the library for: " + text) } }
        }
    }

    private func report(_ s: SessionScore, date: String, patient: String, identifier id: String, results: [String], into w: inout JSONWriter) {
        w.string("resourceType", "DiagnosticReport")
        identifier("DiagnosticReport", id, into: &w)
        w.string("status", "final")
        code(index.balanceProtocol.id, display: index.balanceProtocol.title, into: &w)
        subjectAndDate(patient: patient, date: date, into: &w)
        w.array("result", results) { w, url in w.object { w in w.string("reference", url) } }
        let findings = s.findings.map(\.text)
        w.string("conclusion", findings.isEmpty ? "no finding" : findings.joined(separator: "; "))
    }
}
