import FastText
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
///
/// Fast because most of a Bundle is the same for every patient: what the protocol fixes (each
/// test's code, unit, method and identifier suffix; each kind of resource's identifier system
/// and conditional URL; categories, interpretations, sides) is made into bytes once, here, and
/// a session writes its own figures between them straight into the output buffer. A class: its
/// closures capture it as one reference, where a struct of the protocol's index and the blocks
/// was copied, every table retained, for each (perf: retain and release 14%).
public final class SessionBundle: Sendable {
    public let settings: FHIRExportSettings
    public let index: ProtocolIndex
    /// Where every block below is kept (see `BlockStore`: no reference count at each use).
    private let store: BlockStore
    /// Each source as a reference range names it ("citation (tag)"), escaped.
    private let sourceBytes: [String: Block]
    /// Each code of the protocol with its display, as a `"code":{...}` member.
    private let codeBlocks: [CodeKey: Block]
    /// What is fixed of each test's Observations.
    private let testBlocks: [String: TestBlocks]
    /// Each ratio's identifier suffixes, by side.
    private let ratioSuffixes: [String: SideParts]
    /// The protocol's normal limit, for each result's reference range.
    private let normalLimit: NormalLimit?
    /// The fixed members: categories, interpretations (by code N, L, H, A and grade rank),
    /// sides, units, component codes (trial 1-12, z-score, percentile), and each kind of
    /// resource's start.
    private let blocks: FixedBlocks
    private let unitBlocks: [MeasurementUnit: Block]

    static let v3Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    static let snomed = "http://snomed.info/sct"

    /// The kinds of resource a Bundle holds.
    enum Kind: Int, CaseIterable {
        case patient, observation, serviceRequest, carePlan, diagnosticReport

        var name: String {
            switch self {
            case .patient: "Patient"
            case .observation: "Observation"
            case .serviceRequest: "ServiceRequest"
            case .carePlan: "CarePlan"
            case .diagnosticReport: "DiagnosticReport"
            }
        }
    }

    /// What every resource of a kind repeats: its UUID key's start (`Kind|system|`), the
    /// `"resourceType":...,"identifier":[{"system":...,"value":"` start, and the conditional
    /// URL's start (`Kind?identifier=` and the system, percent-encoded, with its `|`).
    struct KindBlocks: Sendable {
        var hash: FHIRIdentity.UUIDHash
        var resourceStart: Block
        var urlStart: Block
    }

    struct FixedBlocks: Sendable {
        var examCategory: Block
        var surveyCategory: Block
        var interpretations: [Block]
        var leftSide: Block
        var rightSide: Block
        var percentUnit: Block
        var oneUnit: Block
        var yearsUnit: Block
        var pointsUnit: Block
        var trialCodes: [Block]
        var zCode: Block
        var percentileCode: Block
        var kinds: [KindBlocks]
    }

    struct CodeKey: Hashable {
        var code: String
        var display: String?
    }

    /// A figure's identifier suffixes with no side, the left and the right.
    struct SideParts: Sendable {
        var none: IdentifierView
        var left: IdentifierView
        var right: IdentifierView

        subscript(side: BodySide?) -> IdentifierView {
            switch side {
            case nil: none
            case .left?: left
            case .right?: right
            }
        }
    }

    /// A test's fixed parts: blocks and plain values only, nothing reference-counted.
    struct TestBlocks: Sendable {
        var known: Bool
        var direction: ScoreDirection?
        var unit: MeasurementUnit?
        var code: Block
        var asymmetryCode: Block
        /// The members of the test's unit.
        var unitMembers: Block
        var method: Block
        var suffixes: SideParts
        var asymmetrySuffix: IdentifierView
        /// The region whose imbalance index the test's grades count in.
        var region: BodyRegion?
    }

