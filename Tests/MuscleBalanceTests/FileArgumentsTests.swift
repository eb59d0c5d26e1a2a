import TestSupport
import Foundation
import Testing

@testable import mbt

/// The paths of `score` and `validate` bypass swift-argument-parser's quadratic array parsing;
/// these tests hold the split to what the parser itself would have made of the arguments.
@Suite("File arguments")
struct FileArgumentsTests {
    let commands: [any TakesManyFiles.Type] = [Score.self, Validate.self]

    @Test(
        "paths are kept back; options, their values and flags go to the parser with the first path",
        arguments: [
            (["score", "a.xml", "b.xml", "--out", "r"], ["score", "--out", "r", "--", "a.xml"], ["a.xml", "b.xml"]),
            (["score", "--out", "r", "a.xml", "b.xml"], ["score", "--out", "r", "--", "a.xml"], ["a.xml", "b.xml"]),
            // A value written with '=' is one argument; the next one is a path.
            (["score", "--out=r", "a.xml", "--protocol", "p.xml", "b.xml"], ["score", "--out=r", "--protocol", "p.xml", "--", "a.xml"], ["a.xml", "b.xml"]),
            // After '--' every argument is a path, even one spelled like an option.
            (["score", "--out", "r", "--", "-odd.xml", "--out"], ["score", "--out", "r", "--", "-odd.xml"], ["-odd.xml", "--out"]),
            // Unknown options and flags go to the parser, which says what is wrong with them.
            (["validate", "--quiet", "a.xml", "--bogus", "b.xml"], ["validate", "--quiet", "--bogus", "--", "a.xml"], ["a.xml", "b.xml"]),
            (["validate", "--schema-only", "-h"], ["validate", "--schema-only", "-h"], []),
            // An option with its value missing stays last, for the parser to report.
            (["score", "a.xml", "--out"], ["score", "--out", "--", "a.xml"], ["a.xml"]),
            // A lone '-' is a path, as the parser takes it.
            (["validate", "-"], ["validate", "--", "-"], ["-"]),
        ])
    func split(arguments: [String], forParser: [String], files: [String]) {
        #expect(FileArguments.split(arguments, commands: commands) == FileArguments.Split(forParser: forParser, files: files))
    }

    @Test("other commands and top-level arguments are left whole", arguments: [
        ["report", "a.xml", "--patient", "P1"], ["--help"], ["generate", "--patients", "10"], [],
    ])
    func untouched(arguments: [String]) {
        #expect(FileArguments.split(arguments, commands: commands) == FileArguments.Split(forParser: arguments, files: nil))
    }

    @Test("every path reaches the command, in order, wherever the options stand")
    func parsedCommand() throws {
        let paths = (1...500).map { "clinic-\($0).xml" }
        let arguments = ["score"] + paths[..<250] + ["--out", "reports"] + paths[250...] + ["--protocol", "p.xml"]
        let split = FileArguments.split(arguments, commands: commands)
        var command = try MBT.parseAsRoot(split.forParser)
        var score = try #require(command as? Score)
        score.files = try #require(split.files)
        command = score
        let parsed = try #require(command as? Score)
        #expect(parsed.files == paths)
        #expect(parsed.out == "reports")
        #expect(parsed.protocolOptions.protocol == "p.xml")
    }

    /// A new option that takes a value must be listed, or its value would be taken for a file.
    @Test("each command's options with values are the ones its parser defines", arguments: ["score", "validate"])
    func optionsMatchTheParser(command: String) throws {
        let result = try run(Paths.mbtBinary, [command, "--experimental-dump-help"])
        #expect(result.status == 0, "\(result.stderr)")
        let dump = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let info = try #require(dump?["command"] as? [String: Any])
        let arguments = try #require(info["arguments"] as? [[String: Any]])
        var defined: Set<String> = []
        for argument in arguments where argument["kind"] as? String == "option" {
            for name in argument["names"] as? [[String: Any]] ?? [] {
                guard let kind = name["kind"] as? String, let spelling = name["name"] as? String else { continue }
                defined.insert(kind == "long" ? "--" + spelling : "-" + spelling)
            }
        }
        let type = try #require(commands.first { $0.configuration.commandName == command })
        #expect(!defined.isEmpty)
        #expect(type.optionsWithValues == defined)
    }
}
