import ClinicFiles
@testable import FHIRExport
import Foundation
import MuscleBalanceCore
import TestSupport
import Testing

/// The protocol's CodeSystem, published beside it (Protocols/<id>.codesystem.json): every code a
/// Bundle writes is in it, once; the file is what the protocol makes (re-made on purpose with
/// MBT_RECORD_CODESYSTEM=1 swift test --filter CodeSystemResource); fhirkit-rs passes it.
@Suite("CodeSystemResource: the protocol's codes, published")
struct CodeSystemResourceTests {
    let scratch = Scratch("codesystem")
    static let published = Paths.protocols + "/lumbopelvic-balance.codesystem.json"

    @Test("the published file is the one the default protocol makes; its codes unique; it passes the checks")
    func published() throws {
        let p = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let made = String(decoding: CodeSystemResource.json(p), as: UTF8.self) + "\n"
        if ProcessInfo.processInfo.environment["MBT_RECORD_CODESYSTEM"] == "1" { try made.write(toFile: Self.published, atomically: true, encoding: .utf8) }
        #expect(try String(contentsOfFile: Self.published, encoding: .utf8) == made, "re-make with MBT_RECORD_CODESYSTEM=1")
        let codes = CodeSystemResource.concepts(of: p).map(\.code)
        #expect(Set(codes).count == codes.count, "a code twice: \(codes)")
        #expect(CodeSystemResource.url(of: p) == "urn:musclebalance:protocol:lumbopelvic-balance")
        let check = try run("/usr/bin/env", ["python3", Paths.packageRoot + "/Scripts/fhir-check.py", Self.published])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test("every code the example clinic's Bundles write under the protocol's system is a concept of it, with the same display")
    func bundlesUseItsCodes() throws {
        let (index, scores) = try SessionBundleTests.examplePatients()
        let system = CodeSystemResource.url(of: index.balanceProtocol)
        let concepts = Dictionary(CodeSystemResource.concepts(of: index.balanceProtocol).map { ($0.code, $0.display) }, uniquingKeysWith: { a, _ in a })
        let bundle = try SessionBundle(settings: FHIRExportSettings(patientSystem: SessionBundleTests.settings.patientSystem, codeSystem: system), index: index)
        var seen = 0
        for score in scores {
            for i in score.sessions.indices {
                let json = try JSONSerialization.jsonObject(with: Data(try bundle.bundle(score, session: i)))
                func walk(_ node: Any) {
                    if let object = node as? [String: Any] {
                        if object["system"] as? String == system, let code = object["code"] as? String {
                            seen += 1
                            #expect(concepts[code] != nil, "\(code) is not in the CodeSystem")
                            if let display = object["display"] as? String, code != "trial" { #expect(concepts[code] == display, "\(code): \(display)") }
                        }
                        for value in object.values { walk(value) }
                    } else if let array = node as? [Any] {
                        for value in array { walk(value) }
                    }
                }
                walk(json)
            }
        }
        #expect(seen > 100)
    }
}