    public init(settings: FHIRExportSettings, index: ProtocolIndex) throws(FHIRExportError) {
        guard FHIRExportSettings.isAbsoluteURI(settings.patientSystem) else { throw .notAURI(setting: "patient identifier system", value: settings.patientSystem) }
        guard FHIRExportSettings.isAbsoluteURI(settings.codeSystem) else { throw .notAURI(setting: "code system", value: settings.codeSystem) }
        self.settings = settings
        self.index = index
        let store = BlockStore()
        self.store = store
        let p = index.balanceProtocol
        sourceBytes = Dictionary(
            p.sources.map { s in (s.id, store.keep(JSONWriter.escaped(s.kind == .cited ? s.citation : s.citation + " (" + s.kind.rawValue + ")"))) },
            uniquingKeysWith: { first, _ in first })
        let codeSystem = settings.codeSystem
        func code(_ code: String, _ display: String?) -> Block {
            store.keep(JSONWriter.fragment { w in Self.writeCode(code, display: display, system: codeSystem, into: &w) })
        }
        var codes: [(String, String?)] = [(p.id, p.title), ("imbalance-index", "Overall imbalance index")]
        for region in BodyRegion.allCases { codes.append(CodeSystemResource.regionIndexCode(region)) }
        for r in p.ratios { codes.append((r.id, r.name)) }
        for i in p.instruments { codes.append((i.id, i.name)) }
        for e in p.exercises { codes.append((e.id, e.name)) }
        for a in p.adjuncts { codes.append((a.id, a.name)) }
        codeBlocks = Dictionary(codes.map { (CodeKey(code: $0.0, display: $0.1), code($0.0, $0.1)) }, uniquingKeysWith: { first, _ in first })

        func unit(_ u: UCUMUnit) -> Block {
            store.keep(JSONWriter.fragment { w in
                w.string("unit", u.unit)
                w.string("system", UCUMUnit.system)
                w.string("code", u.code)
            })
        }
        let units = Dictionary(uniqueKeysWithValues: MeasurementUnit.allCases.map { ($0, unit(UCUMUnit($0))) })
        unitBlocks = units

        var tests: [String: TestBlocks] = [:]
        for (i, t) in p.tests.enumerated() {
            var blocks = Self.testBlocks(t.id, t, codeSystem: codeSystem, units: units, store: store)
            blocks.region = i < index.regionOfTest.count ? index.regionOfTest[i] : nil
            tests[t.id] = blocks
        }
        testBlocks = tests
        ratioSuffixes = Dictionary(p.ratios.map { r in (r.id, Self.suffixes(r.id, store: store)) }, uniquingKeysWith: { first, _ in first })
        normalLimit = NormalLimit(p.normGrading)

        var interpretations: [Block] = []
        for code in ["N", "L", "H", "A"] {
            for grade in Grade.allCases.sorted(by: { $0.rank < $1.rank }) {
                interpretations.append(store.keep(JSONWriter.fragment { w in Self.writeInterpretation(code, grade: grade, into: &w) }))
            }
        }
        let kinds = Kind.allCases.map { kind in
            var hash = FHIRIdentity.UUIDHash()
            hash.add(kind.name + "|" + settings.patientSystem + "|")
            let system = Self.system(for: kind.name, patientSystem: settings.patientSystem)
            var start = JSONWriter.fragment { w in
                w.string("resourceType", kind.name)
                w.arrayOfOne("identifier") { w in w.string("system", system) }
            }
            // `...}]` off, `,"value":"` on: the value is written in pieces.
            start.removeLast(2)
            start += Array(#","value":""#.utf8)
            return KindBlocks(
                hash: hash, resourceStart: store.keep(start),
                urlStart: store.keep(Array((kind.name + "?identifier=").utf8) + FHIRIdentity.percentEncoded(system + "|")))
        }
        blocks = FixedBlocks(
            examCategory: store.keep(JSONWriter.fragment { Self.writeCategory("exam", into: &$0) }),
            surveyCategory: store.keep(JSONWriter.fragment { Self.writeCategory("survey", into: &$0) }),
            interpretations: interpretations,
            leftSide: store.keep(JSONWriter.fragment { Self.writeLaterality(.left, into: &$0) }),
            rightSide: store.keep(JSONWriter.fragment { Self.writeLaterality(.right, into: &$0) }),
            percentUnit: unit(.percent), oneUnit: unit(.one), yearsUnit: unit(.years), pointsUnit: unit(.points),
            trialCodes: (1...12).map { code("trial", "trial \($0)") },
            zCode: code("z-score", "z-score"),
            percentileCode: code("percentile", "percentile"),
            kinds: kinds)
    }

    private static func suffixes(_ figure: String, store: BlockStore) -> SideParts {
        SideParts(
            none: IdentifierView(figure + "/-", store: store), left: IdentifierView(figure + "/left", store: store),
            right: IdentifierView(figure + "/right", store: store))
    }

    private static func testBlocks(_ id: String, _ t: TestDefinition?, codeSystem: String, units: [MeasurementUnit: Block], store: BlockStore) -> TestBlocks {
        let name = t?.name
        return TestBlocks(
            known: t != nil,
            direction: t?.direction,
            unit: t?.unit,
            code: store.keep(JSONWriter.fragment { w in writeCode(id, display: name, system: codeSystem, into: &w) }),
            asymmetryCode: store.keep(JSONWriter.fragment { w in writeCode(id + ".asymmetry", display: "Asymmetry, " + (name ?? id), system: codeSystem, into: &w) }),
            unitMembers: units[t?.unit ?? .newton] ?? Block(start: nil, count: 0),
            method: store.keep((t?.position).map { position in JSONWriter.fragment { w in w.object("method") { w in w.string("text", position) } } } ?? []),
            suffixes: suffixes(id, store: store),
            asymmetrySuffix: IdentifierView(id + ".asymmetry/-", store: store),
            region: nil)
    }

    /// The identifier system of each kind of resource: the clinic's patients' own, and one
    /// under it for what mbt makes.
    static func system(for resourceType: String, patientSystem: String) -> String {
        resourceType == "Patient" ? patientSystem : patientSystem + "/mbt-" + resourceType.lowercased()
    }

    /// The Bundle of `score.sessions[session]`, one line, no newline at its end.
    public func bundle(_ score: PatientScore, session: Int) throws(FHIRExportError) -> [UInt8] {
        var out = ByteBuffer(capacity: 1 << 17)
        try write(score, session: session, into: &out)
        return out.withBytes { Array($0) }
    }

    /// The Bundle of `score.sessions[session]` appended to `out`, or nothing and an error.
    public func write(_ score: PatientScore, session: Int, into out: inout ByteBuffer) throws(FHIRExportError) {
        let s = score.sessions[session]
        let date = s.date.description
        // A session of outcome scores alone (a check-in by questionnaire) is exported: only one
        // with nothing to put in an Observation is refused.
        guard !s.results.isEmpty || s.outcomes.contains(where: { $0.score?.isFinite == true }) else {
            throw .noResults(patient: score.patientID, date: date)
        }
        var w = JSONWriter(appendingTo: out)
        writeBundle(s, score: score, date: date, into: &w)
        out = w.finish()
    }

    /// A part of an identifier (what a session fixes: the patient, or the patient and the
    /// date; what a figure adds: the test and side), as written, escaped for JSON and
    /// percent-encoded, in one array; `withView` lends it as an `IdentifierView`.
    struct IdentifierPart {
        private var bytes: [UInt8]
        private var escapedStart: Int
        private var encodedStart: Int

        init(_ text: String) {
            var all = Array(text.utf8)
            let escapedStart = all.count
            var text = text
            text.withUTF8 { JSONWriter.escape($0, into: &all) }
            let encodedStart = all.count
            text.withUTF8 { FHIRIdentity.percentEncode($0, into: &all) }
            (bytes, self.escapedStart, self.encodedStart) = (all, escapedStart, encodedStart)
        }

        @discardableResult
        func withView<R>(_ body: (IdentifierView) -> R) -> R {
            bytes.withUnsafeBufferPointer { all in
                body(IdentifierView(
                    raw: UnsafeBufferPointer(rebasing: all[..<escapedStart]),
                    escaped: UnsafeBufferPointer(rebasing: all[escapedStart..<encodedStart]),
                    encoded: UnsafeBufferPointer(rebasing: all[encodedStart...])))
            }
        }
    }

    /// An identifier part's three forms, lent (by `IdentifierPart.withView`) or kept in the
    /// store (a test's suffixes).
    struct IdentifierView: @unchecked Sendable {
        // @unchecked: a kept view points into a BlockStore, read-only after it is made.
        var raw: UnsafeBufferPointer<UInt8>
        var escaped: UnsafeBufferPointer<UInt8>
        var encoded: UnsafeBufferPointer<UInt8>

        init(raw: UnsafeBufferPointer<UInt8>, escaped: UnsafeBufferPointer<UInt8>, encoded: UnsafeBufferPointer<UInt8>) {
            self.raw = raw
            self.escaped = escaped
            self.encoded = encoded
        }

        static let empty = IdentifierView(raw: UnsafeBufferPointer(start: nil, count: 0), escaped: UnsafeBufferPointer(start: nil, count: 0), encoded: UnsafeBufferPointer(start: nil, count: 0))

        /// `text`'s three forms, kept in `store`.
        init(_ text: String, store: BlockStore) {
            raw = store.keep(Array(text.utf8)).bytes
            escaped = store.keep(JSONWriter.escaped(text)).bytes
            encoded = store.keep(FHIRIdentity.percentEncoded(text)).bytes
        }
    }

    /// One entry: `fullUrl`, the resource (its type and identifier, then what `body` writes)
    /// and the conditional update, all named by `start` + `suffix`. Returns the entry's UUID.
    @discardableResult
    private func entry(_ kind: Kind, _ start: IdentifierView, _ suffix: IdentifierView, into w: inout JSONWriter, _ body: (inout JSONWriter) -> Void) -> FHIRUUID {
        let k = blocks.kinds[kind.rawValue]
        var hash = k.hash
        hash.add(start.raw)
        hash.add(suffix.raw)
        let uuid = hash.uuid
        w.object { w in
            w.member("fullUrl") { uuid.writeQuoted(into: &$0) }
            w.object("resource") { w in
                w.raw(k.resourceStart.bytes)
                w.out.appendBytes(start.escaped)
                w.out.appendBytes(suffix.escaped)
                w.out.appendBytes(StaticString(#""}]"#))
                body(&w)
            }
            w.object("request") { w in
                w.literal("method", "PUT")
                w.member("url") { out in
                    out.append(0x22)
                    out.appendBytes(k.urlStart.bytes)
                    out.appendBytes(start.encoded)
                    out.appendBytes(suffix.encoded)
                    out.append(0x22)
                }
            }
        }
        return uuid
    }

    private func writeBundle(_ s: SessionScore, score: PatientScore, date: String, into w: inout JSONWriter) {
        let patientPart = IdentifierPart(score.patientID)
        let sessionPart = IdentifierPart(score.patientID + "/" + date + "/")
        patientPart.withView { patientStart in sessionPart.withView { sessionStart in
        var patientHash = blocks.kinds[Kind.patient.rawValue].hash
        patientHash.add(patientStart.raw)
        let patientURL = patientHash.uuid
        let context = EntryContext(
            date: date, patient: patientURL,
            subject: JSONWriter.fragment { w in self.reference("subject", patientURL, into: &w) },
            subjectAndDate: JSONWriter.fragment { w in
                self.reference("subject", patientURL, into: &w)
                w.string("effectiveDateTime", date)
            },
            authoredOn: JSONWriter.fragment { w in w.string("authoredOn", date) })
        w.object { w in
            w.literal("resourceType", "Bundle")
            w.literal("type", "transaction")
            w.beginArray("entry")
            entry(.patient, patientStart, IdentifierView.empty, into: &w) { w in self.patient(score, into: &w) }

            var resultURLs: [(testID: String, side: BodySide?, url: FHIRUUID)] = []
            resultURLs.reserveCapacity(s.results.count)
            var observationURLs: [FHIRUUID] = []
            observationURLs.reserveCapacity(s.results.count + s.asymmetries.count + s.ratios.count + s.regions.count + s.outcomes.count + 1)
            // The graded figures of each region (by rank): what its index is derived from.
            var regionFigures = [[FHIRUUID]](repeating: [], count: BodyRegion.allCases.count)
            for result in s.results {
                let (url, region) = withTestBlocks(result.testID) { test in
                    (entry(.observation, sessionStart, test.suffixes[result.side], into: &w) { w in self.observation(result, test, score: score, context, into: &w) }, test.region)
                }
                if let region, result.grade != nil { regionFigures[region.rank].append(url) }
                resultURLs.append((result.testID, result.side, url))
                observationURLs.append(url)
            }
            for a in s.asymmetries where a.value != nil {
                let sides = [BodySide.left, .right].compactMap { side in resultURLs.first { $0.testID == a.testID && $0.side == side }?.url }
                let (url, region) = withTestBlocks(a.testID) { test in
                    (entry(.observation, sessionStart, test.asymmetrySuffix, into: &w) { w in self.asymmetry(a, test, context, derivedFrom: sides, into: &w) }, test.region)
                }
                observationURLs.append(url)
                if let region, a.grade != nil { regionFigures[region.rank].append(url) }
            }
            for r in s.ratios where r.value.isFinite {
                let url: FHIRUUID
                if let suffix = ratioSuffixes[r.ratioID]?[r.side] {
                    url = entry(.observation, sessionStart, suffix, into: &w) { w in self.ratio(r, context, into: &w) }
                } else {
                    url = IdentifierPart(r.ratioID + "/" + (r.side?.rawValue ?? "-")).withView { suffix in
                        entry(.observation, sessionStart, suffix, into: &w) { w in self.ratio(r, context, into: &w) }
                    }
                }
                observationURLs.append(url)
                if let region = Self.regionFed(by: r, index: index, testBlocks: testBlocks) { regionFigures[region.rank].append(url) }
            }
            // Each region's index, derived from its graded figures; the overall index from them.
            var regionURLs: [FHIRUUID] = []
            for region in s.regions {
                guard let value = region.value, value.isFinite else { continue }
                let url = IdentifierPart("imbalance-index." + region.region.rawValue + "/-").withView { suffix in
                    entry(.observation, sessionStart, suffix, into: &w) { w in
                        self.regionIndex(region, value: value, context, derivedFrom: regionFigures[region.region.rank], into: &w)
                    }
                }
                regionURLs.append(url)
                observationURLs.append(url)
            }
            if let overall = s.overallIndex, overall.isFinite {
                observationURLs.append(IdentifierPart("imbalance-index/-").withView { suffix in
                    entry(.observation, sessionStart, suffix, into: &w) { w in
                        self.overallIndex(overall, grade: s.overallGrade, context, derivedFrom: regionURLs, into: &w)
                    }
                })
            }
            for o in s.outcomes {
                guard let value = o.score, value.isFinite else { continue }
                observationURLs.append(IdentifierPart(o.instrumentID + "/-").withView { suffix in
                    entry(.observation, sessionStart, suffix, into: &w) { w in self.outcome(o, value: value, context, into: &w) }
                })
            }
            // The corrective plan: a ServiceRequest per exercise (the side in its order detail,
            // the dose as timing and instruction), one that must not be performed per adjunct
            // therapy the screen did not recommend (with every reason), and a CarePlan holding
            // them over the reassessment window.
            var requestURLs: [FHIRUUID] = []
            for (n, exercise) in s.plan.exercises.enumerated() {
                let side = exercise.side?.rawValue ?? (exercise.bothSides ? "both" : "-")
                requestURLs.append(IdentifierPart("plan/\(n + 1)/\(exercise.exerciseID)/\(side)").withView { suffix in
                    entry(.serviceRequest, sessionStart, suffix, into: &w) { w in self.exerciseRequest(exercise, context, into: &w) }
                })
            }
            for adjunct in s.adjuncts where adjunct.verdict == .notRecommended {
                IdentifierPart("adjunct/" + adjunct.adjunctID).withView { suffix in
                    entry(.serviceRequest, sessionStart, suffix, into: &w) { w in self.notRecommended(adjunct, context, into: &w) }
                }
            }
            if !requestURLs.isEmpty {
                IdentifierPart("plan").withView { suffix in
                    entry(.carePlan, sessionStart, suffix, into: &w) { w in self.carePlan(s.plan, context, activities: requestURLs, into: &w) }
                }
            }
            IdentifierPart(index.balanceProtocol.id).withView { suffix in
                entry(.diagnosticReport, sessionStart, suffix, into: &w) { w in self.report(s, context, results: observationURLs, into: &w) }
            }
            w.endArray()
        }
        } }
    }

    /// The region whose index a ratio's grade entered, as the scorer marked it: none for one
    /// not graded or whose muscles are both within their own norms (it names no deficit); the
    /// region of its deficient muscle's test for one counted as that test's asymmetry (its grade
    /// raised the asymmetry's); else the ratio's own region.
    static func regionFed(by r: RatioResult, index: ProtocolIndex, testBlocks: [String: TestBlocks]) -> BodyRegion? {
        guard r.grade != nil, let ratio = index.ratios[r.ratioID] else { return nil }
        switch r.notCounted {
        case .withinOwnNorms?: return nil
        case .sameWeakMuscle?:
            guard let term = r.deficient else { return ratio.region }
            return testBlocks[term == .numerator ? ratio.numerator : ratio.denominator]?.region ?? ratio.region
        case nil: return ratio.region
        }
    }

    /// `body` given the test's blocks; for a test the protocol does not have (never, for a
    /// session scored against it), blocks made for the call.
    private func withTestBlocks<R>(_ testID: String, _ body: (TestBlocks) -> R) -> R {
        if let known = testBlocks[testID] { return body(known) }
        let store = BlockStore()
        return withExtendedLifetime(store) {
            body(Self.testBlocks(testID, nil, codeSystem: settings.codeSystem, units: unitBlocks, store: store))
        }
    }

    /// What every resource of a session refers to.
    /// What every resource of a session refers to, and the members that say so, made once a
    /// session (a reference and a date written again for each of some fifty resources).
    struct EntryContext {
        var date: String
        var patient: FHIRUUID
        /// `"subject":{"reference":"urn:uuid:..."}`
        var subject: [UInt8]
        /// The subject, then `"effectiveDateTime":"date"`.
        var subjectAndDate: [UInt8]
        /// `"authoredOn":"date"`
        var authoredOn: [UInt8]
    }

    // MARK: resources

    private func patient(_ score: PatientScore, into w: inout JSONWriter) {
        switch score.sex {
        case .female?: w.literal("gender", "female")
        case .male?: w.literal("gender", "male")
        case nil: break
        }
        w.string("birthDate", score.birthDate?.description)
    }

    private static func writeCode(_ code: String, display: String?, system: String, into w: inout JSONWriter) {
        w.object("code") { w in
            w.arrayOfOne("coding") { w in
                w.string("system", system)
                w.string("code", code)
                w.string("display", display)
            }
            w.string("text", display ?? code)
        }
    }

    private func code(_ code: String, display: String?, into w: inout JSONWriter) {
        if let block = codeBlocks[CodeKey(code: code, display: display)] {
            w.raw(block.bytes)
        } else {
            Self.writeCode(code, display: display, system: settings.codeSystem, into: &w)
        }
    }

    private static func writeCategory(_ category: String, into w: inout JSONWriter) {
        w.arrayOfOne("category") { w in
            w.arrayOfOne("coding") { w in
                w.string("system", Self.observationCategory)
                w.string("code", category)
            }
        }
    }

    /// `"status":"final"` and the category, after the type and identifier `entry` wrote.
    private func common(survey: Bool, into w: inout JSONWriter) {
        w.literal("status", "final")
        w.raw((survey ? blocks.surveyCategory : blocks.examCategory).bytes)
    }

    /// `"key":{"reference":"urn:uuid:..."}`.
    private func reference(_ key: StaticString, _ url: FHIRUUID, into w: inout JSONWriter) {
        w.object(key) { w in Self.referenceMember(url, into: &w) }
    }

    /// `"reference":"urn:uuid:..."`.
    private static func referenceMember(_ url: FHIRUUID, into w: inout JSONWriter) {
        w.member("reference") { url.writeQuoted(into: &$0) }
    }

    private func subjectAndDate(_ context: EntryContext, into w: inout JSONWriter) {
        w.raw(context.subjectAndDate)
    }

    private func quantity(_ key: StaticString, _ value: Double, _ unit: Block, digits: Int = 3, into w: inout JSONWriter) {
        w.object(key) { w in
            w.decimal("value", value, digits: digits)
            w.raw(unit.bytes)
        }
    }

    /// N, or L / H (a test better higher or lower), A (abnormal) for a graded finding.
    private func interpretation(_ grade: Grade?, direction: ScoreDirection?, into w: inout JSONWriter) {
        guard let grade else { return }
        let code: Int
        switch (grade, direction) {
        case (.normal, _): code = 0
        case (_, .higherIsBetter?): code = 1
        case (_, .lowerIsBetter?): code = 2
        default: code = 3
        }
        w.raw(blocks.interpretations[code * Grade.allCases.count + grade.rank].bytes)
    }

    private static func writeInterpretation(_ code: String, grade: Grade, into w: inout JSONWriter) {
        let display = ["N": "Normal", "L": "Low", "H": "High"][code] ?? "Abnormal"
        w.arrayOfOne("interpretation") { w in
            w.arrayOfOne("coding") { w in
                w.string("system", Self.v3Interpretation)
                w.string("code", code)
                w.string("display", display)
            }
            w.string("text", grade.rawValue)
        }
    }

    private func laterality(_ side: BodySide?, into w: inout JSONWriter) {
        guard let side else { return }
        w.raw((side == .left ? blocks.leftSide : blocks.rightSide).bytes)
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
        w.arrayOfOne("coding") { w in
            w.literal("system", "http://snomed.info/sct")
            w.literal("code", side == .left ? "7771000" : "24028007")
            w.literal("display", side == .left ? "Left" : "Right")
        }
    }

    private func observation(_ r: TestResult, _ test: TestBlocks, score: PatientScore, _ context: EntryContext, into w: inout JSONWriter) {
        common(survey: false, into: &w)
        w.raw(test.code.bytes)
        subjectAndDate(context, into: &w)
        let none = Block(start: nil, count: 0)
        let unit = test.known ? test.unitMembers : (unitBlocks[r.unit] ?? none)
        quantity("valueQuantity", r.value, unit, into: &w)
        interpretation(r.grade, direction: test.direction, into: &w)
        if let reason = r.noReference?.reason {
            w.arrayOfOne("note") { w in w.string("text", "no reference: " + reason) }
        }
        laterality(r.side, into: &w)
        if !test.method.isEmpty { w.raw(test.method.bytes) }
        // The norm that graded it: its normal range, age band and source.
        let graded = r.comparisons.first { $0.grade != nil }
        if let graded, let range = graded.normalRange(direction: test.direction ?? .higherIsBetter, limit: normalLimit, bodyMassKg: score.bodyMassKg),
            range.low != nil || range.high != nil
        {
            w.arrayOfOne("referenceRange") { w in
                if let low = range.low { self.quantity("low", low, unit, into: &w) }
                if let high = range.high { self.quantity("high", high, unit, into: &w) }
                w.object("age") { w in
                    self.quantity("low", Double(graded.stratum.ageMin), self.blocks.yearsUnit, digits: 0, into: &w)
                    if let max = graded.stratum.ageMax { self.quantity("high", Double(max), self.blocks.yearsUnit, digits: 0, into: &w) }
                }
                w.member("text") { out in
                    out.appendBytes(StaticString("\"graded normal by "))
                    for (i, id) in graded.sources.enumerated() {
                        if i > 0 { out.appendBytes(StaticString("; ")) }
                        if let words = self.sourceBytes[id] { out.appendBytes(words.bytes) } else { out.appendBytes(JSONWriter.escaped(id)) }
                    }
                    out.append(0x22)
                }
            }
        }
        // Trials, z and percentile as components.
        let trialUnit = unitBlocks[r.unit] ?? none
        var percentile: Double?
        for c in r.comparisons {
            if case .meanSD(_, _, _, _, _, let p) = c.outcome { percentile = p; break }
            if case .percentiles(let p?, _, _, _) = c.outcome { percentile = p; break }
        }
        guard !r.trials.isEmpty || r.z != nil || percentile != nil else { return }
        w.beginArray("component")
        for (i, trial) in r.trials.enumerated() {
            w.object { w in
                if i < self.blocks.trialCodes.count {
                    w.raw(self.blocks.trialCodes[i].bytes)
                } else {
                    Self.writeCode("trial", display: "trial \(i + 1)", system: self.settings.codeSystem, into: &w)
                }
                self.quantity("valueQuantity", trial, trialUnit, into: &w)
            }
        }
        if let z = r.z {
            w.object { w in
                w.raw(self.blocks.zCode.bytes)
                self.quantity("valueQuantity", z, self.blocks.oneUnit, into: &w)
            }
        }
        if let percentile {
            w.object { w in
                w.raw(self.blocks.percentileCode.bytes)
                self.quantity("valueQuantity", percentile, self.blocks.percentUnit, into: &w)
            }
        }
        w.endArray()
    }

    private func asymmetry(_ a: AsymmetryResult, _ test: TestBlocks, _ context: EntryContext, derivedFrom: [FHIRUUID], into w: inout JSONWriter) {
        common(survey: false, into: &w)
        w.raw(test.asymmetryCode.bytes)
        subjectAndDate(context, into: &w)
        let unit = a.formula == .absoluteDifference ? (unitBlocks[test.unit ?? .newton] ?? Block(start: nil, count: 0)) : blocks.percentUnit
        quantity("valueQuantity", a.value ?? 0, unit, into: &w)
        interpretation(a.grade, direction: nil, into: &w)
        if let side = a.affectedSide {
            w.arrayOfOne("note") { w in w.string("text", "the weaker or tighter side: " + side.rawValue) }
        }
        references("derivedFrom", derivedFrom, into: &w)
    }

    private func ratio(_ r: RatioResult, _ context: EntryContext, into w: inout JSONWriter) {
        common(survey: false, into: &w)
        code(r.ratioID, display: index.ratios[r.ratioID]?.name, into: &w)
        subjectAndDate(context, into: &w)
        quantity("valueQuantity", r.value, blocks.oneUnit, into: &w)
        interpretation(r.grade, direction: nil, into: &w)
        laterality(r.side, into: &w)
    }

    private func overallIndex(_ value: Double, grade: Grade?, _ context: EntryContext, derivedFrom: [FHIRUUID], into w: inout JSONWriter) {
        common(survey: false, into: &w)
        code("imbalance-index", display: "Overall imbalance index", into: &w)
        subjectAndDate(context, into: &w)
        quantity("valueQuantity", value, blocks.oneUnit, digits: 1, into: &w)
        interpretation(grade, direction: .lowerIsBetter, into: &w)
        references("derivedFrom", derivedFrom, into: &w)
    }

    /// A region's index (0-100, lower is better): the mean of its graded figures' points, no
    /// grade of its own (the protocol grades the figures, not the region), its weight in the
    /// overall index as a note.
    private func regionIndex(_ region: RegionIndex, value: Double, _ context: EntryContext, derivedFrom: [FHIRUUID], into w: inout JSONWriter) {
        common(survey: false, into: &w)
        let (code, display) = CodeSystemResource.regionIndexCode(region.region)
        self.code(code, display: display, into: &w)
        subjectAndDate(context, into: &w)
        quantity("valueQuantity", value, blocks.oneUnit, digits: 1, into: &w)
        w.arrayOfOne("note") { w in
            let figures = region.gradedIndices == 1 ? "1 graded figure" : "\(region.gradedIndices) graded figures"
            w.string("text", figures + "; weight " + JSONWriter.decimalText(region.weight, digits: 3) + " in the overall index")
        }
        references("derivedFrom", derivedFrom, into: &w)
    }

    /// `[{"reference":"urn:uuid:..."}, ...]`; nothing for none.
    private func references(_ key: StaticString, _ urls: [FHIRUUID], into w: inout JSONWriter) {
        w.array(key, urls) { w, url in w.object { w in Self.referenceMember(url, into: &w) } }
    }

    private func outcome(_ o: OutcomeScore, value: Double, _ context: EntryContext, into w: inout JSONWriter) {
        common(survey: true, into: &w)
        code(o.instrumentID, display: index.balanceProtocol.instrument(o.instrumentID)?.name, into: &w)
        subjectAndDate(context, into: &w)
        quantity("valueQuantity", value, blocks.pointsUnit, into: &w)
        if let band = o.band { w.arrayOfOne("note") { w in w.string("text", band) } }
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

    private func exerciseRequest(_ e: PlannedExercise, _ context: EntryContext, into w: inout JSONWriter) {
        w.literal("status", "active")
        w.literal("intent", "plan")
        code(e.exerciseID, display: e.name, into: &w)
        let sideText: String
        if let again = e.againOn {
            sideText = "both sides, and again on the \(again.rawValue)"
        } else if let side = e.side {
            sideText = "\(side.rawValue) side only"
        } else {
            sideText = "both sides"
        }
        w.arrayOfOne("orderDetail") { w in
            if let side = e.side, e.againOn == nil { Self.writeSideCoding(side, into: &w) }
            w.string("text", sideText)
        }
        w.raw(context.subject)
        if e.dosage.daysPerWeekMin != nil || e.dosage.daysPerWeekMax != nil {
            w.object("occurrenceTiming") { w in
                w.object("repeat") { w in
                    w.integer("frequency", e.dosage.daysPerWeekMin ?? e.dosage.daysPerWeekMax ?? 1)
                    if let max = e.dosage.daysPerWeekMax, let min = e.dosage.daysPerWeekMin, max > min { w.integer("frequencyMax", max) }
                    w.integer("period", 1)
                    w.literal("periodUnit", "wk")
                }
            }
        }
        w.raw(context.authoredOn)
        if !e.answers.isEmpty { w.arrayOfOne("reasonCode") { w in w.string("text", e.answers) } }
        w.string("patientInstruction", Self.instruction(e))
    }

    private func notRecommended(_ a: AdjunctDecision, _ context: EntryContext, into w: inout JSONWriter) {
        w.literal("status", "active")
        w.literal("intent", "plan")
        w.bool("doNotPerform", true)
        code(a.adjunctID, display: a.name, into: &w)
        w.raw(context.subject)
        w.raw(context.authoredOn)
        w.array("reasonCode", a.reasons) { w, reason in w.object { w in w.string("text", reason) } }
    }

    private func carePlan(_ plan: CorrectivePlan, _ context: EntryContext, activities: [FHIRUUID], into w: inout JSONWriter) {
        w.literal("status", "active")
        w.literal("intent", "plan")
        w.literal("title", "Corrective exercise plan")
        w.raw(context.subject)
        // Until the reassessment: the window the protocol gives, from the session.
        w.object("period") { w in
            w.string("start", context.date)
            w.string("end", plan.reassessBy?.description)
        }
        w.array("activity", activities) { w, url in w.object { w in self.reference("reference", url, into: &w) } }
        if !plan.unanswered.isEmpty {
            w.arrayOfOne("note") { w in w.string("text", "no exercise in the library for: " + plan.unanswered.joined(separator: "; ")) }
        }
    }

    private func report(_ s: SessionScore, _ context: EntryContext, results: [FHIRUUID], into w: inout JSONWriter) {
        w.literal("status", "final")
        code(index.balanceProtocol.id, display: index.balanceProtocol.title, into: &w)
        subjectAndDate(context, into: &w)
        references("result", results, into: &w)
        let findings = s.findings.map(\.text)
        w.string("conclusion", findings.isEmpty ? "no finding" : findings.joined(separator: "; "))
    }
}
