import TestSupport
import Foundation
import Testing

/// The built `mbt`, run as a clinic's IT would run it.
@Suite("mbt validate, end to end")
struct CLITests {
    func mbt(_ arguments: [String]) throws -> RunResult {
        try run(Paths.mbtBinary, arguments, currentDirectory: Paths.packageRoot)
    }

    @Test("valid files: exit 0 and a summary")
    func valid() throws {
        let result = try mbt(["validate", "Protocols/lumbopelvic-balance.xml", "Examples/clinic-example.xml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("2 files checked: 2 valid (0 errors, 2 warnings)\n"))
    }

    @Test("output matches the golden file (re-record with MBT_RECORD_GOLDEN=1)")
    func golden() throws {
        let files = [
            "Tests/MuscleBalanceTests/Fixtures/protocols/age-band-gap.xml",
            "Tests/MuscleBalanceTests/Fixtures/measurements/unknown-test.xml",
            "Tests/MuscleBalanceTests/Fixtures/measurements/schema-decimal-comma.xml",
            "Tests/MuscleBalanceTests/Fixtures/measurements/age-without-norm.xml",
            "Tests/MuscleBalanceTests/Fixtures/hostile/truncated.xml",
            "Examples/clinic-example.xml",
        ]
        let result = try mbt(["validate"] + files)
        #expect(result.status == 1)
        let goldenPath = Paths.golden + "/validate-fixtures.txt"
        if ProcessInfo.processInfo.environment["MBT_RECORD_GOLDEN"] == "1" {
            try result.stdout.write(toFile: goldenPath, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: goldenPath, encoding: .utf8)
        #expect(result.stdout == golden)
    }

    @Test("every file is checked even when an earlier one fails; errors give exit 1")
    func batchGoesOn() throws {
        let result = try mbt([
            "validate", "Tests/MuscleBalanceTests/Fixtures/hostile/malformed.xml", "Examples/clinic-example.xml",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.contains("malformed.xml:5:13: error: Opening and ending tag mismatch"))
        #expect(result.stdout.contains("2 files checked: 1 valid, 1 with errors"))
    }

    @Test("an unreadable file gives exit 2, and the others are still checked")
    func unreadable() throws {
        let result = try mbt(["validate", "does-not-exist.xml", "Examples/clinic-example.xml"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("does-not-exist.xml: error: cannot open 'does-not-exist.xml': No such file or directory"))
        #expect(result.stdout.contains("2 files checked: 1 valid, 1 unreadable"))
    }

    @Test("score: a file that cannot be read (missing, a folder, a device) gives exit 2 in plain words, and the others are still scored")
    func scoreUnreadable() throws {
        let out = NSTemporaryDirectory() + "mbt-unreadable-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        for (input, words) in [("does-not-exist.xml", "does-not-exist.xml: error: cannot open"), ("Examples", "Examples: error: 'Examples' is a directory, not an XML file"), ("/dev/zero", "/dev/zero: error: '/dev/zero' is a device, not an XML file")] {
            let result = try mbt(["score", input, "Examples/clinic-example.xml", "--out", out])
            #expect(result.status == 2, "\(input): \(result.stdout)")
            #expect(result.stdout.contains(words), "\(result.stdout)")
            #expect(!result.stdout.contains(":0:0:") && !result.stdout.contains("empty (0 bytes)"))
            #expect(result.stdout.contains("2 files: 1 reported, 1 failed"))
        }
    }

    @Test("usage errors give exit 2 and say what is wrong", arguments: [["validate"], ["validate", "--bogus", "x.xml"], ["frobnicate"]])
    func usage(arguments: [String]) throws {
        let result = try mbt(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test("libxml2 never prints on its own: every problem goes through mbt's output")
    func nothingOnStderr() throws {
        let files = Paths.fixtures(in: "hostile") + Paths.fixtures(in: "protocols") + Paths.fixtures(in: "measurements")
        let result = try mbt(["validate"] + files)
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("--schema-only skips the semantic rules")
    func schemaOnly() throws {
        let path = "Tests/MuscleBalanceTests/Fixtures/measurements/unknown-test.xml"
        #expect(try mbt(["validate", path]).status == 1)
        #expect(try mbt(["validate", "--schema-only", path]).status == 0)
    }

    @Test("--protocol checks a clinic file against another protocol file")
    func protocolOverride() throws {
        let result = try mbt([
            "validate", "--protocol", "Tests/MuscleBalanceTests/Fixtures/protocols/valid-fixture.xml",
            "Tests/MuscleBalanceTests/Fixtures/measurements/valid-clinic.xml",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.contains("the file asks for protocol 'lumbopelvic-balance' but it is being checked against 'fixture'"))
    }

    @Test("help teaches: it names the exit codes and gives examples")
    func help() throws {
        let result = try mbt(["validate", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("mbt validate Protocols/lumbopelvic-balance.xml"))
        #expect(result.stdout.contains("path:line:column"))
    }
}
