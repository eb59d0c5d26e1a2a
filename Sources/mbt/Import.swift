import ArgumentParser
import ClinicFiles
import FastText
import MuscleBalance
import MuscleBalanceCore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a spreadsheet (CSV, Excel) into a clinic measurement file.",
        discussion: """
            Reads FILE (.csv, .tsv or .xlsx) in one of the layouts README describes (long: a row \
            per reading; wide: a row per session; a device's export through --map), checks it \
            as `mbt validate` would, every problem at its own cell (clinic.csv:812:5, \
            clinic.xlsx:Sheet1!E812), and, when it has no error, writes the measurement XML. \
            A sheet with an error writes nothing. The input is never changed.

            `mbt score` and `mbt validate` read spreadsheets directly, the same way: import \
            when you want the XML itself, to keep or to edit.

            Examples:
              mbt import clinic.csv -o clinic.xml --clinic "Riverside Physiotherapy"
              mbt import clinic.xlsx --sheet "November" -o november.xml
              mbt import export.csv --map Examples/vald-style.map.csv --patients profiles.csv -o export.xml
            """
    )

    @Argument(help: "A spreadsheet: .csv, .tsv or .xlsx.")
    var file: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The XML file to write (- for standard output).", valueName: "file"))
    var output: String

    @Flag(name: .long, help: "Print errors only, no warnings.")
    var quiet = false

    @OptionGroup var protocolOptions: ProtocolOptions
    @OptionGroup(title: "Spreadsheets (.csv, .tsv, .xlsx)") var sheetOptions: SheetOptions

    func validate() throws {
        if !ClinicFileStream.isSpreadsheet(file) {
            throw ValidationError("'\(file)' is not a spreadsheet by its name; mbt imports .csv, .tsv and .xlsx files")
        }
    }

    func run() throws {
        try refuseOverwritingInput(output, inputs: [file, protocolOptions.protocol, sheetOptions.map, sheetOptions.patients])
        let library = try protocolOptions.library()
        let converter = SheetConverter(
            library: library, protocolOverride: protocolOptions.protocol, today: .today(),
            options: try sheetOptions.importOptions(library: library, protocolOverride: protocolOptions.protocol))
        let toStandardOutput = output == "-"
        let outcome = converter.convert(
            path: file, output: toStandardOutput ? nil : output, write: { writeAll(1, $0) },
            sink: { batch in
                let text = batch.filter { !quiet || $0.severity == .error }.map { $0.description + "\n" }.joined()
                if !text.isEmpty { writeStandardError(text) }
            })
        if let failure = outcome.failure {
            writeStandardError("\(VisibleText.escaped(file)): not imported: \(VisibleText.escaped(failure))\n")
            throw ExitCode(outcome.unreadable ? 2 : 1)
        }
        if !toStandardOutput {
            writeStandardError("\(VisibleText.escaped(file)): \(outcome.patients) patient\(outcome.patients == 1 ? "" : "s") written to \(VisibleText.escaped(output))\(outcome.warnings > 0 ? " (\(outcome.warnings) warning\(outcome.warnings == 1 ? "" : "s"))" : "")\n")
        }
    }
}
