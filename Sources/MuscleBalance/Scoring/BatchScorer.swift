import ClinicFiles
import ClinicReports
import FHIRExport
import BatchEngine
import Dispatch
import Locks
import MBXML
import MuscleBalanceCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What happened to one input file of `mbt score`.
public struct FileScoreOutcome: Sendable {
    public var input: String
    public var xmlReport: String?
    public var textReport: String?
    public var patientsScored: Int
    public var patientsSkipped: Int
    /// Errors, then warnings, with file:line:column, for the terminal: the first
    /// `BatchScorer.errorsKept` errors and `warningsKept` warnings; the others are counted.
    public var diagnostics: [Diagnostic]
    public var moreErrors = 0
    public var moreWarnings = 0
    /// The file's summary rows (in memory, or spilled to a part file for a large file).
    var rows: SpillingRows?
    /// The whole file could not be scored (no report written for it).
    public var failed: Bool
    /// The file could not be read at all (missing, a folder, a device, no permission): the
    /// command's exit status is then 2, as for validate.
    public var unreadable = false
    /// `--history`: what became of the file's sessions in the history store (stored once its
    /// reports were written); nil when they were not to be stored, or the file failed.
    public var stored: HistoryImporter.FileOutcome?

    public var hasFailures: Bool { failed || patientsSkipped > 0 }
}

/// `mbt score`: each input file becomes `<stem>.report.xml` and `<stem>.report.txt` in the
/// output folder, plus one `summary.csv`. A bad patient is reported and skipped; a bad file is
/// reported and leaves nothing behind; the rest of the batch is scored.
public struct BatchScorer: Sendable {
    public let library: ProtocolLibrary
    public let outputDirectory: String
    public let protocolOverride: String?
    public let today: CivilDate
    public let cancellation: Cancellation?
    /// Whether each file is scored and written on threads of their own while it is read (the
    /// default, `ReportPipeline`); off, one thread does it all. The output is the same either way.
    public let pipelined: Bool
    /// Rules, scorer and report tables of each protocol used, made once per batch.
    private let preparedProtocols = PreparedProtocols()
    /// Workers per pipelined file, when not the default (one per core but one, at most
    /// `ReportPipeline.maxWorkers`): the tests score with 1 to 5 and compare.
    var workersPerFile: Int?

    /// The folder input paths are named relative to (`OutputNames`), absolute.
    public let baseDirectory: String
    /// Where relative input paths start from.
    public let currentDirectory: String

    /// The part of the batch this run scores, when the batch is split over machines.
    public let shard: Shard?
    /// summary.csv's outcome columns: the instruments of the run's protocol (`--protocol`, or
    /// the default one), known before any file is read.
    public let summaryOutcomes: SummaryOutcomeColumns
    /// How spreadsheets (.csv, .xlsx) are read; nil reads every file as XML.
    public var sheetOptions: SheetImportOptions?
    /// Writes `<stem>.results.csv` beside the reports: one row per result.
    public var resultsCSV = false
    /// `--html`: each file's page too (`<stem>.report.html`), made by this stylesheet.
    public var stylesheet: ReportStylesheet?
    /// `--fhir`: each file's sessions as FHIR R4 Bundles too (`<stem>.fhir.ndjson`), their
    /// identifiers under this system (the clinic's patients'), their codes under `fhirCodeSystem`
    /// (nil: the protocol's `urn:musclebalance:protocol:<id>`).
    public var fhirPatientSystem: String?
    public var fhirCodeSystem: String?
    /// `--history` and `--history-snapshot`: a patient's sessions in the history store, dated
    /// before the file's latest and absent from it, are scored with the file's so that progress
    /// compares each session with the one before it, wherever that was entered; with
    /// `--history`, the file's sessions are then stored (`ScoreHistory`).
    public var history: ScoreHistory?

