import ArgumentParser
import FastText
import History

/// `mbt history merge STORE...`
struct HistoryMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold other stores (another site's, another host's) into this one, by the import's rules.",
        discussion: """
            Each store's current sessions are offered to this one as an import would offer them: \
            unchanged, added, or refused with what differs (listed; never overwritten). Each \
            store is one transaction and one audit row. The other stores are only read.

            Exit status: 0 all merged, 1 some session refused, 2 a store unusable.
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Argument(help: "The stores to fold in.")
    var stores: [String]

    func run() throws {
        let store = try historyOptions.open()
        var refused = false
        for path in stores {
            let other: HistoryStore
            do { other = try HistoryStore(path: path, readOnly: true) } catch { throw EnvironmentFailure(message: error.message) }
            do {
                let counts = try store.merge(from: other) { verdict in
                    if case .refused(let differences) = verdict.outcome {
                        writeStandardError("\(path): error: patient '\(verdict.entry.patientID)' on \(verdict.entry.date) differs from this store's session, and was not merged: \(differences.joined(separator: "; "))\n")
                    }
                }
                _ = writeStandardOutput("\(path): \(counts.added) added, \(counts.unchanged) unchanged, \(counts.refused) refused\n")
                if counts.refused > 0 { refused = true }
            } catch let error as HistoryError {
                throw EnvironmentFailure(message: error.message)
            }
        }
        if refused { throw ExitCode(1) }
    }
}
