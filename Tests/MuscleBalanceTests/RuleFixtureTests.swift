import TestSupport
import MuscleBalance
import MuscleBalanceCore
import Testing

/// Every semantic rule has a fixture of its own: a valid file with one defect, marked with the
/// message expected on the line below the marker. The rule must fire there, and nowhere else.
@Suite("Semantic rules, one fixture each")
struct RuleFixtureTests {
    static let protocolFixtures = Paths.fixtures(in: "protocols").filter { !$0.hasSuffix("/valid-fixture.xml") }
    static let measurementFixtures = Paths.fixtures(in: "measurements").filter { !$0.hasSuffix("/valid-clinic.xml") }

    let validator = FileValidator(library: sharedLibrary, today: testToday)

    @Test("the base fixtures are valid and silent")
    func baseFixturesAreClean() {
        for path in [Paths.fixtures + "/protocols/valid-fixture.xml", Paths.fixtures + "/measurements/valid-clinic.xml"] {
            let result = validator.validate(path: path)
            #expect(result.diagnostics.isEmpty, "\(path): \(result.diagnostics)")
            #expect(!result.hasErrors)
        }
    }

    @Test("there is a fixture for every rule", arguments: [("protocols", 45), ("measurements", 28)])
    func fixtureCount(folder: String, atLeast: Int) {
        #expect(Paths.fixtures(in: folder).count >= atLeast)
    }

    @Test("protocol rule fires on its line", arguments: protocolFixtures)
    func protocolRule(path: String) {
        check(path, expectedKind: .protocolDefinition)
    }

    @Test("measurement rule fires on its line", arguments: measurementFixtures)
    func measurementRule(path: String) {
        check(path, expectedKind: .measurements)
    }

    private func check(_ path: String, expectedKind: FileValidation.Kind) {
        let expected = expectations(in: path)
        try? #require(!expected.isEmpty, "fixture \(path) has no <!-- expect ... --> marker")
        let result = validator.validate(path: path)
        #expect(result.kind == expectedKind)
        #expect(!result.unreadable)
        for expectation in expected {
            let hit = result.diagnostics.first {
                $0.line == expectation.line && $0.severity == expectation.severity && $0.message.contains(expectation.text)
            }
            #expect(hit != nil, "expected \(expectation) in \(path), got:\n\(result.diagnostics.map(\.description).joined(separator: "\n"))")
            #expect((hit?.column ?? 0) > 0, "a column is given")
            #expect(hit?.file == path)
        }
        // Nothing else is an error: one defect, one error.
        let expectedErrors = expected.filter { $0.severity == .error }.count
        #expect(result.diagnostics.count { $0.severity == .error } == expectedErrors, "\(result.diagnostics)")
        #expect(result.hasErrors == (expectedErrors > 0))
    }
}
