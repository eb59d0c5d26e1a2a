import ArgumentParser
import MuscleBalance
import MuscleBalanceCore

struct Validate: TakesManyFiles {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check protocol definitions and clinic measurement files.",
        discussion: """
            Each file is recognised by the namespace of its root element. The XML Schema \
            (Protocols/protocol.xsd or Protocols/measurements.xsd) runs first, through libxml2; \
            then the rules no schema can state: for protocols, unique ids, references that \
            resolve, age bands without overlap or gap, SD > 0, ordered thresholds and a source \
            on every figure; for clinic files, the tests, sides, units, plausible ranges, \
            duplicates and dates, against the protocol the file names.

            One line per problem, `path:line:column: error|warning: message`, then a summary. \
            Every file is checked even when an earlier one fails.

            Examples:
              mbt validate Protocols/lumbopelvic-balance.xml
              mbt validate Examples/clinic-example.xml
              mbt validate --protocol my-protocol.xml clinic/*.xml
            """
    )

    @Argument(help: "Protocol definitions and/or clinic measurement files.")
    var files: [String]
    static let optionsWithValues: Set<String> = ProtocolOptions.optionsWithValues

    @OptionGroup var protocolOptions: ProtocolOptions

    @Flag(name: .long, help: "Run only the XML Schema, as `xmllint --schema` would.")
    var schemaOnly = false

    @Flag(name: .long, help: "Print errors only, no warnings.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to check") }
    }

    func run() throws {
        let library = try protocolOptions.library()
        let validator = FileValidator(library: library, protocolOverride: protocolOptions.protocol, schemaOnly: schemaOnly, today: .today())
        let standardInput = StandardInput()
        let results = validator.validate(paths: try standardInput.readable(files)).map { result in
            // The copy of standard input is named `-`, as it was given.
            var result = result
            result.path = standardInput.displayName(result.path)
            result.diagnostics = result.diagnostics.map { d in
                var d = d
                d.file = standardInput.displayName(d.file)
                return d
            }
            return result
        }

        var output = ""
        var errors = 0, warnings = 0, invalid = 0, unreadable = 0
        for result in results {
            // Errors first, then warnings, each in file order: no error scrolls away behind them.
            for diagnostic in result.diagnostics where diagnostic.severity == .error {
                output += diagnostic.description + "\n"
            }
            for diagnostic in result.diagnostics where !quiet && diagnostic.severity == .warning {
                output += diagnostic.description + "\n"
            }
            errors += result.diagnostics.count { $0.severity == .error }
            warnings += result.diagnostics.count { $0.severity == .warning }
            if result.unreadable { unreadable += 1 } else if result.hasErrors { invalid += 1 }
        }
        let valid = results.count - invalid - unreadable
        var summary = "\(results.count) \(results.count == 1 ? "file" : "files") checked: \(valid) valid"
        if invalid > 0 { summary += ", \(invalid) with errors" }
        if unreadable > 0 { summary += ", \(unreadable) unreadable" }
        summary += " (\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings"))"
        _ = writeStandardOutput(output + summary + "\n")
        if unreadable > 0 { throw ExitCode(2) }
        if invalid > 0 { throw ExitCode(1) }
    }
}
