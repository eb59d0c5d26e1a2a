import ArgumentParser
import History

#if canImport(Glibc)
import Glibc
#endif

/// `mbt history`: a patient's course of care, kept in a local store across visits.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Keep every visit in a local store and follow a patient's course of care.",
        discussion: """
            The store is one SQLite file: --history FILE, else $MBT_HISTORY, else \
            ./mbt-history.sqlite. Each patient session is kept as it was entered and as it was \
            scored, keyed by clinic, patient id and date; importing the same session again \
            changes nothing, a changed one is refused until --amend says why, and nothing is \
            ever deleted. Every change writes an audit row (mbt history log).

            Examples:
              mbt history import visits/*.xml
              mbt history show --patient LK-0101
              mbt history show --patient LK-0101 --test hip-abduction-strength --format csv
              mbt history import visit3.xml --amend "left abduction re-tested: the first trial was a slip"
              mbt history retract --patient LK-0101 --date 2026-11-02 --reason "entered for the wrong patient"
              mbt history log
              mbt history check
              mbt history snapshot /backup/history-2026-12-05.sqlite
            """,
        subcommands: [HistoryImport.self, HistoryShow.self, HistoryExportCommand.self, HistoryMergeCommand.self, HistoryRescoreCommand.self, HistoryLog.self, HistoryRetract.self, HistoryCheck.self, HistorySnapshot.self]
    )
}

/// Where the store is, shared by every history command.
struct HistoryOptions: ParsableArguments {
    static let optionsWithValues: Set<String> = ["--history"]

    @Option(name: .long, help: ArgumentHelp("The history store (default: $MBT_HISTORY, else ./mbt-history.sqlite).", valueName: "file"))
    var history: String?

    static let defaultPath = "mbt-history.sqlite"

    var path: String {
        if let history { return history }
        if let variable = getenv("MBT_HISTORY").map({ String(cString: $0) }), !variable.isEmpty { return variable }
        return Self.defaultPath
    }

    /// The store, opened; a store that cannot be used is exit status 2 with the reason.
    func open(readOnly: Bool = false) throws -> HistoryStore {
        MBTVersion.current = MBT.version
        do {
            let shown = path
            return try HistoryStore(path: path, readOnly: readOnly, waiting: {
                writeStandardError("waiting for another mbt writing to the history store \(shown) to finish\n")
            })
        } catch {
            throw EnvironmentFailure(message: error.message)
        }
    }
}
