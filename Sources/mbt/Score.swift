import ArgumentParser
import Dispatch
import FastText
import BatchEngine
import History
import MuscleBalance
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Score: TakesManyFiles {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score clinic measurement files into reports and a summary.",
        discussion: """
            For each FILE, writes DIR/<name>.report.xml (every figure with the inputs behind \
            it; schema Reports/report.xsd) and DIR/<name>.report.txt (printable, 80 columns, \
            one patient per page), with --html DIR/<name>.report.html (charts, print-ready), \
            and one DIR/summary.csv with a row per patient session. \
            <name> comes from the file's path relative to --base (default: the current \
            folder), folders joined by "--": clinic.xml gives clinic, a/clinic.xml gives \
            a--clinic; a name that would lose characters ends in a hash of the path instead, so \
            two inputs never share a name. A bad patient is reported and skipped; a bad file is reported and leaves \
            no report behind; the rest is scored. Reports are written to a temporary file and \
            renamed into place, so a report is either whole or absent.

            Exit status: 0 all scored, 1 some file or patient failed, 2 usage error or a file \
            that cannot be read (the others are still scored).

            Examples:
              mbt score Examples/clinic-example.xml --out reports
              mbt score clinic/*.xml --out reports --protocol my-protocol.xml
              mbt score clinic.csv --out reports --clinic "Riverside Physiotherapy"
              mbt score Examples/clinic-example.xml --out reports --html --paper letter
              mbt score export.csv --map Examples/vald-style.map.csv --patients profiles.csv --out reports
              mbt score visits/visit3.xml --out reports --history clinic-history.sqlite

            With --history FILE, each patient's sessions in the history store dated before the \
            file's latest (and not in the file) are scored with the file's, so progress compares \
            each session with the one before it wherever that was entered; each file's sessions \
            are stored once its reports are written, one transaction a file, by the rules of \
            `mbt history import`. --history-snapshot FILE reads a \
            snapshot and stores nothing (shards on a cluster). Without either, the reports are \
            those of the file alone.
            """
    )

    @Argument(help: "Clinic measurement files.")
    var files: [String] = []
    static let optionsWithValues: Set<String> = ProtocolOptions.optionsWithValues.union(SheetOptions.optionsWithValues).union(PageOptions.optionsWithValues).union(["--out", "--base", "--shard", "--files-from", "--history", "--history-snapshot", "--fhir", "--fhir-code-system"])

    @Option(name: .long, help: ArgumentHelp("""
        Also score the files listed in FILE, one path a line (- reads the list from standard \
        input): a year of a registry's files, more than a command line holds.
        """, valueName: "file"))
    var filesFrom: String?

    @Option(name: .long, help: ArgumentHelp("""
        Score only part I of N of the inputs (I from 0 to N-1): every N-th file of the list \
        sorted by name, starting at I. The parts of N runs are the whole batch, each file in \
        one; each writes its reports and DIR/summary-I-of-N.csv, and `mbt merge` joins those \
        into the summary one run would have written. For a cluster's job array: \
        --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT (Slurm) or \
        --shard $JOB_COMPLETION_INDEX/N (a Kubernetes Indexed Job).
        """, valueName: "I/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("Folder for the reports (created if missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("""
        Folder that inputs are named relative to (default: the current folder). a/clinic.xml \
        is recorded as a/clinic.xml and reported as a--clinic.report.xml, whatever the order \
        or spelling of the inputs.
        """, valueName: "dir"))
    var base: String?

    @Flag(name: .long, help: ArgumentHelp("""
        Also write DIR/<name>.results.csv: one row per result (patient, session, test, side, \
        value, unit, norm, z, percentile, percent of norm, grade, source), for a spreadsheet.
        """))
    var resultsCsv = false

    @Flag(name: .long, help: ArgumentHelp("""
        Also write DIR/<name>.report.html: each patient's latest session as a printable page \
        with charts (Reports/report.html.xsl, or --stylesheet). For a PDF of one patient, use \
        mbt report --format pdf.
        """))
    var html = false

    @Option(name: .long, help: ArgumentHelp("""
        Also write DIR/<name>.fhir.ndjson: each patient session as a FHIR R4 transaction Bundle, \
        one per line, for the clinic's electronic record. SYSTEM is the clinic's identifier \
        system for its patients (a URI, e.g. https://clinic.example/patients): mbt never \
        invents one. Sending a Bundle twice updates, never duplicates.
        """, valueName: "system"))
    var fhir: String?

    @Option(name: .long, help: ArgumentHelp("With --fhir: the code system of the tests and findings (default: the protocol's codeSystem, or urn:musclebalance:protocol:<id>).", valueName: "uri"))
    var fhirCodeSystem: String?

    @Flag(name: .long, help: "Print errors only, no warnings (each file's summary line and the reports are as without it).")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Score with the patients' earlier sessions from this history store, then store the run's.", valueName: "file"))
    var history: String?

    @Option(name: .long, help: ArgumentHelp("Score with the earlier sessions of this read-only snapshot of a store (shards); store nothing.", valueName: "file"))
    var historySnapshot: String?

    @OptionGroup(title: "Pages") var pageOptions: PageOptions

    @OptionGroup var protocolOptions: ProtocolOptions
    @OptionGroup(title: "Spreadsheets (.csv, .tsv, .xlsx)") var sheetOptions: SheetOptions

    func validate() throws {
        if files.isEmpty && filesFrom == nil { throw ValidationError("give at least one clinic file to score, or --files-from") }
        if let shard, Shard(shard) == nil {
            throw ValidationError("--shard takes I/N with N from 1 to \(Shard.maxCount) and I from 0 to N-1 (for example 0/4), not '\(shard)'")
        }
        if out.isEmpty { throw ValidationError("--out needs a folder") }
        if history != nil && historySnapshot != nil { throw ValidationError("give --history or --history-snapshot, not both") }
        if fhirCodeSystem != nil && fhir == nil { throw ValidationError("--fhir-code-system goes with --fhir SYSTEM") }
        try checkFHIRURIs([("--fhir", fhir), ("--fhir-code-system", fhirCodeSystem)])
    }

    func run() throws {
        let library = try protocolOptions.library()
        try makeDirectory(out)
        let interactive = isatty(2) == 1
        let cancellation = Cancellation()
        let standardInput = StandardInput()
        let files = try standardInput.readable(self.files + (filesFrom.map(FileList.read) ?? []))
        var scorer = BatchScorer(
            library: library, outputDirectory: out, protocolOverride: protocolOptions.protocol, today: .today(), cancellation: cancellation,
            baseDirectory: base, shard: shard.flatMap(Shard.init))
        scorer.sheetOptions = try sheetOptions.importOptions(library: library, protocolOverride: protocolOptions.protocol)
        scorer.resultsCSV = resultsCsv
        scorer.fhirPatientSystem = fhir
        scorer.fhirCodeSystem = fhirCodeSystem
        if html { scorer.stylesheet = try pageOptions.compiled(.report, library: library) }
        var store: HistoryStore?
        if let path = history ?? historySnapshot {
            MBTVersion.current = MBT.version
            do {
                store = try HistoryStore(path: path, readOnly: historySnapshot != nil, waiting: {
                    writeStandardError("waiting for another mbt writing to the history store \(path) to finish\n")
                })
            } catch {
                throw EnvironmentFailure(message: error.message)
            }
            scorer.history = ScoreHistory(store: store!, library: library, storing: history != nil)
        }
        // Standard input is recorded, reported and named `-` (its reports: stdin.report.*).
        let copy = standardInput.path
        if let copy { scorer.recordedNames[copy] = StandardInput.name }
        @Sendable func shown(_ path: String) -> String { path == copy ? StandardInput.name : path }
        // An input outside the base folder is named from its whole path (the install prefix
        // and all): said once, with the flag that names it shorter.
        let outside = files.filter { $0 != copy && scorer.recordedName(of: $0).hasPrefix("/") }
        if let first = outside.first, !quiet {
            let count = outside.count == 1 ? "an input lies" : "\(outside.count) inputs lie"
            writeStandardError("note: \(count) outside \(VisibleText.escaped(scorer.baseDirectory)) (\(VisibleText.escaped(first))): reports are named from the whole path; pass --base FOLDER to name them from that folder\n")
        }
        let overwritten = scorer.inputsThatWouldBeOverwritten(files)
        if !overwritten.isEmpty {
            throw EnvironmentFailure(message: "refusing to score: the output would overwrite the input \(overwritten.joined(separator: ", ")); choose another --out")
        }
        if let problem = scorer.outputFolderProblem() {
            throw EnvironmentFailure(message: "cannot write reports to '\(out)': \(problem)")
        }
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.cancel(signal: number) }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let (outcomes, summaryError) = scorer.score(
            paths: files,
            waiting: {
                writeStandardError("waiting for another mbt score writing the summary in \(out) to finish (its rows are kept)\n")
            },
            progress: { done, total in
                if interactive { writeProgress(done: done, total: total) }
            },
            finished: { outcome in
                // In input order, as soon as each file is done: nothing waits for the whole batch.
                var text = ""
                for d in outcome.diagnostics where !(quiet && d.severity == .warning) {
                    var d = d
                    d.file = shown(d.file)
                    text += d.description + "\n"
                }
                if outcome.moreErrors + (quiet ? 0 : outcome.moreWarnings) > 0 {
                    var more: [String] = []
                    if outcome.moreErrors > 0 { more.append("\(outcome.moreErrors) more \(outcome.moreErrors == 1 ? "error" : "errors")") }
                    if outcome.moreWarnings > 0 && !quiet { more.append("\(outcome.moreWarnings) more \(outcome.moreWarnings == 1 ? "warning" : "warnings")") }
                    text += "\(VisibleText.escaped(shown(outcome.input))): \(more.joined(separator: " and ")) not shown (every skipped patient is in summary.csv; run mbt validate for the full list)\n"
                }
                if interactive && !text.isEmpty { writeProgress(done: nil, total: nil) }
                _ = writeStandardOutput(text)
            })
        if interactive { writeStandardError("\n") }
        var text = ""
        let scored = outcomes.reduce(0) { $0 + $1.patientsScored }
        let skipped = outcomes.reduce(0) { $0 + $1.patientsSkipped }
        let failed = outcomes.count { $0.failed }
        text += "\(outcomes.count) \(outcomes.count == 1 ? "file" : "files"): \(outcomes.count - failed) reported, \(failed) failed; "
        text += "\(scored) \(scored == 1 ? "patient" : "patients") scored, \(skipped) skipped\n"
        if let summaryError {
            text += "error: the summary was not written: \(summaryError)\n"
        } else {
            let summaryName = scorer.shard?.summaryName ?? "summary.csv"
            text += "reports and \(summaryName) in \(VisibleText.escaped(out))\n"
        }
        _ = writeStandardOutput(text)
        // Each file's sessions went into the store as soon as its reports were written (one
        // transaction a file); what became of them.
        var storeFailed = false
        if let store, history != nil {
            var total = ImportCounts()
            for outcome in outcomes {
                guard let stored = outcome.stored else { continue }
                for line in stored.problems { writeStandardError(line + "\n") }
                if let failure = stored.failure {
                    writeStandardError(failure + "\n")
                    storeFailed = true
                }
                total = total + stored.counts
                if stored.counts.refused > 0 { storeFailed = true }
            }
            _ = writeStandardOutput("history \(VisibleText.escaped(store.path)): \(total.added) added, \(total.unchanged) unchanged, \(total.refused) refused (mbt history import --amend REASON to store a changed session)\n")
        }
        if cancellation.isCancelled {
            let finished = outcomes.count { $0.xmlReport != nil }
            let name = cancellation.signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
            writeStandardError("interrupted by \(name): \(finished) of \(outcomes.count) files have complete reports; the rest were not written (see summary.csv)\n")
            throw ExitCode(128 + cancellation.signalNumber)
        }
        if outcomes.contains(where: \.unreadable) { throw ExitCode(2) }
        if summaryError != nil || storeFailed || outcomes.contains(where: \.hasFailures) { throw ExitCode(1) }
    }
}

func makeDirectory(_ path: String) throws {
    var built = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        built += "/" + part
        if mkdir(built, 0o755) != 0 && errno != EEXIST {
            throw EnvironmentFailure(message: "cannot create the output folder '\(path)': \(String(cString: strerror(errno)))")
        }
    }
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
        throw EnvironmentFailure(message: "'\(path)' is not a folder")
    }
}
