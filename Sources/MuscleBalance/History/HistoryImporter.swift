import ClinicFiles
import FastText
import History
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#endif

/// A patient's score, made on first use.
final class LazyScore {
    private var made: PatientScore?
    private let make: () -> PatientScore
    init(_ make: @escaping () -> PatientScore) { self.make = make }
    var value: PatientScore {
        if let made { return made }
        let score = make()
        made = score
        return score
    }
}

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
        let scorer = BalanceScorer(index: rules.index)
        let clinic = stream.header.clinic ?? ""
        // Sessions of the patient being read, handed to the store one at a time.
        var pending: [SessionEntry] = []
        var problems: [String] = []
        var skipped = 0
        struct ErrorsOutsidePatients: Error { var diagnostics: [Diagnostic] }
        let next: () throws -> SessionEntry? = {
            while pending.isEmpty {
                guard let item = try stream.next() else {
                    // As `mbt score` refuses such a file, none of it is stored: the transaction
                    // is undone.
                    let loose = stream.looseProblems.filter { $0.severity == .error }
                    if !loose.isEmpty { throw ErrorsOutsidePatients(diagnostics: loose) }
                    return nil
                }
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
                // Scored once, and only when a session of the patient is stored.
                let patient = item.patient
                let score = LazyScore { scorer.score(patient) }
                for session in patient.sessions {
                    guard let date = session.date else { continue }
                    pending.append(SessionEntry(
                        clinic: clinic, patientID: patient.id, date: date.description, inputs: SessionInputs(patient: patient, session: session),
                        makeFigures: { score.value.sessions.first(where: { $0.date == date }).map(SessionFigures.init) ?? SessionFigures(figures: []) },
                        protocolStamp: stamp))
                }
            }
            return pending.removeFirst()
        }
        do {
            let source = ChangeSource(command: command, input: recorded, inputHash: fileHash)
            outcome.counts = try store.importSessions(source: source, amend: amend, next: next) { verdict in
                let who = "patient '\(VisibleText.escaped(verdict.entry.patientID))' on \(verdict.entry.date)"
                switch verdict.outcome {
                case .refused(let differences):
                    problems.append("\(recorded): error: \(who) differs from the stored session, and was not stored: \(differences.map(VisibleText.escaped).joined(separator: "; ")); to store it as a new revision, keeping the old one, give --amend REASON")
                case .withdrawn:
                    problems.append("\(recorded): error: \(who) was withdrawn from the store; to enter it again, give --amend REASON")
                default: break
                }
            }
        } catch let error as HistoryError {
            outcome.failure = "\(recorded): error: nothing of the file was stored: \(error.message)"
            outcome.unreadable = error.unusable
        } catch let error as ErrorsOutsidePatients {
            outcome.failure = (error.diagnostics.map(\.description) + ["\(recorded): error: nothing of the file was stored: it has errors outside any patient"]).joined(separator: "\n")
        } catch let error as ClinicFileStream.Failure {
            outcome.failure = (error.diagnostics.map(\.description) + ["\(recorded): error: nothing of the file was stored"]).joined(separator: "\n")
            outcome.unreadable = error.unreadable
        } catch {
            outcome.failure = "\(recorded): error: nothing of the file was stored: \(error)"
        }
        outcome.problems = problems
        outcome.skippedPatients = skipped
        return outcome
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
