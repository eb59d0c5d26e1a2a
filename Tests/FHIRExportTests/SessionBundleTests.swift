import ClinicFiles
@testable import FHIRExport
import Foundation
import MuscleBalanceCore
import TestSupport
import Testing

/// The FHIR export of issue 32, checked by three clients that are not mbt's
/// (Scripts/fhir-check.py: fhirkit-rs, fhirpathpy with its R4 model, ucumvert), and the checks
/// themselves seen to fail on planted errors.
@Suite("SessionBundle: a session as a FHIR R4 transaction Bundle")
struct SessionBundleTests {
    static let settings = FHIRExportSettings(patientSystem: "https://riverside.example/patients", codeSystem: "https://musclebalance.example/fhir/CodeSystem/mbt")

    /// Every patient of the example clinic file, scored.
    static func examplePatients() throws -> (ProtocolIndex, [PatientScore]) {
        let p = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let index = ProtocolIndex(p)
        let stream = try ClinicFileStream(path: Paths.example, schema: sharedLibrary.measurementSchema, sheetOptions: nil)
        var scores: [PatientScore] = []
        let scorer = BalanceScorer(index: index)
        while let item = try stream.next() { scores.append(scorer.score(item.patient)) }
        return (index, scores)
    }

    static func ndjson(_ index: ProtocolIndex, _ scores: [PatientScore]) throws -> String {
        let bundle = try SessionBundle(settings: settings, index: index)
        var lines = ""
        for score in scores {
            for i in score.sessions.indices { lines += String(decoding: try bundle.bundle(score, session: i), as: UTF8.self) + "\n" }
        }
        return lines
    }

    /// Scripts/fhir-check.py on `text`: its exit status and what it printed.
    static func check(_ text: String, _ scratch: Scratch, name: String) throws -> RunResult {
        let folder = try scratch.directory(name)
        try text.write(toFile: folder + "/b.fhir.ndjson", atomically: true, encoding: .utf8)
        return try run("/usr/bin/env", ["python3", Paths.packageRoot + "/Scripts/fhir-check.py", folder + "/b.fhir.ndjson"])
    }

    let scratch = Scratch("fhir")

    @Test("every session of the example clinic: Bundles that fhirkit-rs, fhirpathpy and ucumvert pass, the same bytes when exported again")
    func exampleClinicPasses() throws {
        let (index, scores) = try Self.examplePatients()
        let text = try Self.ndjson(index, scores)
        #expect(text.split(separator: "\n").count == scores.reduce(0) { $0 + $1.sessions.count })
        let checked = try Self.check(text, scratch, name: "example")
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(try Self.ndjson(index, scores) == text, "exported twice: byte-identical")
    }

