import Foundation
import GRDB
import Synchronization

/// A clinic's memory of every visit: one SQLite file (GRDB), in write-ahead-log mode with
/// foreign keys on and a busy timeout, holding each patient session as entered
/// (`SessionInputs`) and as scored (`SessionFigures`), every revision of it, and an audit row for
/// every change (`StoreChange`). Sessions are keyed by clinic, patient id and date. Nothing is
/// ever deleted: an amendment supersedes the current revision, a withdrawal marks it.
public final class HistoryStore: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    /// How long a writer waits for another before giving up with a clear error: another run
    /// holds the store for the whole of a file (one transaction), which for a file of 20,000
    /// patients is a minute or two.
    public static let busySeconds: TimeInterval = 600
    /// The page size of a new store, in bytes (see `init`).
    static let pageSize = 16384

    /// Opens (making it when missing, unless `readOnly`) the store at `path`. Refused: a store
    /// on a network file system (`FileSystemKind`), a file that is not a store, a store made by a
    /// newer mbt.
    /// `waiting` is called once when another run holds the store and this one starts to wait.
    public init(path: String, readOnly: Bool = false, waiting: (@Sendable () -> Void)? = nil) throws(HistoryError) {
        self.path = path
        if !readOnly, let network = FileSystemKind.networkFileSystem(of: path) {
            throw HistoryError("the history store '\(path)' is on \(network), a network file system: SQLite's write-ahead log needs every writer on one machine, and its locks are not reliable there. Keep the store on a local disk of the host that owns it; shards on a cluster read a snapshot (--history-snapshot), and one `mbt history import` after `mbt merge` brings their sessions in")
        }
        var exists = stat()
        if readOnly && stat(path, &exists) != 0 {
            throw HistoryError("there is no history store at '\(path)': import sessions into it first (mbt history import FILE --history \(path))")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // SQLite's own busy handler, with a word when the wait begins: a run that waits silently
        // for minutes looks hung.
        let told = Mutex(false)
        let announce: @Sendable () -> Void = {
            if let waiting, !told.withLock({ t in defer { t = true }; return t }) { waiting() }
        }
        let started = Mutex<Date?>(nil)
        config.busyMode = .callback { tries in
            if tries == 0 {
                started.withLock { $0 = Date() }
                announce()
            }
            guard let since = started.withLock({ $0 }), Date().timeIntervalSince(since) < Self.busySeconds else { return false }
            usleep(20_000)
            return true
        }
        config.readonly = readOnly
        if !readOnly {
            config.journalMode = .wal
            // A session's row (inputs and figures packed) is about 2.1 KB: on SQLite's default
            // 4 KB page one fits, and each page was half empty (3.5 KB a session). On 16 KB
            // pages seven fit (Benchmarks/RESULTS.md, issue 29). Set before the first write,
            // which fixes it; a store made with another page size keeps its own.
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)") }
        }
        config.label = "mbt history"
        // Opening may meet another run opening the same new store: turning a new file to WAL
        // mode needs it alone, and SQLite answers "busy" there without calling the busy
        // handler. So the opening is tried again, for as long as a writer would wait.
        var opened: DatabaseQueue?
        var waited = 0.0
        while opened == nil {
            do {
                opened = try Self.open(path: path, configuration: config, readOnly: readOnly)
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && waited < Self.busySeconds {
                if waited == 0 { announce() }
                usleep(50_000)
                waited += 0.05
            } catch let error as HistoryError {
                throw error
            } catch let error as DatabaseError {
                throw Self.failure(error, path)
            } catch {
                throw HistoryError("cannot open the history store '\(path)': \(error)")
            }
        }
        queue = opened!
    }

    private static func open(path: String, configuration: Configuration, readOnly: Bool) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let migrator = HistorySchema.migrator
        try queue.read { db in
            let known = Set(migrator.migrations)
            let applied = try Self.appliedMigrations(db)
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw HistoryError("the history store '\(path)' was made by a newer mbt (it has '\(unknown)', which this mbt \(MBTVersion.current) does not know); use that mbt, or a newer one")
            }
            if readOnly, applied.isEmpty, try db.tableExists("session") == false {
                throw HistoryError("'\(path)' is an empty database, not a history store made by mbt")
            }
        }
        if !readOnly { try migrate(queue, migrator) }
        return queue
    }

    /// Brings the store's schema up to date. GRDB's migrator reads which migrations are applied
    /// before it takes the write lock for each one: a run that opened a new store just as
    /// another did may wait for the other's migration, then run it a second time ("table change
    /// already exists", seen in CI with two imports at once). So when a migration fails while
    /// another run applied one meanwhile, the applied list is read again and the rest run.
    private static func migrate(_ queue: DatabaseQueue, _ migrator: DatabaseMigrator) throws {
        var tries = 0
        while true {
            let before = try queue.read { try appliedMigrations($0) }
            if before == migrator.migrations { return }
            do {
                try migrator.migrate(queue)
                return
            } catch {
                let after = try queue.read { try appliedMigrations($0) }
                tries += 1
                guard after != before, tries < migrator.migrations.count + 2 else { throw error }
            }
        }
    }

    /// The migrations applied, read without creating GRDB's table in a store opened read-only.
    /// The tables are listed by one statement of its own, never through GRDB's cached schema:
    /// a run that opened a new store while another made its tables was told by the cache that
    /// there were none, and by the listing after it that there were, and refused the store as
    /// "another program's database" (seen in HistoryStoreTests with eight runs at once).
    private static func appliedMigrations(_ db: Database) throws -> [String] {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        guard tables.contains("grdb_migrations") else {
            // A database with tables but none of ours is not a store.
            if !tables.isEmpty { throw HistoryError("'\(db.description)' is an SQLite database, but not a history store made by mbt (it has the tables \(tables.prefix(5).joined(separator: ", ")))") }
            return []
        }
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
    }

    static func failure(_ error: DatabaseError, _ path: String) -> HistoryError {
        switch error.resultCode {
        case .SQLITE_NOTADB: return HistoryError("'\(path)' is not a history store (not an SQLite database); give the store's path, or a new file's")
        case .SQLITE_CORRUPT: return HistoryError("the history store '\(path)' is damaged (\(error.message ?? "corrupt")); restore it from a snapshot (mbt history snapshot) and import the files since")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return HistoryError("the history store '\(path)' is busy: another mbt is writing to it (this one waited up to \(Int(busySeconds) / 60) minutes); try again when it is done")
        case .SQLITE_READONLY: return HistoryError("the history store '\(path)' cannot be written (a read-only file or folder); check its permissions, or use a copy")
        case .SQLITE_CANTOPEN: return HistoryError("cannot open the history store '\(path)': its folder is missing or cannot be written")
        case .SQLITE_FULL: return HistoryError("the disk holding the history store '\(path)' is full: nothing of this file was stored; free some space and import it again")
        case .SQLITE_IOERR: return HistoryError("the history store '\(path)' could not be read or written (\(error.message ?? "I/O error")); nothing of this file was stored")
        default: return HistoryError("the history store '\(path)': \(error.message ?? "\(error)")")
        }
    }

    /// Runs `body` as one transaction taken for writing at once (BEGIN IMMEDIATE): what it does
    /// lands together or not at all.
    func write<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do {
            return try writeRethrowing(body)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError("the history store '\(path)': \(error)")
        }
    }

    /// `write`, letting an error of `body`'s own (not the database's) through as it is.
    func writeRethrowing<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as HistoryError {
            throw error
        } catch let error as DatabaseError {
            throw Self.failure(error, path)
        }
    }

    /// `single`: the body runs one statement, which SQLite reads consistently by itself, so no
    /// transaction is opened around it (a BEGIN and COMMIT for each patient's lookup were a
    /// third of its cost in `mbt score --history`).
    func read<T>(single: Bool = false, _ body: (Database) throws -> T) throws(HistoryError) -> T {
        do {
            return try single ? queue.unsafeRead(body) : queue.read(body)
        } catch let error as HistoryError {
            throw error
        } catch let error as DatabaseError {
            throw Self.failure(error, path)
        } catch {
            throw HistoryError("the history store '\(path)': \(error)")
        }
    }

    // MARK: importing

    /// Stores the sessions of one input file, in one transaction with its audit row: each is
    /// added, found unchanged, amended (with `amend`, a reason) or refused with what differs.
    public func importSessions(_ entries: [SessionEntry], source: ChangeSource, amend: String? = nil) throws(HistoryError) -> [SessionVerdict] {
        var list = entries.makeIterator()
        var verdicts: [SessionVerdict] = []
        do {
            _ = try importSessions(source: source, amend: amend, next: { list.next() }, verdict: { verdicts.append($0) })
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError("the history store '\(path)': \(error)")
        }
        return verdicts
    }

    /// SQLite's `data_version` of this connection: it changes when another connection commits
    /// a change, and only then. Read before other connections look sessions up for a run, it
    /// says later whether what they saw still holds (`importSessions(trustingUnchangedAt:)`).
    public func dataVersion() throws(HistoryError) -> Int {
        do {
            return try queue.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch let error as DatabaseError {
            throw Self.failure(error, path)
        } catch {
            throw HistoryError("the history store '\(path)': \(error)")
        }
    }

    /// `importSessions` streamed: `next` gives the file's sessions one at a time (nil at its
    /// end), `verdict` is told each one's fate as it is stored, so memory holds one session
    /// whatever the file's size. What `next` throws undoes the whole file: it lands together
    /// or not at all. Returns the counts of the audit row.
    ///
    /// `trustingUnchangedAt`: the `dataVersion()` read before the entries were judged. When no
    /// other connection has written since (checked inside the transaction, which no one else
    /// can then enter), an entry `seenUnchanged` is counted unchanged without its lookup: with
    /// every session stored, the lookups were most of a `score --history` run's last,
    /// single-threaded step (Benchmarks/RESULTS.md, issue 29, third round). A write by anyone
    /// else in between, and every entry is looked up again.
    public func importSessions(
        source: ChangeSource, amend: String?, trustingUnchangedAt version: Int? = nil, next: () throws -> SessionEntry?, verdict: (SessionVerdict) -> Void
    ) throws -> ImportCounts {
        try writeRethrowing { db in
            let change = try Self.insertChange(db, source)
            var counts = ImportCounts()
            var protocols = ProtocolRows()
            var trusted = false
            if let version, amend == nil { trusted = try Int.fetchOne(db, sql: "PRAGMA data_version") == version }
            while let entry = try next() {
                if trusted && entry.seenUnchanged {
                    counts.count(.unchanged)
                    verdict(SessionVerdict(entry: entry, outcome: .unchanged))
                    continue
                }
                let v = try Self.store(db, entry, change: change, amend: amend, protocols: &protocols)
                counts.count(v.outcome)
                verdict(v)
            }
            try db.execute(
                sql: "UPDATE change SET added = ?, unchanged = ?, amended = ?, refused = ? WHERE id = ?",
                arguments: [counts.added, counts.unchanged, counts.amended, counts.refused, change])
            return counts
        }
    }

    /// The rows of the protocol table met in one change, so each is looked up once.
    struct ProtocolRows {
        var ids: [ProtocolStamp: Int64] = [:]

        mutating func id(_ db: Database, _ stamp: ProtocolStamp) throws -> Int64 {
            if let id = ids[stamp] { return id }
            let found = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM protocol WHERE protocolID = ? AND version = ? AND hash = ?"), arguments: [stamp.id, stamp.version, stamp.hash])
            let id: Int64
            if let found {
                id = found
            } else {
                try db.cachedStatement(sql: "INSERT INTO protocol (protocolID, version, hash) VALUES (?, ?, ?)").execute(arguments: [stamp.id, stamp.version, stamp.hash])
                id = db.lastInsertedRowID
            }
            ids[stamp] = id
            return id
        }
    }

    /// Inserts a revision of a session, its inputs and figures packed (`Deflated`).
    static func insertSession(
        _ db: Database, patient: Int64, entry: SessionEntry, revision: Int, change: Int64, reason: String?, protocols: inout ProtocolRows
    ) throws {
        var entry = entry
        try entry.pack()
        let packed = entry.packed!
        try db.cachedStatement(
            sql: """
                INSERT INTO session (patient, date, revision, state, inputHash, protocol, madeBy, reason, inputsSize, figuresSize, inputs, figures)
                VALUES (?, ?, ?, 'current', ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            patient, entry.date, revision, entry.inputHash, try protocols.id(db, entry.protocolStamp), change, reason,
            packed.inputsSize, packed.figuresSize, Data(packed.inputs), Data(packed.figures),
        ])
    }

    /// A stored column of packed text, unpacked; a damaged one is an error that says so.
    static func unpacked(_ row: Row, _ column: String) throws -> [UInt8] {
        let data: Data = row[column]
        let size: Int = row[column + "Size"]
        guard let bytes = Deflated.unpack(Array(data), size: size) else {
            throw HistoryError("a session's \(column) in the store is damaged (they do not unpack to their recorded size); restore the store from a snapshot (mbt history snapshot)")
        }
        return bytes
    }

    static func insertChange(_ db: Database, _ source: ChangeSource) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO change (at, mbtVersion, user, command, input, inputHash) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [source.at, source.mbtVersion, source.user, source.command.rawValue, source.input, source.inputHash])
        return db.lastInsertedRowID
    }

    static func patientRow(_ db: Database, clinic: String, patientID: String, create: Bool) throws -> Int64? {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM patient WHERE clinic = ? AND patientID = ?"), arguments: [clinic, patientID]) {
            return id
        }
        guard create else { return nil }
        try db.cachedStatement(sql: "INSERT INTO patient (clinic, patientID) VALUES (?, ?)").execute(arguments: [clinic, patientID])
        return db.lastInsertedRowID
    }

    static func store(_ db: Database, _ entry: SessionEntry, change: Int64, amend: String?, protocols: inout ProtocolRows) throws -> SessionVerdict {
        let patient = try patientRow(db, clinic: entry.clinic, patientID: entry.patientID, create: true)!
        let latest = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, revision, state, inputHash FROM session WHERE patient = ? AND date = ? ORDER BY revision DESC LIMIT 1"),
            arguments: [patient, entry.date])
        var revision = 1
        if let latest {
            let state: String = latest["state"]
            let storedHash: String = latest["inputHash"]
            revision = (latest["revision"] as Int) + 1
            if state == "current" && storedHash == entry.inputHash {
                return SessionVerdict(entry: entry, outcome: .unchanged)
            }
            guard let amend else {
                if state == "withdrawn" {
                    return SessionVerdict(entry: entry, outcome: .withdrawn)
                }
                let stored = try Row.fetchOne(db, sql: "SELECT inputs, inputsSize FROM session WHERE id = ?", arguments: [latest["id"] as Int64])!
                let differences = entry.inputs.differences(from: SessionInputs(bytes: try unpacked(stored, "inputs")))
                return SessionVerdict(entry: entry, outcome: .refused(differences: differences))
            }
            if state == "current" {
                try db.execute(
                    sql: "UPDATE session SET state = 'superseded', endedBy = ?, endReason = ? WHERE id = ?",
                    arguments: [change, amend, latest["id"] as Int64])
            }
        }
        try insertSession(db, patient: patient, entry: entry, revision: revision, change: change, reason: latest == nil ? nil : amend, protocols: &protocols)
        return SessionVerdict(entry: entry, outcome: latest == nil ? .added : .amended(revision: revision))
    }

    // MARK: merging

    /// Folds the current sessions of `other` (another site's or host's store) into this one by
    /// the import's rules: a session already here unchanged, a new one added, one that differs
    /// refused with what differs (never overwritten). One transaction, one audit row (`merge`).
    public func merge(from other: HistoryStore, verdict: (SessionVerdict) -> Void) throws -> ImportCounts {
        let clinics = try other.clinicsAndPatients()
        var queue: [SessionEntry] = []
        var patients = clinics.flatMap { c in c.patients.map { (c.clinic, $0) } }.makeIterator()
        let source = ChangeSource(command: .merge, input: other.path, inputHash: SHA256.hex(other.path.utf8))
        return try importSessions(source: source, amend: nil, next: {
            while queue.isEmpty {
                guard let (clinic, id) = patients.next() else { return nil }
                queue = try other.currentSessions(clinic: clinic, patientID: id).map { s in
                    SessionEntry(
                        clinic: clinic, patientID: id, date: s.date, inputs: s.inputs, figures: s.figures,
                        protocolStamp: ProtocolStamp(id: s.protocolID, version: s.protocolVersion, hash: s.protocolHash))
                }
            }
            return queue.removeFirst()
        }, verdict: verdict)
    }

    // MARK: re-scoring

    /// The protocol stamp of each current session of a patient, by date.
    public func protocolStamps(clinic: String, patientID: String) throws(HistoryError) -> [String: String] {
        try read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT s.date, r.hash FROM session s JOIN patient p ON p.id = s.patient JOIN protocol r ON r.id = s.protocol WHERE p.clinic = ? AND p.patientID = ? AND s.state = 'current'", arguments: [clinic, patientID]) {
                out[row["date"]] = row["hash"]
            }
            return out
        }
    }

    /// Stores each entry (inputs as stored, figures from another protocol) as a new revision of
    /// its session, the one before superseded with `reason`: a re-score is logged, never silent.
    /// One transaction with its audit row (command `rescore`).
    public func rescore(_ entries: [SessionEntry], reason: String, source: ChangeSource) throws(HistoryError) -> Int {
        try write { db in
            let change = try Self.insertChange(db, source)
            var done = 0
            var protocols = ProtocolRows()
            for entry in entries {
                guard let patient = try Self.patientRow(db, clinic: entry.clinic, patientID: entry.patientID, create: false),
                    let current = try Row.fetchOne(db, sql: "SELECT id, revision, inputHash FROM session WHERE patient = ? AND date = ? AND state = 'current'", arguments: [patient, entry.date]),
                    current["inputHash"] as String == entry.inputHash
                else { continue }
                try db.execute(sql: "UPDATE session SET state = 'superseded', endedBy = ?, endReason = ? WHERE id = ?", arguments: [change, reason, current["id"] as Int64])
                try Self.insertSession(db, patient: patient, entry: entry, revision: (current["revision"] as Int) + 1, change: change, reason: reason, protocols: &protocols)
                done += 1
            }
            try db.execute(sql: "UPDATE change SET amended = ? WHERE id = ?", arguments: [done, change])
            return done
        }
    }

    // MARK: withdrawing

    /// Marks the current revision of a session withdrawn (kept, never shown as current), with the
    /// reason, in an audit row of its own. False when there is no such current session.
    public func retract(clinic: String, patientID: String, date: String, reason: String, source: ChangeSource) throws(HistoryError) -> Bool {
        try write { db in
            guard let patient = try Self.patientRow(db, clinic: clinic, patientID: patientID, create: false),
                let session = try Int64.fetchOne(db, sql: "SELECT id FROM session WHERE patient = ? AND date = ? AND state = 'current'", arguments: [patient, date])
            else { return false }
            let change = try Self.insertChange(db, source)
            try db.execute(sql: "UPDATE session SET state = 'withdrawn', endedBy = ?, endReason = ? WHERE id = ?", arguments: [change, reason, session])
            try db.execute(sql: "UPDATE change SET withdrawn = 1 WHERE id = ?", arguments: [change])
            return true
        }
    }

    // MARK: reading

    /// The clinics that have a patient with this id.
    public func clinics(of patientID: String) throws(HistoryError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT clinic FROM patient WHERE patientID = ? ORDER BY clinic", arguments: [patientID]) }
    }

    /// The current sessions of a patient, oldest first.
    public func currentSessions(clinic: String, patientID: String, through date: String? = nil) throws(HistoryError) -> [StoredSession] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.date, s.revision, r.protocolID, r.version, r.hash, s.inputs, s.inputsSize, s.figures, s.figuresSize
                    FROM session s JOIN patient p ON p.id = s.patient JOIN protocol r ON r.id = s.protocol
                    WHERE p.clinic = ? AND p.patientID = ? AND s.state = 'current' AND (? IS NULL OR s.date <= ?) ORDER BY s.date
                    """,
                arguments: [clinic, patientID, date, date])
            return try rows.map { row in
                StoredSession(
                    clinic: clinic, patientID: patientID, date: row["date"], revision: row["revision"], inputs: SessionInputs(bytes: try Self.unpacked(row, "inputs")),
                    figures: SessionFigures(bytes: try Self.unpacked(row, "figures")), protocolID: row["protocolID"], protocolVersion: row["version"], protocolHash: row["hash"])
            }
        }
    }

    /// Every clinic in the store, and the ids of its patients with a current session, in the
    /// order they were first stored.
    public func clinicsAndPatients() throws(HistoryError) -> [(clinic: String, patients: [String])] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT clinic, patientID FROM patient p WHERE EXISTS (SELECT 1 FROM session s WHERE s.patient = p.id AND s.state = 'current') ORDER BY p.id")
            var out: [(clinic: String, patients: [String])] = []
            var index: [String: Int] = [:]
            for row in rows {
                let clinic: String = row["clinic"]
                if let at = index[clinic] {
                    out[at].patients.append(row["patientID"])
                } else {
                    index[clinic] = out.count
                    out.append((clinic, [row["patientID"]]))
                }
            }
            return out
        }
    }

    /// The inputs of a patient's current sessions dated on or before `through` and not in
    /// `excluding`, oldest first, with the protocol each was scored with: what `mbt score
    /// --history` adds to a file's patient. One indexed query, and no figure read: a score of
    /// 20,000 patients asks it 20,000 times.
    public func earlierInputs(clinic: String, patientID: String, through: String, excluding: Set<String>) throws(HistoryError) -> [(date: String, protocolID: String, inputs: SessionInputs)] {
        try read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT s.date, r.protocolID, s.inputs, s.inputsSize FROM session s JOIN patient p ON p.id = s.patient JOIN protocol r ON r.id = s.protocol
                    WHERE p.clinic = ? AND p.patientID = ? AND s.state = 'current' AND s.date <= ? ORDER BY s.date
                    """),
                arguments: [clinic, patientID, through])
            return try rows.compactMap { row in
                let date: String = row["date"]
                guard !excluding.contains(date) else { return nil }
                return (date, row["protocolID"], SessionInputs(bytes: try Self.unpacked(row, "inputs")))
            }
        }
    }

    /// A patient's current sessions as `mbt score --history` needs them, in one indexed query
    /// asked once per patient: each one's date, input hash (is the file's session the stored
    /// one?) and protocol, and its inputs, unpacked only when `wanted` says so (an earlier
    /// session the file lacks), oldest first.
    public func currentInputs(clinic: String, patientID: String, wanted: (String) -> Bool) throws(HistoryError) -> [(date: String, inputHash: String, protocolID: String, inputs: SessionInputs?)] {
        try read(single: true) { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT s.date, s.inputHash, r.protocolID, s.inputs, s.inputsSize FROM session s JOIN patient p ON p.id = s.patient JOIN protocol r ON r.id = s.protocol
                    WHERE p.clinic = ? AND p.patientID = ? AND s.state = 'current' ORDER BY s.date
                    """),
                arguments: [clinic, patientID])
            var out: [(date: String, inputHash: String, protocolID: String, inputs: SessionInputs?)] = []
            while let row = try rows.next() {
                let date: String = row["date"]
                out.append((date, row["inputHash"], row["protocolID"], wanted(date) ? SessionInputs(bytes: try Self.unpacked(row, "inputs")) : nil))
            }
            return out
        }
    }

    /// The input hash of each current session of a patient, by date: whether a session read
    /// again is unchanged, known before it is scored (a worker asks, on a connection of its own).
    public func currentHashes(clinic: String, patientID: String) throws(HistoryError) -> [String: String] {
        try read(single: true) { db in
            var out: [String: String] = [:]
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT s.date, s.inputHash FROM session s JOIN patient p ON p.id = s.patient WHERE p.clinic = ? AND p.patientID = ? AND s.state = 'current'"),
                arguments: [clinic, patientID])
            while let row = try rows.next() { out[row[0]] = row[1] }
            return out
        }
    }

    /// Every change, oldest first.
    public func changes() throws(HistoryError) -> [StoreChange] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM change ORDER BY id").map {
                StoreChange(
                    id: $0["id"], at: $0["at"], mbtVersion: $0["mbtVersion"], user: $0["user"], command: $0["command"], input: $0["input"], inputHash: $0["inputHash"],
                    added: $0["added"], unchanged: $0["unchanged"], amended: $0["amended"], refused: $0["refused"], withdrawn: $0["withdrawn"])
            }
        }
    }

    /// How many sessions the store holds, and how many of them are current.
    public func counts() throws(HistoryError) -> (patients: Int, sessions: Int, current: Int) {
        try read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM session") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM session WHERE state = 'current'") ?? 0)
        }
    }

    // MARK: upkeep

    /// SQLite's integrity and foreign-key checks, and the store's own rules; empty when sound.
    public func check() throws(HistoryError) -> [String] {
        try read { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems += integrity.map { "integrity: \($0)" } }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                problems.append("foreign key: a row of \(row[0] as String? ?? "?") points at a missing \(row[2] as String? ?? "?")")
            }
            let doubled = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT patient, date FROM session WHERE state = 'current' GROUP BY patient, date HAVING count(*) > 1)") ?? 0
            if doubled > 0 { problems.append("\(doubled) sessions have more than one current revision") }
            let rows = try Row.fetchCursor(db, sql: "SELECT id, inputs, inputsSize, figures, figuresSize, inputHash FROM session")
            while let row = try rows.next() {
                let id: Int64 = row["id"]
                guard let inputs = Deflated.unpack(Array(row["inputs"] as Data), size: row["inputsSize"]) else {
                    problems.append("session \(id): its inputs do not unpack to their recorded size")
                    continue
                }
                if SessionInputs(bytes: inputs).hash != row["inputHash"] as String { problems.append("session \(id): its inputs do not match their hash") }
                if Deflated.unpack(Array(row["figures"] as Data), size: row["figuresSize"]) == nil {
                    problems.append("session \(id): its figures do not unpack to their recorded size")
                }
            }
            return problems
        }
    }

    /// A consistent, read-only copy of the store in one file (`VACUUM INTO`), for shards on a
    /// cluster or a backup; refuses to write over an existing file.
    public func snapshot(to output: String) throws(HistoryError) {
        var info = stat()
        if stat(output, &info) == 0 { throw HistoryError("'\(output)' exists: a snapshot is written to a new file") }
        do {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [output]) }
        } catch let error as DatabaseError {
            unlink(output)
            throw Self.failure(error, output)
        } catch {
            unlink(output)
            throw HistoryError("cannot write the snapshot '\(output)': \(error)")
        }
        chmod(output, 0o444)
    }
}
