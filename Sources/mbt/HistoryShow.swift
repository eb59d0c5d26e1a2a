import ArgumentParser
import History
import MuscleBalance

/// `mbt history show --patient ID`
struct HistoryShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A patient's course of care: every visit, per test and side, against the one before and the baseline.",
        discussion: """
            Per test and side, each current session's value (in the test's unit), z-score and \
            grade, and its change since the previous visit and since the baseline (the first \
            stored session): the amount, the percent, the days between and the protocol's \
            verdict on its minimal detectable change (improved, worsened, within MDC, no MDC). \
            The stored inputs are scored again, so the verdicts are those a report gives.

            Examples:
              mbt history show --patient LK-0101
              mbt history show --patient LK-0101 --test hip-abduction-strength --format csv > lk-0101.csv
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv }

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var protocolOptions: ProtocolOptions

    @Option(name: .long, help: ArgumentHelp("The patient's id.", valueName: "id"))
    var patient: String

    @Option(name: .long, help: ArgumentHelp("The clinic, when the same id is a patient of two.", valueName: "name"))
    var clinic: String?

    @Option(name: .long, help: ArgumentHelp("One test or patient-reported outcome only (its id, e.g. hip-abduction-strength, odi).", valueName: "test"))
    var test: String?

    @Option(name: .long, help: "text (default) or csv.")
    var format: Format = .text

    func run() throws {
        let library = try protocolOptions.library()
        let store = try historyOptions.open(readOnly: true)
        let timeline: HistoryTimeline
        do {
            timeline = try HistoryTimeline.make(store: store, library: library, patientID: patient, clinic: clinic, test: test)
        } catch {
            if error.unusable { throw EnvironmentFailure(message: error.message) }
            writeStandardError("error: " + error.message + "\n")
            throw ExitCode(1)
        }
        if let test, timeline.rows.isEmpty && timeline.outcomeRows.isEmpty {
            writeStandardError("error: patient '\(patient)' has no result of test or outcome '\(test)' in the store\n")
            throw ExitCode(1)
        }
        switch format {
        case .text: _ = writeStandardOutput(timeline.text())
        case .csv: _ = writeAll(1, timeline.csv())
        }
    }
}
