import TestSupport
import Foundation
import MuscleBalance
import MuscleBalanceCore
import Testing

/// xmllint is a second, independent client of the schemas: on every fixture it must reach the
/// same verdict as `mbt validate --schema-only`, and flag the same lines.
@Suite("xmllint agrees with mbt --schema-only")
struct XmllintAgreementTests {
    static let fixtures =
        Paths.fixtures(in: "protocols") + Paths.fixtures(in: "measurements")
        + [Paths.defaultProtocol, Paths.example]

    let validator = FileValidator(library: sharedLibrary, schemaOnly: true, today: testToday)

    @Test("same verdict and same error lines", arguments: fixtures)
    func agree(path: String) throws {
        let xmllint = try #require(findExecutable("xmllint"), "xmllint is needed: apt-get install libxml2-utils")
        let isProtocol = path.contains("/protocols/") || path == Paths.defaultProtocol
        let schema = Paths.protocols + (isProtocol ? "/protocol.xsd" : "/measurements.xsd")
        let theirs = try run(xmllint, ["--noout", "--nonet", "--schema", schema, path])
        let ours = validator.validate(path: path)

        #expect((theirs.status == 0) == !ours.hasErrors, "xmllint: \(theirs.stderr)\nmbt: \(ours.diagnostics)")
        // xmllint prints "file:line: element x: Schemas validity error : ..." per problem.
        let theirLines = Set(theirs.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix(path + ":") else { return nil }
            return Int(line.dropFirst(path.count + 1).prefix { $0.isNumber })
        })
        let ourLines = Set(ours.diagnostics.filter { $0.severity == .error }.map(\.line))
        #expect(theirLines == ourLines, "xmllint: \(theirs.stderr)\nmbt: \(ours.diagnostics)")
    }
}
