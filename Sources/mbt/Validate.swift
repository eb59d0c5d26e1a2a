import Locks
import BatchEngine
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
              mbt validate clinic.csv clinic.xlsx

            A spreadsheet (.csv, .tsv, .xlsx) is read as the measurement format it stands for \
            (README, "Spreadsheets"), and its problems are shown at its own cells: \
            clinic.csv:812:5, or clinic.xlsx:Sheet1!E812.
            """
    )

    @Argument(help: "Protocol definitions and/or clinic measurement files.")
    var files: [String]
    static let optionsWithValues: Set<String> = ProtocolOptions.optionsWithValues.union(SheetOptions.optionsWithValues)

    @OptionGroup var protocolOptions: ProtocolOptions
    @OptionGroup(title: "Spreadsheets (.csv, .tsv, .xlsx)") var sheetOptions: SheetOptions

    @Flag(name: .long, help: "Run only the XML Schema, as `xmllint --schema` would.")
    var schemaOnly = false

    @Flag(name: .long, help: "Print errors only, no warnings.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to check") }
    }

    func run() throws {
        let library = try protocolOptions.library()
        let validator = FileValidator(
            library: library, protocolOverride: protocolOptions.protocol, schemaOnly: schemaOnly, today: .today(),
            sheetOptions: try sheetOptions.importOptions(library: library, protocolOverride: protocolOptions.protocol))
        let standardInput = StandardInput()
        let paths = try standardInput.readable(files)
        let copy = standardInput.path
        // Lines past a quarter of a megabyte a file go to a private folder, removed at the end:
        // memory stays bounded whatever the number of problems.
        let spill = try PrivateFolder()
        struct Totals {
            var errors = 0, warnings = 0, invalid = 0, unreadable = 0, files = 0
            var spillFailure: String?
        }
        let totals = Locked(Totals())
        validator.validate(
            paths: paths, keepWarnings: !quiet, spillDirectory: spill.path,
            displayName: { $0 == copy ? StandardInput.name : $0 },
            finished: { file in
                // In input order, each file's errors first, then its warnings, each in file
                // order: no error scrolls away behind them.
                let write: ([UInt8]) throws(AtomicOutputFile.Failure) -> Void = { bytes in _ = writeAll(1, bytes) }
                try? file.errors.copy(to: write)
                try? file.warnings.copy(to: write)
                totals.withLock { t in
                    t.files += 1
                    t.errors += file.result.errorCount
                    t.warnings += file.result.warningCount
                    if file.result.unreadable { t.unreadable += 1 } else if file.result.hasErrors { t.invalid += 1 }
                    t.spillFailure = t.spillFailure ?? file.spillFailure
                }
            })
        let (errors, warnings, invalid, unreadable, checked, spillFailure) = totals.withLock { t in
            (t.errors, t.warnings, t.invalid, t.unreadable, t.files, t.spillFailure)
        }
        if let spillFailure { writeStandardError("warning: some lines could not be kept for printing: \(spillFailure)\n") }
        let valid = checked - invalid - unreadable
        var summary = "\(checked) \(checked == 1 ? "file" : "files") checked: \(valid) valid"
        if invalid > 0 { summary += ", \(invalid) with errors" }
        if unreadable > 0 { summary += ", \(unreadable) unreadable" }
        summary += " (\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings"))"
        _ = writeStandardOutput(summary + "\n")
        if unreadable > 0 { throw ExitCode(2) }
        if invalid > 0 { throw ExitCode(1) }
    }
}
