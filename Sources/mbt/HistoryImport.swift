import ArgumentParser
import FastText
import History
import MuscleBalance
import MuscleBalanceCore

/// `mbt history import FILE...`
struct HistoryImport: TakesManyFiles {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the sessions of clinic files (XML or sheets) in the history store.",
        discussion: """
            Each file is read and checked as `mbt score` reads it; each patient without errors \
            is scored and each of its sessions stored, as entered and as scored. A file is one \
            transaction: all of it lands, or (the disk full, the store busy, the file unreadable \
            half-way) none of it. Then one line per file: sessions added, unchanged, amended, \
            refused.

            A session already stored with the same inputs is unchanged. One that differs is \
            refused, naming the patient, the date and what differs, and the rest of the file is \
            stored; --amend REASON stores it as a new revision, keeping the old one with the \
            reason, the user and the time.

            Exit status: 0 all stored, 1 some session refused or some patient with errors, 2 a \
            file or the store unusable.
            """
    )

    @Argument(help: "Clinic measurement files (.xml) or sheets (.csv, .tsv, .xlsx).")
    var files: [String] = []
    static let optionsWithValues: Set<String> = ProtocolOptions.optionsWithValues.union(SheetOptions.optionsWithValues).union(HistoryOptions.optionsWithValues).union(["--amend", "--files-from"])

    @Option(name: .long, help: ArgumentHelp("Read the files to import from FILE, one path a line (- for standard input).", valueName: "file"))
    var filesFrom: String?

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var protocolOptions: ProtocolOptions
    @OptionGroup(title: "Spreadsheets (.csv, .tsv, .xlsx)") var sheetOptions: SheetOptions

    @Option(name: .long, help: ArgumentHelp("Store sessions that differ from the stored ones as new revisions, for this reason.", valueName: "reason"))
    var amend: String?

    func validate() throws {
        if files.isEmpty && filesFrom == nil { throw ValidationError("give at least one file to import, or --files-from FILE") }
        if let amend, amend.allSatisfy({ $0 == " " || $0 == "\t" }) { throw ValidationError("--amend needs a reason: what was wrong and who said so") }
    }

    func run() throws {
        let library = try protocolOptions.library()
        let store = try historyOptions.open()
        let importer = HistoryImporter(
            library: library, protocolOverride: protocolOptions.protocol, today: .today(),
            sheetOptions: try sheetOptions.importOptions(library: library, protocolOverride: protocolOptions.protocol))
        let standardInput = StandardInput()
        var worst: Int32 = 0
        var total = ImportCounts()
        let files = self.files + (try filesFrom.map(FileList.read) ?? [])
        for (file, path) in zip(files, try standardInput.readable(files)) {
            let outcome = importer.importFile(path, recorded: file, into: store, amend: amend)
            for line in outcome.problems { writeStandardError(line.replacing(path, with: file) + "\n") }
            if let failure = outcome.failure {
                writeStandardError(failure.replacing(path, with: file) + "\n")
                worst = max(worst, outcome.unreadable ? 2 : 1)
                continue
            }
            let c = outcome.counts
            total = total + c
            _ = writeStandardOutput("\(VisibleText.escaped(file)): \(c.added) added, \(c.unchanged) unchanged, \(c.amended) amended, \(c.refused) refused\(outcome.skippedPatients > 0 ? "; \(outcome.skippedPatients) patient\(outcome.skippedPatients == 1 ? "" : "s") with errors not stored" : "")\n")
            if c.refused > 0 || outcome.skippedPatients > 0 { worst = max(worst, 1) }
        }
        if files.count > 1 {
            _ = writeStandardOutput("\(files.count) files: \(total.added) added, \(total.unchanged) unchanged, \(total.amended) amended, \(total.refused) refused, in \(VisibleText.escaped(store.path))\n")
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
