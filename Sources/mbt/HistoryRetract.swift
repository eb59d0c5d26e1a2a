import ArgumentParser
import History

/// `mbt history retract --patient ID --date DATE --reason TEXT`
struct HistoryRetract: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw a stored session (kept, with the reason, never shown as current again).",
        discussion: """
            The session's current revision is marked withdrawn: nothing is deleted, the audit \
            row says who withdrew it, when and why, and `mbt history show` and the reports leave \
            it out. Importing it again is refused unless --amend says why.
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Option(name: .long, help: ArgumentHelp("The patient's id.", valueName: "id"))
    var patient: String

    @Option(name: .long, help: ArgumentHelp("The session's date (yyyy-mm-dd).", valueName: "date"))
    var date: String

    @Option(name: .long, help: ArgumentHelp("The clinic, when the same id is a patient of two.", valueName: "name"))
    var clinic: String?

    @Option(name: .long, help: ArgumentHelp("Why it is withdrawn.", valueName: "text"))
    var reason: String

    func run() throws {
        let store = try historyOptions.open()
        do {
            let clinics = try store.clinics(of: patient)
            let chosen: String
            if let clinic { chosen = clinic } else if clinics.count == 1 { chosen = clinics[0] } else if clinics.isEmpty {
                writeStandardError("error: no patient '\(patient)' in the history store '\(store.path)'\n")
                throw ExitCode(1)
            } else {
                writeStandardError("error: patient id '\(patient)' is in the store for \(clinics.count) clinics; say which with --clinic\n")
                throw ExitCode(1)
            }
            let source = ChangeSource(command: .retract, input: "\(chosen.isEmpty ? "" : chosen + " ")\(patient) \(date)", inputHash: SHA256.hex(reason.utf8))
            guard try store.retract(clinic: chosen, patientID: patient, date: date, reason: reason, source: source) else {
                writeStandardError("error: patient '\(patient)' has no current session on \(date) in the store\n")
                throw ExitCode(1)
            }
            _ = writeStandardOutput("withdrew patient '\(patient)''s session of \(date): \(reason)\n")
        } catch let error as HistoryError {
            throw EnvironmentFailure(message: error.message)
        }
    }
}