    public init(
        library: ProtocolLibrary, outputDirectory: String, protocolOverride: String? = nil, today: CivilDate,
        cancellation: Cancellation? = nil, pipelined: Bool = true, baseDirectory: String? = nil, shard: Shard? = nil
    ) {
        self.shard = shard
        let cwd = Self.workingDirectory()
        currentDirectory = cwd
        self.baseDirectory = baseDirectory.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } ?? cwd
        self.pipelined = pipelined
        self.library = library
        self.outputDirectory = outputDirectory
        self.protocolOverride = protocolOverride
        self.today = today
        self.cancellation = cancellation
        summaryOutcomes = SummaryOutcomeColumns(library.load(path: protocolOverride ?? library.path(forProtocolID: ProtocolLibrary.defaultProtocolID)).balanceProtocol)
    }

    /// The process's working directory ("/" if it cannot be read).
    static func workingDirectory() -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let found = buffer.withUnsafeMutableBufferPointer { b in
            b.baseAddress.map { getcwd(UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self), b.count) != nil } ?? false
        }
        guard found else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Inputs recorded under a name of their own instead of their path: standard input, read
    /// from a copy, is recorded as `-`.
    public var recordedNames: [String: String] = [:]

    /// What reports and the summary record for an input: its path relative to the base folder.
    public func recordedName(of path: String) -> String {
        recordedNames[path] ?? OutputNames.relativePath(of: path, base: baseDirectory, currentDirectory: currentDirectory)
    }

    /// The stem of an input's reports (`OutputNames`); an input recorded under a name of its
    /// own (standard input) is `stdin`.
    public func stem(of path: String) -> String {
        recordedNames[path] != nil ? "stdin" : OutputNames.stem(forRelativePath: recordedName(of: path))
    }

    /// The file kinds each input gets, in the order `formats` makes them: the XML and text
    /// reports, then the page and the per-result CSV when asked for.
    var fileKinds: [String] {
        ["report.xml", "report.txt"] + (stylesheet != nil ? ["report.html"] : []) + (resultsCSV ? ["results.csv"] : [])
            + (fhirPatientSystem != nil ? ["fhir.ndjson"] : [])
    }

    /// Whether `text` is an absolute URI, as `--fhir` needs.
    public static func isAbsoluteURI(_ text: String) -> Bool { FHIRExportSettings.isAbsoluteURI(text) }

    /// The formats of one clinic file, the XML report first: the one list the sink writes
    /// (`ReportFormat`). A new format is one more line here and its implementation.
    func formats(_ tables: ReportTables, input: String, clinic: String?) throws -> [any ReportFormat] {
        let xml = XMLReportFormat(tables: tables.xml, input: input, clinic: clinic)
        var formats: [any ReportFormat] = [xml, TextReportFormat(tables: tables.text, input: input, clinic: clinic)]
        if let stylesheet { formats.append(try HTMLPageFormat(stylesheet: stylesheet, xml: xml, url: input)) }
        if resultsCSV { formats.append(ResultsCSVFormat(index: tables.index)) }
        if let fhirPatientSystem {
            formats.append(try FHIRReportFormat(index: tables.index, patientSystem: fhirPatientSystem, codeSystem: fhirCodeSystem))
        }
        return formats
    }

    /// The output paths of a batch: each input's file of each format, and the summary.
    public func outputPaths(for paths: [String]) -> [String] {
        var outputs: [String] = []
        let kinds = fileKinds
        for stem in inScoringOrder(paths).map(stem(of:)) {
            for kind in kinds { outputs.append(outputDirectory + "/" + stem + "." + kind) }
        }
        outputs.append(summaryPath)
        return outputs
    }

    /// Inputs that an output of this batch would overwrite: such a batch is refused.
    public func inputsThatWouldBeOverwritten(_ paths: [String]) -> [String] {
        let inputs = Dictionary(paths.compactMap { p in FileIdentity(p).map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        return outputPaths(for: paths).compactMap { FileIdentity($0).flatMap { inputs[$0] } }
    }

    /// Nil when a file can be created in the output folder; otherwise why not.
    public func outputFolderProblem() -> String? {
        do {
            _ = try AtomicOutputFile(directory: outputDirectory, name: "write-check")
            return nil
        } catch {
            return error.description
        }
    }

    /// summary.csv, or a shard's own `summary-I-of-N.csv`.
    public var summaryPath: String { outputDirectory + "/" + (shard?.summaryName ?? "summary.csv") }

    /// The order every run scores and lists files in: by the summary's first field as written
    /// (the recorded name, CSV-escaped), byte by byte. The same on every machine whatever the
    /// order of the arguments, so shards agree on their parts and `mbt merge` can rebuild the
    /// summary of one run by merging theirs.
    public func inScoringOrder(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        let unique = paths.filter { seen.insert(recordedName(of: $0)).inserted }
        let keyed = unique.map { (path: $0, key: Self.summaryKey(recordedName(of: $0))) }
        let sorted = keyed.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.path)
        return shard?.part(of: sorted) ?? sorted
    }

    /// The summary's first field for a recorded name, as written.
    static func summaryKey(_ name: String) -> [UInt8] {
        Array(SummaryRow.csv([name]).utf8)
    }

    /// Scores every file (both cores where there are several), in `inScoringOrder` (an input
    /// named twice, however spelled, once; only this shard's part), and writes the summary.
    /// Each file's outcome is handed to `finished` in that order as soon as it and every file
    /// before it are done, and its summary rows go to the summary then, after the rows carried
    /// from an earlier summary that sort before it: nothing of a finished file is held for the
    /// rest of the run. The returned outcomes keep only the counts.
    ///
    /// Another run writing the same summary in the same folder is waited for (`waiting` is told
    /// first): its rows are then carried like any earlier run's, never lost.
    public func score(
        paths: [String], waiting: (() -> Void)? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
        finished: (@Sendable (FileScoreOutcome) -> Void)? = nil
    ) -> (outcomes: [FileScoreOutcome], summaryError: String?) {
        let paths = inScoringOrder(paths)
        let names = paths.map(recordedName(of:))
        let keys = names.map(Self.summaryKey)
        let stems = paths.map(stem(of:))
        // Two inputs whose reports would share a name (standard input beside a file named
        // stdin.xml, or two paths whose hashes meet): the later one fails instead of writing
        // over the other's reports.
        var stemOwners: [String: String] = [:]
        var clashes: [Int: String] = [:]
        for (index, stem) in stems.enumerated() {
            if let owner = stemOwners[stem] { clashes[index] = owner } else { stemOwners[stem] = names[index] }
        }
        let clash = clashes
        AtomicOutputFile.removeStaleTemporaries(in: outputDirectory)
        SpillingRows.removeOrphanedParts(in: outputDirectory)
        struct State {
            var results: [FileScoreOutcome?]
            var next = 0
            var summary: AtomicOutputFile?
            var summaryError: String?
            var carried: CarriedRows?
        }
        var initial = State(results: Array(repeating: nil, count: paths.count))
        var lock: FolderLock?
        do {
            // A shard writes a summary of its own: only the one summary.csv is shared.
            if shard == nil { lock = try FolderLock(directory: outputDirectory, waiting: { waiting?() }) }
            let file = try AtomicOutputFile(directory: outputDirectory, name: shard?.summaryName ?? "summary.csv")
            let header = summaryOutcomes.headerLine
            try file.write(header)
            // A run into a folder that has reports keeps the rows of the files it does not
            // score again, each in its place: the summary describes every report in the folder.
            initial.carried = CarriedRows(path: summaryPath, header: header, replaced: Set(keys))
            initial.summary = file
        } catch {
            initial.summaryError = error.description
        }
        let state = Locked(initial)
        let done = Counter()
        FilesInFlight.forEach(paths.count, cores: Self.activeCores) { index in
            let outcome: FileScoreOutcome
            if cancellation?.isCancelled == true {
                let rows = SpillingRows(directory: outputDirectory)
                rows.reset(toLines: SummaryRow(file: names[index], patient: "", date: "", overallIndex: "", grade: "", topFindings: "", status: "not scored: interrupted", outcomes: summaryOutcomes.empty).csvLine, count: 1)
                outcome = FileScoreOutcome(input: paths[index], patientsScored: 0, patientsSkipped: 0, diagnostics: [], rows: rows, failed: true)
            } else if let owner = clash[index] {
                let rows = SpillingRows(directory: outputDirectory)
                let message = "its reports would be named \(stems[index]).report.* like those of \(owner); score it in another run or another --out"
                rows.reset(toLines: SummaryRow(file: names[index], patient: "", date: "", overallIndex: "", grade: "", topFindings: "", status: "file error: " + message, outcomes: summaryOutcomes.empty).csvLine, count: 1)
                outcome = FileScoreOutcome(
                    input: paths[index], patientsScored: 0, patientsSkipped: 0, diagnostics: [Diagnostic(.error, file: paths[index], line: 0, message: message)],
                    rows: rows, failed: true)
            } else {
                outcome = scoreFile(paths[index], stem: stems[index], recordedAs: names[index], filesInBatch: paths.count)
            }
            state.withLock { s in
                s.results[index] = outcome
                // Hand on every finished file whose predecessors are all finished, in order.
                while s.next < paths.count, var ready = s.results[s.next] {
                    finished?(ready)
                    if let summary = s.summary, s.summaryError == nil {
                        do {
                            try s.carried?.copy(before: keys[s.next], into: summary)
                            try ready.rows?.copy(into: summary)
                        } catch {
                            s.summaryError = "\(error)"
                        }
                    }
                    ready.diagnostics = []
                    ready.rows = nil
                    s.results[s.next] = ready
                    s.next += 1
                }
            }
            progress?(done.increment(), paths.count)
        }
        return state.withLock { s in
            var summaryError = s.summaryError
            if summaryError == nil, let summary = s.summary {
                do {
                    try s.carried?.copy(before: nil, into: summary)
                    try summary.commit()
                } catch {
                    summaryError = "\(error)"
                }
            }
            s.summary = nil
            s.carried = nil
            // Released only now the summary is in place.
            withExtendedLifetime(lock) {}
            return (s.results.compactMap { $0 }, summaryError)
        }
    }

    /// How many warnings of one file are kept for the terminal; the rest are counted, so memory
    /// does not grow with the number of patients.
    public static let warningsKept = 500
    /// How many errors of one file are kept: every one a person could act on (each skipped
    /// patient is also a row of summary.csv), and still a bound on memory (about 3 MB) when a
    /// whole file of patients fails. Errors are printed before warnings.
    public static let errorsKept = 10_000

    /// Patients per batch handed from the reading thread to `ReportPipeline`'s workers, and
    /// batches that may wait for a worker (with two more per worker, the most in flight):
    /// enough to keep every core busy, few enough that memory stays flat.
    static let batchSize = 32
    /// With a history store and a page each (`--history --html`), a patient's course of care
    /// makes its XML fragment three times longer and the stylesheet's trees with it: smaller
    /// batches keep memory near a plain run's (Benchmarks/RESULTS.md, issue 31).
    static let courseBatchSize = 8
    static let batchesAhead = 4

    /// The cores online (what `DispatchQueue.concurrentPerform` spreads files over), at least 1.
    static let activeCores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Whether a file gets worker threads of its own for scoring and writing. A batch of at least as
    /// many files as cores already keeps every core busy one file per core, and for a small
    /// file two more threads and their hand-offs cost more than they save (on 2,000 files of
    /// 10 patients: 4,000 threads started and 20,000 waits); a large file still gets them, so
    /// one big file among small ones does not hold the batch up.
    static func worthPipelining(_ path: String, files: Int) -> Bool {
        files < activeCores || isLarge(path)
    }

    /// 4 MiB or more (about 1,300 patients); true when the size cannot be read.
    static func isLarge(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        return info.st_size >= 4 << 20
    }

    /// Scores one file into `<stem>.report.xml` and `.txt`; the reports and the summary name
    /// the input `recordedAs` (by default its recorded name, `recordedName(of:)`).
    public func scoreFile(_ path: String, stem: String, recordedAs name: String? = nil, filesInBatch: Int = 1) -> FileScoreOutcome {
        let recorded = name ?? recordedName(of: path)
        let rows = SpillingRows(directory: outputDirectory)
        var outcome = FileScoreOutcome(input: path, patientsScored: 0, patientsSkipped: 0, diagnostics: [], rows: rows, failed: false)
        var engine = DiagnosticsEngine(file: path)
        var (errorsKept, warningsKept) = (0, 0)
        func emit(_ diagnostics: [Diagnostic]) {
            for d in diagnostics {
                if d.severity == .error {
                    if errorsKept < Self.errorsKept {
                        engine.emit(d)
                        errorsKept += 1
                    } else {
                        outcome.moreErrors += 1
                    }
                } else if warningsKept < Self.warningsKept {
                    engine.emit(d)
                    warningsKept += 1
                } else {
                    outcome.moreWarnings += 1
                }
            }
        }
        var stream: ClinicFileStream?
        func fail(_ message: String) -> FileScoreOutcome {
            outcome.failed = true
            outcome.xmlReport = nil
            outcome.textReport = nil
            rows.reset(toLines: SummaryRow(file: recorded, patient: "", date: "", overallIndex: "", grade: "", topFindings: "", status: "file error: " + message, outcomes: summaryOutcomes.empty).csvLine, count: 1)
            engine.resolveColumns { stream?.place($0) ?? ColumnResolver.resolve($0, path: path) }
            outcome.diagnostics = engine.errorsFirst
            return outcome
        }
        do {
            let opened = try ClinicFileStream(path: path, schema: library.measurementSchema, sheetOptions: sheetOptions)
            stream = opened
            // A sheet's problems are placed as each patient is read (its positions are kept
            // for the patients not yet read only); an XML file's in one pass at the end.
            let placeNow = opened.isSpreadsheet
            let validator = FileValidator(library: library, protocolOverride: protocolOverride, today: today)
            guard let (protocolPath, balanceProtocol) = validator.loadedProtocol(for: opened.header, &engine) else {
                return fail("its protocol '\(opened.header.protocolID)' is missing or broken")
            }
            let prepared = preparedProtocols.prepared(protocolPath) { PreparedProtocol(balanceProtocol, today: today) }
            var rules = prepared.rules
            let headerProblems = rules.check(opened.header)
            emit(headerProblems)
            if headerProblems.contains(where: { $0.severity == .error }) { return fail("protocol mismatch") }
            let sink = try ReportSink(
                stem: stem, formats: formats(prepared.tables, input: recorded, clinic: opened.header.clinic), directory: outputDirectory, rows: rows)
            // Rebuilding the protocol costs a worker about 8 ms: worth it for a large file.
            var workerProtocol: (@Sendable () -> PreparedProtocol?)?
            if Self.isLarge(path) {
                let (library, today) = (library, today)
                workerProtocol = { library.rebuilt(path: protocolPath).map { PreparedProtocol($0, today: today) } }
            }
            var fileHistory: FileHistory?
            if let history {
                let clinic = opened.header.clinic ?? ""
                var packer: SessionPacker?
                if history.storing {
                    packer = SessionPacker(clinic: clinic, stamp: history.stamp(balanceProtocol, path: protocolPath), scorer: prepared.scorer)
                    sink.records = SpilledRecords()
                }
                fileHistory = FileHistory(history: history, clinic: clinic, packer: packer)
            }
            let pipeline = ReportPipeline(
                sink: sink, scorer: prepared.scorer, file: recorded, threads: pipelined && Self.worthPipelining(path, files: filesInBatch),
                batchesAhead: Self.batchesAhead, workerProtocol: workerProtocol,
                workerCount: workersPerFile ?? ReportPipeline.defaultWorkerCount, history: fileHistory, summaryOutcomes: summaryOutcomes)
            defer { pipeline.stop() }
            var batch: [CheckedPatient] = []
            let batchSize = history != nil && stylesheet != nil ? Self.courseBatchSize : Self.batchSize
            batch.reserveCapacity(batchSize)
            while let item = try opened.next() {
                if cancellation?.isCancelled == true { throw Interrupted() }
                let patient = item.patient
                var problems = item.problems(file: path, rules: &rules)
                if placeNow && !problems.isEmpty { problems = opened.place(problems) }
                emit(problems)
                if let error = problems.first(where: { $0.severity == .error }) {
                    outcome.patientsSkipped += 1
                    batch.append(.skipped(patientID: patient.id, line: patient.location.line, reason: "\(error.positionWords): \(error.message)"))
                } else if !patient.sessions.contains(where: { $0.date != nil }) {
                    // The scorer scores dated sessions only: nothing to report.
                    outcome.patientsSkipped += 1
                    batch.append(.skipped(patientID: patient.id, line: patient.location.line, reason: "no dated session"))
                } else {
                    outcome.patientsScored += 1
                    batch.append(.valid(patient))
                }
                if batch.count >= batchSize {
                    guard pipeline.send(batch) else { break }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { _ = pipeline.send(batch) }
            pipeline.finish()
            if let failure = sink.failure { throw failure }
            let loose = opened.looseProblems
            emit(loose)
            if loose.contains(where: { $0.severity == .error }) { return fail(placeNow ? loose.first { $0.severity == .error }!.message : "schema errors outside any patient") }
            let written = try sink.commit()
            outcome.xmlReport = written["report.xml"]
            outcome.textReport = written["report.txt"]
            // The file's sessions into the store, now its reports are written: one transaction.
            if let fileHistory, let records = sink.records {
                outcome.stored = fileHistory.history.storeFile(records, input: path, recorded: recorded)
            }
        } catch let error as ClinicFileStream.Failure {
            engine.emit(contentsOf: error.diagnostics)
            outcome.unreadable = error.unreadable
            return fail(error.message)
        } catch is Interrupted {
            // The reports in progress are dropped with their temporary files.
            return fail("interrupted; no report written for this file")
        } catch let error as AtomicOutputFile.Failure {
            engine.emit(Diagnostic(.error, line: 0, message: error.description))
            return fail(error.description)
        } catch {
            engine.emit(Diagnostic(.error, line: 0, message: "\(error)"))
            return fail("\(error)")
        }
        engine.resolveColumns { stream?.place($0) ?? ColumnResolver.resolve($0, path: path) }
        outcome.diagnostics = engine.errorsFirst
        return outcome
    }
}

/// Files finished so far, for the progress line.
private final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}

/// Output file names: the input's stem, made safe for any file system and unique in the batch.
/// What scoring a file needs of its protocol, beyond the protocol itself: its index (one,
/// shared by the rules, the scorer and both reports), the scorer's own tables and both reports'
/// fixed text. Made once per protocol and batch: made per file, they cost a 10-patient file as
/// much as scoring two of its patients.
final class PreparedProtocol: Sendable {
    let rules: MeasurementRules
    let scorer: BalanceScorer
    /// The report formats' tables.
    let tables: ReportTables

    init(_ p: BalanceProtocol, today: CivilDate) {
        let index = ProtocolIndex(p)
        rules = MeasurementRules(index: index, today: today)
        scorer = BalanceScorer(index: index)
        tables = ReportTables(index: index)
    }
}

/// The batch's prepared protocols, by the path each was loaded from.
final class PreparedProtocols: Sendable {
    private let byPath = Locked<[String: PreparedProtocol]>([:])

    func prepared(_ path: String, _ make: () -> PreparedProtocol) -> PreparedProtocol {
        if let known = byPath.withLock({ $0[path] }) { return known }
        // Made outside the lock; if two files race, the first one stored is kept.
        let made = make()
        return byPath.withLock { table in
            if let known = table[path] { return known }
            table[path] = made
            return made
        }
    }
}
