import ArgumentParser
import History

/// `mbt history snapshot OUT`
struct HistorySnapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write a consistent, read-only copy of the history store (a backup, or what cluster shards read).",
        discussion: """
            The copy is made by SQLite itself (VACUUM INTO) while other runs may be writing, and is \
            made read-only. It is refused over an existing file.
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Argument(help: "The new file.")
    var output: String

    func run() throws {
        let store = try historyOptions.open()
        do {
            try store.snapshot(to: output)
        } catch {
            throw EnvironmentFailure(message: error.message)
        }
        _ = writeStandardOutput("snapshot of \(store.path) written to \(output)\n")
    }
}