    @Test("a generated batch (mbt generate: 150 patients, every test, both sexes, ages 18-80, outcome scores): every session's Bundle passes the three checks")
    func generatedBatchPasses() throws {
        let folder = try scratch.directory("generated")
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "150", "--seed", "32", "--outcomes"])
        #expect(generated.status == 0, "\(generated.stderr)")
        try generated.stdout.write(toFile: folder + "/g.xml", atomically: true, encoding: .utf8)
        let p = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let index = ProtocolIndex(p)
        let stream = try ClinicFileStream(path: folder + "/g.xml", schema: sharedLibrary.measurementSchema, sheetOptions: nil)
        var scores: [PatientScore] = []
        while let item = try stream.next() { scores.append(BalanceScorer(index: index).score(item.patient)) }
        #expect(scores.count == 150)
        let text = try Self.ndjson(index, scores)
        #expect(text.contains(#""category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"survey"}]}]"#), "outcome scores exported")
        let checked = try Self.check(text, scratch, name: "generated")
        #expect(checked.status == 0, "\(checked.stdout.prefix(3000))")
    }

    @Test("each region's index: its value, derived from exactly the figures whose grades entered it (a ratio counted with its weak muscle's asymmetry, none within its muscles' norms); the overall index derived from the regions")
    func regionIndices() throws {
        // The example, and 150 generated patients, among whom ratios counted with an
        // asymmetry and ratios within their muscles' norms (the example has neither).
        let (index, example) = try Self.examplePatients()
        let folder = try scratch.directory("regions")
        let generated = try run(Paths.mbtBinary, ["generate", "--patients", "150", "--seed", "32"])
        try generated.stdout.write(toFile: folder + "/g.xml", atomically: true, encoding: .utf8)
        let stream = try ClinicFileStream(path: folder + "/g.xml", schema: sharedLibrary.measurementSchema, sheetOptions: nil)
        var scores = example
        while let item = try stream.next() { scores.append(BalanceScorer(index: index).score(item.patient)) }
        let ratios = scores.flatMap { $0.sessions.flatMap(\.ratios) }
        #expect(ratios.contains { $0.notCounted == .sameWeakMuscle } && ratios.contains { $0.notCounted == .withinOwnNorms })
        let bundle = try SessionBundle(settings: Self.settings, index: index)
        var regionsSeen = 0
        for score in scores {
            for (n, session) in score.sessions.enumerated() {
                let json = try #require(try JSONSerialization.jsonObject(with: Data(try bundle.bundle(score, session: n))) as? [String: Any])
                let entries = try #require(json["entry"] as? [[String: Any]])
                var byURL: [String: [String: Any]] = [:]
                for e in entries { byURL[e["fullUrl"] as! String] = e["resource"] as? [String: Any] }
                func code(_ r: [String: Any]) -> String { (((r["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String) ?? "" }
                func references(_ r: [String: Any]) -> [String] { (r["derivedFrom"] as? [[String: Any]] ?? []).compactMap { $0["reference"] as? String } }
                var regionURLs: Set<String> = []
                for (url, r) in byURL where code(r).hasPrefix("imbalance-index.") {
                    let region = try #require(BodyRegion(rawValue: String(code(r).dropFirst("imbalance-index.".count))))
                    let expected = try #require(session.regions.first { $0.region == region })
                    let value = try #require((r["valueQuantity"] as? [String: Any])?["value"] as? Double)
                    #expect(abs(value - (expected.value! * 10).rounded() / 10) < 1e-9)
                    regionURLs.insert(url)
                    regionsSeen += 1
                    // What it is derived from: the region's graded results and asymmetries and the
                    // ratios the index counted, each resolving inside the Bundle.
                    var wanted: [String] = []
                    for result in session.results where result.grade != nil && index.regionOfTest[result.testIndex] == region { wanted.append(result.testID) }
                    for a in session.asymmetries where a.grade != nil && a.value != nil && index.tests[a.testID].flatMap({ index.groups[$0.muscleGroup]?.region }) == region {
                        wanted.append(a.testID + ".asymmetry")
                    }
                    // A ratio enters where its grade went: not at all when both its muscles are
                    // within their norms; with its weak muscle's asymmetry when counted there.
                    for ratio in session.ratios where ratio.grade != nil && ratio.value.isFinite && ratio.notCounted != .withinOwnNorms {
                        let definition = try #require(index.ratios[ratio.ratioID])
                        var fed = definition.region
                        if ratio.notCounted == .sameWeakMuscle, let term = ratio.deficient {
                            let testID = term == .numerator ? definition.numerator : definition.denominator
                            fed = try #require(index.tests[testID].flatMap { index.groups[$0.muscleGroup]?.region })
                        }
                        if fed == region { wanted.append(ratio.ratioID) }
                    }
                    let resolved = references(r).compactMap { byURL[$0] }
                    #expect(resolved.count == references(r).count, "every reference resolves")
                    let got = resolved.map(code)
                    #expect(got.sorted() == wanted.sorted(), "\(score.patientID) \(region)")
                    #expect(got.count >= expected.gradedIndices)
                }
                #expect(regionURLs.count == session.regions.filter { $0.value != nil }.count)
                let overall = try #require(byURL.values.first { code($0) == "imbalance-index" })
                #expect(Set(references(overall)) == regionURLs)
            }
        }
        #expect(regionsSeen >= 6)
    }

    @Test("a hip abduction result by hand: N in UCUM, left by SNOMED, the norm's normal range from McKay 2017 with its age band, trials and z as components")
    func oneObservation() throws {
        let (index, scores) = try Self.examplePatients()
        let score = try #require(scores.first)
        let line = try SessionBundle(settings: Self.settings, index: index).bundle(score, session: score.sessions.count - 1)
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(String(decoding: line.prefix(40), as: UTF8.self) == #"{"resourceType":"Bundle","type":"transac"#)
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        let patient = try #require(entries.first?["resource"] as? [String: Any])
        #expect(patient["gender"] as? String == "female" && patient["birthDate"] != nil)
        let request = try #require(entries.first?["request"] as? [String: Any])
        #expect(request["method"] as? String == "PUT")
        #expect(request["url"] as? String == "Patient?identifier=https%3A%2F%2Friverside.example%2Fpatients%7CRP-0001")
        let abduction = try #require(entries.compactMap { $0["resource"] as? [String: Any] }.first {
            (($0["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "hip-abduction-strength"
                && (($0["bodySite"] as? [String: Any])?["text"] as? String) == "left"
        })
        let quantity = try #require(abduction["valueQuantity"] as? [String: Any])
        #expect(quantity["system"] as? String == "http://unitsofmeasure.org" && quantity["code"] as? String == "N")
        let site = try #require(((abduction["bodySite"] as? [String: Any])?["coding"] as? [[String: Any]])?.first)
        #expect(site["system"] as? String == "http://snomed.info/sct" && site["code"] as? String == "7771000")
        // RP-0001 is a woman of 28: McKay 2017, women 20-59, 113.1 (32.4) N; normal from the
        // 5th centile, 113.1 - 1.6448536 x 32.4 = 59.807 N.
        let range = try #require((abduction["referenceRange"] as? [[String: Any]])?.first)
        #expect((range["low"] as? [String: Any])?["value"] as? Double == 59.807)
        #expect(((range["age"] as? [String: Any])?["low"] as? [String: Any])?["value"] as? Double == 20)
        #expect(((range["age"] as? [String: Any])?["high"] as? [String: Any])?["value"] as? Double == 59)
        #expect((range["text"] as? String)?.contains("McKay") == true)
        let components = try #require(abduction["component"] as? [[String: Any]])
        let codes = components.compactMap { (($0["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String }
        #expect(codes.contains("trial") && codes.contains("z-score") && codes.contains("percentile"))
    }

    @Test("the plan: a ServiceRequest per exercise (side in orderDetail, dose as timing and instruction), a CarePlan over the reassessment window holding them; the inversion table refused for 146/92 as a ServiceRequest not to perform, with the reason")
    func plan() throws {
        let (index, scores) = try Self.examplePatients()
        func bundled(_ score: PatientScore) throws -> [[String: Any]] {
            let line = try SessionBundle(settings: Self.settings, index: index).bundle(score, session: score.sessions.count - 1)
            let entries = try #require((try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])?["entry"] as? [[String: Any]])
            return entries.compactMap { $0["resource"] as? [String: Any] }
        }
        // The first example patient whose plan has exercises (RP-0003's has none: balanced).
        let score = try #require(scores.first { $0.sessions.last?.plan.exercises.isEmpty == false })
        let session = try #require(score.sessions.last)
        let resources = try bundled(score)
        let requests = resources.filter { $0["resourceType"] as? String == "ServiceRequest" && $0["doNotPerform"] == nil }
        #expect(requests.count == session.plan.exercises.count && !requests.isEmpty)
        for (request, exercise) in zip(requests, session.plan.exercises) {
            #expect(((request["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == exercise.exerciseID)
            #expect(request["intent"] as? String == "plan" && request["status"] as? String == "active")
            #expect(request["patientInstruction"] as? String == SessionBundle.instruction(exercise))
            let detail = ((request["orderDetail"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(detail.contains(exercise.side?.rawValue ?? "both"), "\(detail)")
        }
        let plan = try #require(resources.first { $0["resourceType"] as? String == "CarePlan" })
        #expect((plan["activity"] as? [[String: Any]])?.count == requests.count)
        #expect((plan["period"] as? [String: Any])?["end"] as? String == session.plan.reassessBy?.description && session.plan.reassessBy != nil)
        // 146/92 mmHg is at or above the inversion table's 140/90 (the protocol's source).
        let rp3 = try #require(scores.first { $0.patientID == "RP-0003" })
        let refused = try #require(try bundled(rp3).first { $0["doNotPerform"] as? Bool == true })
        #expect(((refused["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "inversion-table")
        #expect(((refused["reasonCode"] as? [[String: Any]])?.first?["text"] as? String)?.isEmpty == false)
    }

    @Test("a planted error fails the checks, one each: the checks themselves can fail", arguments: [
        ("broken reference", #""reference":"urn:uuid:"#, #""reference":"urn:uuid:00000000-0000-8000-8000-00000000000"#, "does not resolve"),
        ("lbf as a code", #""code":"N"}"#, #""code":"lbf"}"#, "ucum"),
        ("missing status", #""status":"final","#, "", "status"),
        ("unknown status", #""status":"final""#, #""status":"done""#, "status"),
        ("a null", #""type":"transaction""#, #""type":"transaction","meta":null"#, "null"),
        ("an empty array", #""type":"transaction""#, #""type":"transaction","link":[]"#, "empty array"),
        ("bad gender", #""gender":"female""#, #""gender":"f""#, "gender"),
        ("bad method", #""method":"PUT""#, #""method":"UPSERT""#, "method"),
        ("no request", #","request":{"method":"PUT","#, #","x":{"method":"PUT","#, "bdl-3"),
    ])
    func plantedErrors(name: String, find: String, replace: String, expected: String) throws {
        let (index, scores) = try Self.examplePatients()
        let line = String(decoding: try SessionBundle(settings: Self.settings, index: index).bundle(try #require(scores.first), session: 0), as: UTF8.self)
        let range = try #require(line.range(of: find), "\(name): '\(find)' is not in the Bundle")
        let planted = line.replacingCharacters(in: range, with: replace)
        let checked = try Self.check(planted + "\n", scratch, name: "planted")
        #expect(checked.status == 1, "\(name): \(checked.stdout)")
        #expect(checked.stdout.lowercased().contains(expected.lowercased()), "\(name): \(checked.stdout)")
    }

    @Test("a duplicate fullUrl: bdl-7")
    func duplicateFullURL() throws {
        let (index, scores) = try Self.examplePatients()
        let line = String(decoding: try SessionBundle(settings: Self.settings, index: index).bundle(try #require(scores.first), session: 0), as: UTF8.self)
        let urls = line.components(separatedBy: #""fullUrl":""#).dropFirst().map { String($0.prefix(while: { $0 != "\"" })) }
        let planted = line.replacingOccurrences(of: urls[2], with: urls[1])
        let checked = try Self.check(planted + "\n", scratch, name: "duplicate")
        #expect(checked.status == 1 && checked.stdout.contains("bdl-7"), "\(checked.stdout)")
    }

    @Test("no identifier system, or one that is not a URI: refused with what to give; a session with no result: refused")
    func badInput() throws {
        let (index, scores) = try Self.examplePatients()
        #expect(throws: FHIRExportError.notAURI(setting: "patient identifier system", value: "")) {
            try SessionBundle(settings: FHIRExportSettings(patientSystem: "", codeSystem: Self.settings.codeSystem), index: index)
        }
        #expect(throws: FHIRExportError.notAURI(setting: "code system", value: "our codes")) {
            try SessionBundle(settings: FHIRExportSettings(patientSystem: Self.settings.patientSystem, codeSystem: "our codes"), index: index)
        }
        var empty = try #require(scores.first)
        empty.sessions[0].results = []
        empty.sessions[0].outcomes = []
        #expect(throws: FHIRExportError.noResults(patient: empty.patientID, date: empty.sessions[0].date.description)) {
            try SessionBundle(settings: Self.settings, index: index).bundle(empty, session: 0)
        }
        // Outcome scores alone (a check-in by questionnaire): exported, not dropped; the
        // Bundle passes the checks.
        empty.sessions[0].outcomes = [OutcomeScore(instrumentID: "odi", score: 32)]
        let line = try SessionBundle(settings: Self.settings, index: index).bundle(empty, session: 0)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains(#""code":"odi""#) && text.contains(#""value":32,"unit":"points""#), "\(text)")
        let checked = try Self.check(text + "\n", scratch, name: "outcomes-only")
        #expect(checked.status == 0, "\(checked.stdout)")
    }

    @Test("text from a file is escaped as JSON requires: quotes, controls, U+2028/2029, bidi overrides")
    func escaping() {
        var out: [UInt8] = []
        JSONWriter.quote("a\"b\\c\n\u{01}\u{7F}\u{85}\u{2028}\u{2029}\u{202E}é", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\n\u0001\u007f\u0085\u2028\u2029\u202eé""#)
        #expect(JSONWriter.decimalText(59.8072, digits: 3) == "59.807" && JSONWriter.decimalText(-0.0004, digits: 3) == "0" && JSONWriter.decimalText(100, digits: 3) == "100")
        #expect(JSONWriter.decimalText(-1.25, digits: 1) == "-1.3" && JSONWriter.decimalText(0.05, digits: 2) == "0.05")
        // The writer's own digits (no String made) are decimalText's, whatever the value.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double.random(in: -100_000...100_000, using: &generator) / [1, 10, 1000, 7][Int.random(in: 0...3, using: &generator)]
            let digits = Int.random(in: 0...6, using: &generator)
            var out: [UInt8] = []
            JSONWriter.appendDecimal(value, digits: digits, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == JSONWriter.decimalText(value, digits: digits), "\(value) \(digits)")
        }
    }
}
