import ArgumentParser
import MuscleBalance
import MuscleBalanceCore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one patient's report.",
        discussion: """
            Reads FILE until the patient is found, checks and scores them, and prints the \
            report of the latest session (or --session DATE) with progress since the session \
            before. --format xml prints the full XML report of that patient (all sessions).

            Examples:
              mbt report Examples/clinic-example.xml --patient RP-0002
              mbt report Examples/clinic-example.xml --patient RP-0003 --session 2026-09-15
              mbt report Examples/clinic-example.xml --patient RP-0001 --format xml
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, xml
    }

    @Argument(help: "A clinic measurement file.")
    var file: String

    @Option(name: .long, help: "The patient's id.")
    var patient: String

    @Option(name: .long, help: ArgumentHelp("The session to print (default: the latest).", valueName: "yyyy-mm-dd"))
    var session: String?

    @Option(name: .long, help: "text (printable) or xml.")
    var format: Format = .text

    @OptionGroup var protocolOptions: ProtocolOptions
    @OptionGroup(title: "Spreadsheets (.csv, .tsv, .xlsx)") var sheetOptions: SheetOptions

    func validate() throws {
        if let session, CivilDate(session) == nil { throw ValidationError("--session must be a date, yyyy-mm-dd") }
    }

    func run() throws {
        let library = try protocolOptions.library()
        let printer = PatientReportPrinter(
            library: library, protocolOverride: protocolOptions.protocol, today: .today(),
            sheetOptions: try sheetOptions.importOptions(library: library, protocolOverride: protocolOptions.protocol))
        let standardInput = StandardInput()
        let path = try standardInput.readable([file])[0]
        let recorded = path == standardInput.path ? StandardInput.name : nil
        switch printer.report(file: path, patientID: patient, session: session.flatMap { CivilDate($0) }, xml: format == .xml, recordedAs: recorded) {
        case .success(let text):
            // The text report is escaped as it is written; XML escapes its own text.
            _ = format == .xml ? writeAll(1, text) : writeStandardOutput(text)
        case .failure(let failure):
            // Messages name the copy of standard input `-`, as it was given.
            let message = standardInput.path.map { failure.message.replacing($0, with: StandardInput.name) } ?? failure.message
            writeStandardError(message + "\n")
            throw ExitCode(failure.status)
        }
    }
}
