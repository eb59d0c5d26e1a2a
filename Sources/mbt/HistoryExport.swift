import ArgumentParser
import History
import MuscleBalance
import MuscleBalanceCore

/// `mbt history export --format csv|measurements`
struct HistoryExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Give back the store's current sessions: a measurement file, or CSV with a row per result.",
        discussion: """
            --format measurements writes a clinic file of the current sessions as entered (one \
            clinic: --clinic when the store holds several), which scores to the same reports as \
            the files they came from. --format csv writes one row per test result of every \
            current session: clinic, patient, date, revision, protocol and version, test, side, \
            value (in the test's unit), z and grade.

            Examples:
              mbt history export --format measurements -o clinic-back.xml
              mbt history export --format csv --patient LK-0101 --since 2026-01-01 > lk-0101.csv
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Option(name: .long, help: "measurements or csv.")
    var format: HistoryExport.Format

    @Option(name: .long, help: ArgumentHelp("One patient only.", valueName: "id"))
    var patient: String?

    @Option(name: .long, help: ArgumentHelp("One clinic only.", valueName: "name"))
    var clinic: String?

    @Option(name: .long, help: ArgumentHelp("Sessions on or after this day only (yyyy-mm-dd).", valueName: "date"))
    var since: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The file to write (default: standard output), whole or not at all.", valueName: "file"))
    var output: String?

    func validate() throws {
        if let since, CivilDate(since) == nil { throw ValidationError("--since takes a date written yyyy-mm-dd, not '\(since)'") }
    }

    func run() throws {
        let store = try historyOptions.open(readOnly: true)
        let selection = HistoryExport.Selection(clinic: clinic, patientID: patient, since: since.flatMap { CivilDate($0) })
        let file = try output.map { try WholeFileWriter($0) }
        do {
            try HistoryExport.write(store, format: format, selection: selection) { piece in
                if let file {
                    try file.write(Array(piece.utf8))
                } else {
                    guard writeAll(1, piece) else { throw EnvironmentFailure(message: "cannot write to standard output") }
                }
            }
        } catch let error as HistoryError {
            if error.unusable { throw EnvironmentFailure(message: error.message) }
            writeStandardError("error: \(error.message)\n")
            throw ExitCode(1)
        }
        try file?.commit()
    }
}

extension HistoryExport.Format: ExpressibleByArgument {}
