import ArgumentParser
import FastText
import History

/// `mbt history log`
struct HistoryLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Every change to the history store: when (UTC), by whom, with which mbt, from what, and what it did.",
        discussion: """
            One line per import, re-score or withdrawal, oldest first: the time in UTC, the user, \
            the mbt version, the command, the input as recorded and the first 12 hex digits of \
            its SHA-256, and the sessions added, unchanged, amended, refused and withdrawn.
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    func run() throws {
        let store = try historyOptions.open(readOnly: true)
        let changes: [StoreChange]
        do { changes = try store.changes() } catch { throw EnvironmentFailure(message: error.message) }
        for c in changes {
            var line = "\(c.at)  \(VisibleText.escaped(c.user))  mbt \(VisibleText.escaped(c.mbtVersion))  \(c.command) \(VisibleText.escaped(VisibleText.shortened(c.input))) (sha256 \(c.inputHash.prefix(12)))"
            if c.command == "retract" {
                line += ": \(c.withdrawn) withdrawn"
            } else {
                line += ": \(c.added) added, \(c.unchanged) unchanged, \(c.amended) amended, \(c.refused) refused"
            }
            _ = writeStandardOutput(line + "\n")
        }
    }
}
