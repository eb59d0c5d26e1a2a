import BatchEngine
import ClinicFiles
import Locks
import FastText
import History
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#endif

/// Brings clinic files into the history store (`mbt history import`, `mbt score --history`):
/// each file read and checked as `mbt score` reads and checks it, each patient without errors
/// scored, and each of its sessions offered to the store as entered and as scored, the whole
/// file in one transaction with its audit row. A patient with errors is not stored (it is not
/// scored either); the rest of the file is.
public struct HistoryImporter: Sendable {
    public let library: ProtocolLibrary
    public let protocolOverride: String?
    public let today: CivilDate
    public let sheetOptions: SheetImportOptions?

    public init(library: ProtocolLibrary, protocolOverride: String?, today: CivilDate, sheetOptions: SheetImportOptions?) {
        self.library = library
        self.protocolOverride = protocolOverride
        self.today = today
        self.sheetOptions = sheetOptions
    }

    /// What became of one file.
    public struct FileOutcome: Sendable {
        public var counts = ImportCounts()
        /// Lines for the terminal: each patient skipped for its errors, each session refused
        /// with what differs; positioned where they can be.
        public var problems: [String] = []
        /// The file could not be read at all, or the store not written: nothing of it landed.
        public var failure: String?
        public var unreadable = false
        public var skippedPatients = 0
    }

