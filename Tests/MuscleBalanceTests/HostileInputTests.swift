import TestSupport
@testable import ClinicFiles
import Foundation
import Locks
import MuscleBalance
import MuscleBalanceCore
import Testing

/// Files that try to read what they should not, or to exhaust the machine, are refused fast, and
/// nothing of the file they point at is ever shown.
@Suite("Hostile and broken XML")
struct HostileInputTests {
    let scratch = Scratch("hostile")
    static let secret = "MBT-SECRET-7f3a9c"
    let validator = FileValidator(library: sharedLibrary, today: testToday)

    @Test("the secret the hostile files point at is really there")
    func secretExists() throws {
        let text = try String(contentsOfFile: Paths.fixtures + "/hostile/secret.txt", encoding: .utf8)
        #expect(text.contains(Self.secret))
    }

    @Test(
        "external entities are refused and their target appears nowhere",
        arguments: ["xxe-measurements.xml", "xxe-in-content.xml", "xxe-protocol.xml", "xxe-parameter-entity.xml"])
    func externalEntity(name: String) throws {
        let path = Paths.fixtures + "/hostile/" + name
        let result = validator.validate(path: path)
        #expect(result.hasErrors)
        for diagnostic in result.diagnostics {
            #expect(!diagnostic.message.contains(Self.secret))
        }
        // Also through the binary: nothing on stdout or stderr.
        let cli = try run(Paths.mbtBinary, ["validate", path], currentDirectory: Paths.packageRoot)
        #expect(cli.status == 1)
        #expect(!cli.stdout.contains(Self.secret) && !cli.stderr.contains(Self.secret))
        // And the protocol loader on its own (the whole-document path).
        let loaded = ProtocolLoader.load(path: path, schema: sharedLibrary.protocolSchema)
        #expect(loaded.balanceProtocol == nil)
        #expect(!loaded.diagnostics.contains { $0.message.contains(Self.secret) })
    }

    /// libxml2 2.9.14 printed "Unimplemented block at ../../xmlschemas.c:27525" on about half of
    /// the runs of this file (its schema validator meets the entity reference on some threads'
    /// read-ahead), straight to stderr. Every line mbt prints must be mbt's own.
    @Test("libxml2 never prints to the terminal itself, on any thread")
    func noLibxml2Noise() throws {
        let path = Paths.fixtures + "/hostile/xxe-in-content.xml"
        for _ in 0..<12 {
            let out = scratch.path("noise")
            let cli = try run(Paths.mbtBinary, ["score", path, "--out", out], currentDirectory: Paths.packageRoot)
            #expect(cli.status == 1)
            #expect(!cli.stderr.contains("xmlschemas.c") && !cli.stderr.contains("Unimplemented"), "\(cli.stderr)")
            for line in cli.stderr.split(separator: "\n") {
                #expect(line.hasPrefix(path) || line.hasPrefix("1 file") || line.hasPrefix("reports") || line.hasPrefix("summary"), "not mbt's: \(line)")
            }
        }
    }

    @Test("DOCTYPE is refused on its own line")
    func doctypeLine() {
        let result = validator.validate(path: Paths.fixtures + "/hostile/xxe-in-content.xml")
        #expect(result.diagnostics.contains { $0.line == 2 && $0.column == 1 && $0.message.contains("DOCTYPE declarations are not accepted") })
    }

    @Test(
        "entity bombs and deep nesting are refused within a second",
        arguments: ["billion-laughs.xml", "quadratic-blowup.xml", "deep-nesting.xml"])
    func bombs(name: String) {
        let start = ContinuousClock.now
        let result = validator.validate(path: Paths.fixtures + "/hostile/" + name)
        let elapsed = ContinuousClock.now - start
        #expect(result.hasErrors)
        #expect(elapsed < .seconds(1), "took \(elapsed)")
    }

    @Test("deep nesting names libxml2's limit, not a way to lift it")
    func depthMessage() {
        let result = validator.validate(path: Paths.fixtures + "/hostile/deep-nesting.xml")
        #expect(result.diagnostics.contains { $0.message.contains("mbt refuses documents nested this deep") })
        #expect(!result.diagnostics.contains { $0.message.contains("XML_PARSE_HUGE") })
    }

    @Test(
        "broken files get a positioned error",
        arguments: [
            ("malformed.xml", 5, "Opening and ending tag mismatch"),
            ("truncated.xml", 5, "Couldn't find end of Start Tag measure"),
            ("empty.xml", 1, "the file is empty"),
            ("not-xml.xml", 1, "Document is empty"),
        ])
    func broken(name: String, line: Int, text: String) {
        let result = validator.validate(path: Paths.fixtures + "/hostile/" + name)
        #expect(result.hasErrors)
        #expect(!result.unreadable, "a readable file with bad content is exit 1, not 2")
        #expect(result.diagnostics.contains { $0.line == line && $0.column > 0 && $0.message.contains(text) }, "\(result.diagnostics)")
    }

    @Test("a missing path and a directory are unreadable, with the reason")
    func unreadable() {
        let missing = validator.validate(path: Paths.fixtures + "/hostile/no-such-file.xml")
        #expect(missing.unreadable)
        #expect(missing.diagnostics.first?.message.contains("No such file or directory") == true)
        let directory = validator.validate(path: Paths.fixtures + "/hostile")
        #expect(directory.unreadable)
        #expect(directory.diagnostics.first?.message.contains("is a directory") == true)
    }

    @Test("inputs are never modified")
    func inputsUntouched() throws {
        let paths = Paths.fixtures(in: "hostile") + Paths.fixtures(in: "measurements")
        let before = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        // As mbt validate runs it: streamed, lines spilled to a folder of the test's own.
        let spill = try scratch.directory("spill")
        let checked = Locked(0)
        validator.validate(paths: paths, keepWarnings: true, spillDirectory: spill, displayName: { $0 }, finished: { _ in checked.withLock { $0 += 1 } })
        #expect(checked.withLock { $0 } == paths.count)
        let after = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(before == after)
    }
}
