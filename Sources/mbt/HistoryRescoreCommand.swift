import ArgumentParser
import History
import MuscleBalance

/// `mbt history rescore`
struct HistoryRescoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore",
        abstract: "Score the stored sessions again under the protocol as it is now (a new version), keeping the old figures.",
        discussion: """
            Every current session scored with another version of its protocol file (its SHA-256 \
            differs) is scored again from its stored inputs; the new figures are a new revision, \
            with the protocol's version as the reason, and the old revision is kept. One audit row \
            (mbt history log) says how many. Sessions already scored with this file are left alone.
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var protocolOptions: ProtocolOptions

    func run() throws {
        let library = try protocolOptions.library()
        let store = try historyOptions.open()
        do {
            let outcome = try HistoryRescore.run(store: store, library: library, protocolPath: protocolOptions.protocol) { reason in
                ChangeSource(command: .rescore, input: reason, inputHash: SHA256.hex(reason.utf8))
            }
            _ = writeStandardOutput("\(outcome.rescored) sessions of \(outcome.patients) patients re-scored in \(store.path)\n")
        } catch {
            throw EnvironmentFailure(message: error.message)
        }
    }
}