    /// Imports `path` (named `recorded` in the audit row) into `store`.
    public func importFile(_ path: String, recorded: String, into store: HistoryStore, amend: String?, command: ChangeSource.Command = .import) -> FileOutcome {
        var outcome = FileOutcome()
        guard let fileHash = Self.hashFile(path) else {
            outcome.failure = "\(recorded): error: cannot read: \(String(cString: strerror(errno)))"
            outcome.unreadable = true
            return outcome
        }
        if let input = Self.scoredReportInput(path) {
            outcome.failure = "\(recorded): error: this is a scored report, not a measurement file: a report does not keep everything entered (each measure's note, a condition's dates, the unit as written), so its sessions would not match those of the file it was scored from; import that file\(input.isEmpty ? "" : " ('\(VisibleText.escaped(input))', its input attribute)") instead"
            return outcome
        }
        var engine = DiagnosticsEngine(file: path)
        let stream: ClinicFileStream
        do {
            stream = try ClinicFileStream(path: path, schema: library.measurementSchema, sheetOptions: sheetOptions)
        } catch {
            outcome.failure = error.diagnostics.map(\.description).joined(separator: "\n")
            outcome.unreadable = error.unreadable
            return outcome
        }
        let validator = FileValidator(library: library, protocolOverride: protocolOverride, today: today)
        guard let loaded = validator.loadedProtocol(for: stream.header, &engine) else {
            outcome.failure = engine.sorted.map(\.description).joined(separator: "\n")
            return outcome
        }
        var rules = MeasurementRules(protocol: loaded.balanceProtocol, today: today)
        let headerProblems = rules.check(stream.header)
        if headerProblems.contains(where: { $0.severity == .error }) {
            outcome.failure = headerProblems.map(\.description).joined(separator: "\n")
            return outcome
        }
        let stamp = ProtocolStamp(id: loaded.balanceProtocol.id, version: loaded.balanceProtocol.version, hash: Self.hashFile(loaded.path) ?? "")
        let packer = SessionPacker(clinic: stream.header.clinic ?? "", stamp: stamp, scorer: BalanceScorer(index: rules.index))
        var problems: [String] = []
        var skipped = 0

        // Three stages, as `mbt score` has: this thread reads and checks patients; workers
        // (and this thread, when they fall behind) make each session's entry: inputs, hash,
        // and for a session not already stored as it is, its score and packed bytes; one
        // thread writes the store, in the file's order, in one transaction.
        let workerCount = ReportPipeline.defaultWorkerCount
        let toWork = HandOff<Patient>(capacity: Self.batchesAhead)
        let done = InOrder<SessionEntry>(limit: Self.batchesAhead + 2 * (workerCount + 1))
        let storePath = store.path
        @Sendable func prepare(_ batch: [Patient], _ lookup: HistoryStore?) -> [SessionEntry] {
            batch.flatMap { packer.entries(for: $0, stored: try? lookup?.currentHashes(clinic: packer.clinic, patientID: $0.id)) }
        }
        struct Written: Sendable {
            var counts = ImportCounts()
            var problems: [String] = []
            var error: (any Error)?
        }
        struct Stopped: Error {}
        let written = Locked(Written())
        let source = ChangeSource(command: command, input: recorded, inputHash: fileHash)
        // Before any worker looks a session up: what they find unchanged holds while no other
        // connection writes (`importSessions(trustingUnchangedAt:)`).
        let version = try? store.dataVersion()
        guard let writer = JoinableThread({
            var pending: [SessionEntry] = []
            var result = Written()
            do {
                result.counts = try store.importSessions(source: source, amend: amend, trustingUnchangedAt: version, next: {
                    while pending.isEmpty {
                        guard let batch = done.take() else {
                            if done.hasFailed { throw Stopped() }
                            return nil
                        }
                        pending = batch.reversed()
                    }
                    return pending.removeLast()
                }) { verdict in
                    if let problem = Self.problem(verdict, recorded: recorded) { result.problems.append(problem) }
                }
            } catch {
                result.error = error
                done.fail()
            }
            written.withLock { $0 = result }
        }) else {
            outcome.failure = "\(recorded): error: nothing of the file was stored: the system would not start a thread"
            return outcome
        }
        var workers: [JoinableThread] = []
        for _ in 0..<workerCount {
            guard let worker = JoinableThread({
                let lookup = try? HistoryStore(path: storePath, readOnly: true)
                while let (index, batch) = toWork.takeNumbered() {
                    if !done.deposit(prepare(batch, lookup), at: index) { toWork.abandon() }
                }
            }) else { break }
            workers.append(worker)
        }
        var lookup: HistoryStore?
        var batches = 0
        // Hands a batch on, or does the oldest waiting one when the workers are behind; false
        // when the writer has stopped.
        func send(_ batch: [Patient]) -> Bool {
            batches += 1
            switch toWork.put(batch) {
            case .queued: return true
            case .refused: return false
            case .yours(let index, let oldest):
                if lookup == nil { lookup = try? HistoryStore(path: storePath, readOnly: true) }
                return done.deposit(prepare(oldest, lookup), at: index)
            }
        }
        var readFailure: (any Error)?
        do {
            var batch: [Patient] = []
            while let item = try stream.next() {
                let found = item.problems(file: path, rules: &rules)
                if found.contains(where: { $0.severity == .error }) {
                    var local = DiagnosticsEngine(file: path)
                    local.emit(contentsOf: found)
                    local.resolveColumns { stream.place($0) }
                    problems += local.sorted.filter { $0.severity == .error }.map(\.description)
                    problems.append("\(recorded): patient '\(VisibleText.escaped(item.patient.id))' not stored: fix the errors above and import the file again")
                    skipped += 1
                    continue
                }
                batch.append(item.patient)
                if batch.count >= Self.batchSize {
                    guard send(batch) else { break }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { _ = send(batch) }
            // As `mbt score` refuses such a file, none of it is stored: the transaction is undone.
            let loose = stream.looseProblems.filter { $0.severity == .error }
            if !loose.isEmpty { readFailure = ErrorsOutsidePatients(diagnostics: loose) }
        } catch {
            readFailure = error
        }
        toWork.close()
        if readFailure == nil {
            while let (index, batch) = toWork.takeNumbered() {
                if lookup == nil { lookup = try? HistoryStore(path: storePath, readOnly: true) }
                guard done.deposit(prepare(batch, lookup), at: index) else { break }
            }
        } else {
            toWork.abandon()
            done.fail()
        }
        for worker in workers { worker.join() }
        done.finish(count: batches)
        writer.join()
        let result = written.withLock { $0 }
        switch readFailure ?? result.error {
        case nil:
            outcome.counts = result.counts
        case let error as HistoryError:
            outcome.failure = "\(recorded): error: nothing of the file was stored: \(error.message)"
            outcome.unreadable = error.unusable
        case let error as ErrorsOutsidePatients:
            outcome.failure = (error.diagnostics.map(\.description) + ["\(recorded): error: nothing of the file was stored: it has errors outside any patient"]).joined(separator: "\n")
        case let error as ClinicFileStream.Failure:
            outcome.failure = (error.diagnostics.map(\.description) + ["\(recorded): error: nothing of the file was stored"]).joined(separator: "\n")
            outcome.unreadable = error.unreadable
        case let error?:
            outcome.failure = "\(recorded): error: nothing of the file was stored: \(error)"
        }
        outcome.problems = problems + result.problems
        outcome.skippedPatients = skipped
        return outcome
    }

    /// Patients per batch handed to the workers, and batches that may wait for one: as
    /// `mbt score` hands them (`BatchScorer.batchSize`).
    static let batchSize = 32
    static let batchesAhead = 4

    struct ErrorsOutsidePatients: Error { var diagnostics: [Diagnostic] }

    /// The line for a session the store did not take; nil for one it did.
    static func problem(_ verdict: SessionVerdict, recorded: String) -> String? {
        let who = "patient '\(VisibleText.escaped(verdict.entry.patientID))' on \(verdict.entry.date)"
        switch verdict.outcome {
        case .refused(let differences):
            return "\(recorded): error: \(who) differs from the stored session, and was not stored: \(differences.map(VisibleText.escaped).joined(separator: "; ")); to store it as a new revision, keeping the old one, give --amend REASON"
        case .withdrawn:
            return "\(recorded): error: \(who) was withdrawn from the store; to enter it again, give --amend REASON"
        default:
            return nil
        }
    }

    /// The `input` attribute of a scored report (`<report xmlns="urn:musclebalance:report:1">`),
    /// read from the file's first 4 KB; nil when the file is not one.
    static func scoredReportInput(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 4096)
        let n = retryingOnInterrupt { head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
        guard n > 0 else { return nil }
        let text = String(decoding: head[0..<n], as: UTF8.self)
        guard let start = text.range(of: "<report "), let end = text[start.upperBound...].firstIndex(of: ">") else { return nil }
        let tag = String(text[start.lowerBound..<end])
        guard tag.contains("\"urn:musclebalance:report:1\"") else { return nil }
        return SessionInputs.attribute("input", in: tag) ?? ""
    }

    /// SHA-256 of a file's bytes, read in pieces; nil when it cannot be read.
    static func hashFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hash = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n < 0 { return nil }
            if n == 0 { break }
            hash.update(chunk[0..<n])
        }
        return hash.finalHex()
    }
}
