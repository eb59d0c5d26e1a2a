import BatchEngine
import ClinicFiles
import History
import Locks
import MuscleBalanceCore

/// The history store inside a `mbt score` run (`--history`, or `--history-snapshot` read-only).
/// On the worker that scores a patient, the patient's current sessions in the store are read
/// once: those dated before the file's latest session of the patient and absent from the file
/// are added to it (progress across files), and the input hash of each tells whether the
/// file's session is already stored as it is. When the run's sessions are to be stored, each
/// is packed there too, from the score the reports use (`SessionPacker`); a file's entries are
/// kept (`SpilledRecords`) until its reports are written, then stored in one transaction
/// (`storeFile`). Only sessions dated on or before the one reported are used, so re-making an
/// old report later gives the same bytes unless an amendment touched those sessions.
public final class ScoreHistory: Sendable {
    public let store: HistoryStore
    let library: ProtocolLibrary
    /// Whether the run's sessions go into the store (`--history`), not only read (a snapshot).
    public let storing: Bool
    /// Read-only connections lent to the workers: the store's own connection is the writer's,
    /// and a file's transaction holds it while other files are scored.
    private let readers = Locked<[HistoryStore]>([])
    /// The SHA-256 of each protocol file used, by path.
    private let protocolHashes = Locked<[String: String]>([:])
    /// The store's `dataVersion()` before any patient was looked up: while no other
    /// connection writes, what the workers found unchanged is counted so without a lookup.
    private let versionAtStart: Int?

    public init(store: HistoryStore, library: ProtocolLibrary, storing: Bool) {
        self.store = store
        self.library = library
        self.storing = storing
        versionAtStart = storing ? try? store.dataVersion() : nil
    }

    /// Runs `body` with a read-only connection of its own (the store's, when none can be made).
    private func reading<T>(_ body: (HistoryStore) -> T) -> T {
        let lent = readers.withLock { $0.popLast() } ?? (try? HistoryStore(path: store.path, readOnly: true))
        guard let lent else { return body(store) }
        defer { readers.withLock { $0.append(lent) } }
        return body(lent)
    }

    /// What the store holds for one patient of a file: the earlier sessions to add, and the
    /// input hash of each current session by date. A store that cannot be read gives none (the
    /// run's start has already opened and checked it).
    func stored(clinic: String, patient: Patient) -> (earlier: [AssessmentSession], hashes: [String: String]) {
        let dates = Set(patient.sessions.compactMap { $0.date?.description })
        guard let latest = dates.max() else { return ([], [:]) }
        let wantedDate: (String) -> Bool = { $0 <= latest && !dates.contains($0) }
        guard let rows = reading({ try? $0.currentInputs(clinic: clinic, patientID: patient.id, wanted: wantedDate) }) else { return ([], [:]) }
        var hashes: [String: String] = [:]
        for row in rows { hashes[row.date] = row.inputHash }
        let wanted = rows.filter { $0.inputs != nil }
        guard let last = wanted.last, let lastInputs = last.inputs else { return ([], hashes) }
        var document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"\(SessionInputs.escaped(last.protocolID))\">\n"
        document += lastInputs.patientElement(sessions: wanted.compactMap(\.inputs)) + "</measurements>\n"
        guard let stream = try? MeasurementStream(bytes: Array(document.utf8), url: "history", schema: library.measurementSchema),
            let item = try? stream.next()
        else { return ([], hashes) }
        // Placed nowhere in the file: no line of it to point at.
        let earlier = item.patient.sessions.map { session in
            var s = session
            s.location = SourceLocation(line: 0, element: "session")
            s.measures = s.measures.map { m in
                var m = m
                m.location = SourceLocation(line: 0, element: "measure")
                return m
            }
            return s
        }
        return (earlier, hashes)
    }

    /// The stamp of the protocol file at `path`: its id, version and hash, hashed once a run.
    func stamp(_ balanceProtocol: BalanceProtocol, path: String) -> ProtocolStamp {
        let hash = protocolHashes.withLock { known in
            if let hash = known[path] { return hash }
            let hash = HistoryImporter.hashFile(path) ?? ""
            known[path] = hash
            return hash
        }
        return ProtocolStamp(id: balanceProtocol.id, version: balanceProtocol.version, hash: hash)
    }

    /// Stores one scored file's entries (`records`) in one transaction with its audit row
    /// (command `score`), after its reports are written.
    func storeFile(_ records: SpilledRecords, input path: String, recorded: String) -> HistoryImporter.FileOutcome {
        var outcome = HistoryImporter.FileOutcome()
        guard let fileHash = HistoryImporter.hashFile(path) else {
            outcome.failure = "\(recorded): error: nothing of the file was stored: it cannot be read again to record its hash"
            return outcome
        }
        struct Damaged: Error, CustomStringConvertible {
            var description: String { "a session kept for the store until the reports were written was damaged in its temporary file" }
        }
        var problems: [String] = []
        do {
            let reader = records.makeReader()
            outcome.counts = try store.importSessions(
                source: ChangeSource(command: .score, input: recorded, inputHash: fileHash), amend: nil, trustingUnchangedAt: versionAtStart,
                next: {
                    guard let record = try reader.next() else { return nil }
                    guard let entry = SessionEntry(record: record) else { throw Damaged() }
                    return entry
                }
            ) { verdict in
                if let problem = HistoryImporter.problem(verdict, recorded: recorded) { problems.append(problem) }
            }
        } catch let error as HistoryError {
            outcome.failure = "\(recorded): error: nothing of the file was stored: \(error.message)"
            outcome.unreadable = error.unusable
        } catch {
            outcome.failure = "\(recorded): error: nothing of the file was stored: \(error)"
        }
        outcome.problems = problems
        return outcome
    }
}
