import ArgumentParser
import History

/// `mbt history check`
struct HistoryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the history store: SQLite's integrity and foreign keys, and the store's own rules.",
        discussion: """
            Exit status 0 when the store is sound, 1 with the problems listed, 2 when it cannot be \
            opened (not a store, made by a newer mbt, damaged beyond opening).
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    func run() throws {
        let store = try historyOptions.open(readOnly: true)
        do {
            let problems = try store.check()
            let counts = try store.counts()
            for problem in problems { writeStandardError("\(store.path): error: \(problem)\n") }
            _ = writeStandardOutput("\(store.path): \(counts.patients) patients, \(counts.sessions) session revisions (\(counts.current) current); \(problems.isEmpty ? "sound" : "\(problems.count) problems")\n")
            if !problems.isEmpty { throw ExitCode(1) }
        } catch let error as HistoryError {
            throw EnvironmentFailure(message: error.message)
        }
    }
}
