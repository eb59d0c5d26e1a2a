import Foundation
import Synchronization
import History
import MuscleBalanceCore
import TestSupport
import Testing

/// The history store's rules, each on real SQLite files on disk, read back by the `sqlite3`
/// shell where it can say something mbt could not (a second client).
@Suite("History store")
struct HistoryStoreTests {
    let scratch = Scratch("history-store")

    static let here = SourceLocation(line: 1, element: "patient")

    static func patient(id: String = "LK-0101", birth: String = "1980-01-01", sessions: [(String, Double, Double)]) -> Patient {
        Patient(
            id: id, sex: .male, birthDate: CivilDate(birth), bodyMassKg: 82, heightCm: 180,
            conditions: [PatientCondition(code: "hypertension", location: here)],
            sessions: sessions.map { date, left, right in
                AssessmentSession(
                    date: CivilDate(date), dateText: date, assessor: "J. Okafor", bloodPressure: BloodPressure(systolic: 128, diastolic: 82),
                    measures: [
                        Measure(test: "hip-abduction-strength", side: .left, unit: .newton, unitText: "N", value: nil, trials: [left, left + 2], note: nil, location: here),
                        Measure(test: "hip-abduction-strength", side: .right, unit: .newton, unitText: "N", value: right, trials: [], note: "pain-free", location: here),
                    ],
                    location: here)
            },
            location: here)
    }

    static func entries(_ patient: Patient, clinic: String = "Riverside") -> [SessionEntry] {
        patient.sessions.map { session in
            SessionEntry(
                clinic: clinic, patientID: patient.id, date: session.dateText, inputs: SessionInputs(patient: patient, session: session),
                figures: SessionFigures(figures: [.init(kind: "result", key: "hip-abduction-strength", side: "left", value: session.measures.first { $0.side == .left }?.trials.first, unit: "N", z: -1.2, grade: "mild")]),
                protocolStamp: ProtocolStamp(id: "lumbopelvic-balance", version: "1.0", hash: "abc"))
        }
    }

    func store(_ name: String = "store") throws -> (HistoryStore, String) {
        let path = try scratch.directory(name) + "/history.sqlite"
        return (try HistoryStore(path: path), path)
    }

    static func source(_ input: String = "visits.xml") -> ChangeSource {
        ChangeSource(command: .import, input: input, inputHash: SHA256.hex(input.utf8), at: "2026-12-05T10:00:00Z", user: "tester", mbtVersion: "test")
    }

    func sqlite3(_ path: String, _ sql: String) throws -> String {
        let shell = try #require(findExecutable("sqlite3"), "sqlite3 is not installed (apt-get install sqlite3)")
        let result = try run(shell, ["-readonly", path, sql])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test("importing the same sessions again changes nothing: every one unchanged, no row added but the audit's")
    func idempotent() throws {
        let (store, path) = try store()
        let entries = Self.entries(Self.patient(sessions: [("2026-09-01", 145, 210), ("2026-10-06", 175, 212)]))
        #expect(try store.importSessions(entries, source: Self.source()).map(\.outcome) == [.added, .added])
        #expect(try store.importSessions(entries, source: Self.source()).map(\.outcome) == [.unchanged, .unchanged])
        #expect(try sqlite3(path, "SELECT count(*) FROM session; SELECT CAST(sqlar_uncompress(figures, figuresSize) AS TEXT) FROM session ORDER BY id; SELECT added, unchanged FROM change ORDER BY id;")
            == "2\nresult\thip-abduction-strength\tleft\t145\tN\t-1.2\tmild\t\n\nresult\thip-abduction-strength\tleft\t175\tN\t-1.2\tmild\t\n\n2|0\n0|2\n")
        // The same patient entered with its conditions and measures in another order is the same input.
        var shuffled = Self.patient(sessions: [("2026-09-01", 145, 210)])
        shuffled.sessions[0].measures.reverse()
        #expect(try store.importSessions(Self.entries(shuffled), source: Self.source()).map(\.outcome) == [.unchanged])
    }

    @Test("figures read back as stored: tabs, line breaks and backslashes in a finding's words kept")
    func figuresText() {
        let figures = SessionFigures(figures: [
            .init(kind: "finding", key: "gluteus medius", side: "left", grade: "moderate", text: "left gluteus medius weak:\t31%\\ asymmetry\nz = -1.80"),
            .init(kind: "result", key: "sit-and-reach", value: 0.30000000000000004, unit: "cm", z: -0.5),
        ])
        #expect(SessionFigures(text: figures.text) == figures)
        #expect(figures.text.split(separator: "\n").count == 2)
    }

    /// `importSessions(trustingUnchangedAt:)` streamed over `entries`.
    static func importTrusting(_ store: HistoryStore, _ entries: [SessionEntry], version: Int?) throws -> [SessionVerdict.Outcome] {
        var list = entries.makeIterator()
        var outcomes: [SessionVerdict.Outcome] = []
        _ = try store.importSessions(source: source(), amend: nil, trustingUnchangedAt: version, next: { list.next() }) { outcomes.append($0.outcome) }
        return outcomes
    }

    @Test("a session seen unchanged by a reader is taken as unchanged only while no other connection has written")
    func seenUnchangedTrustedUntilAnotherWrite() throws {
        let (store, path) = try store()
        _ = try store.importSessions(Self.entries(Self.patient(sessions: [("2026-09-01", 145, 210)])), source: Self.source())
        // The word of a reader that saw the session stored as it is, here given for inputs that
        // differ: with no write since, the store takes it without a lookup (so it says unchanged).
        var differing = Self.entries(Self.patient(sessions: [("2026-09-01", 148, 210)]))[0]
        differing.seenUnchanged = true
        let version = try store.dataVersion()
        #expect(try Self.importTrusting(store, [differing], version: version) == [.unchanged])
        // Its own writes do not count as another's: the version holds after them.
        #expect(try store.dataVersion() == version)
        // Another connection writes (an amendment): now every entry is looked up, and the
        // same word no longer stands against what the store holds.
        let other = try HistoryStore(path: path)
        let amended = Self.entries(Self.patient(sessions: [("2026-09-01", 150, 210)]))
        #expect(try other.importSessions(amended, source: Self.source("fixed.xml"), amend: "re-tested").map(\.outcome) == [.amended(revision: 2)])
        #expect(try store.dataVersion() != version)
        guard case .refused(let why)? = try Self.importTrusting(store, [differing], version: version).first else {
            Issue.record("a session changed by another connection was not looked up")
            return
        }
        #expect(why.count == 1 && why[0].contains("<trial>150</trial>"))
        // Without a version, nothing is taken on trust.
        guard case .refused? = try Self.importTrusting(store, [differing], version: nil).first else {
            Issue.record("taken on trust with no version")
            return
        }
        // A record keeps the word (`mbt score --history` spills entries to a file).
        #expect(SessionEntry(record: differing.record)?.seenUnchanged == true)
        #expect(SessionEntry(record: amended[0].record)?.seenUnchanged == false)
    }

    @Test("a changed session is refused with what differs, the rest of the file stored; --amend keeps both revisions with the reason")
    func changedAndAmended() throws {
        let (store, path) = try store()
        _ = try store.importSessions(Self.entries(Self.patient(sessions: [("2026-09-01", 145, 210)])), source: Self.source())
        // The same day with another left reading, and a new visit.
        let changed = Self.entries(Self.patient(sessions: [("2026-09-01", 148, 210), ("2026-10-06", 175, 212)]))
        let verdicts = try store.importSessions(changed, source: Self.source())
        guard case .refused(let differences) = verdicts[0].outcome else { Issue.record("\(verdicts[0].outcome)"); return }
        #expect(differences == ["measure hip-abduction-strength left: was <measure test=\"hip-abduction-strength\" side=\"left\" unit=\"N\"><trial>145</trial><trial>147</trial></measure>, now <measure test=\"hip-abduction-strength\" side=\"left\" unit=\"N\"><trial>148</trial><trial>150</trial></measure>"])
        #expect(verdicts[1].outcome == .added)
        let amended = try store.importSessions([changed[0]], source: Self.source("fixed.xml"), amend: "left re-tested: the first trial was a slip")
        #expect(amended.map(\.outcome) == [.amended(revision: 2)])
        #expect(try sqlite3(path, "SELECT revision, state, reason, endReason FROM session WHERE date = '2026-09-01' ORDER BY revision;")
            == "1|superseded||left re-tested: the first trial was a slip\n2|current|left re-tested: the first trial was a slip|\n")
        // A patient whose birth date differs is a changed session too.
        let other = Self.entries(Self.patient(birth: "1981-01-01", sessions: [("2026-10-06", 175, 212)]))
        guard case .refused(let why) = try store.importSessions(other, source: Self.source())[0].outcome else { Issue.record("not refused"); return }
        #expect(why.count == 1 && why[0].hasPrefix("patient: was <patient id=\"LK-0101\" sex=\"male\" birthDate=\"1980-01-01\""))
        #expect(try store.currentSessions(clinic: "Riverside", patientID: "LK-0101").map(\.date) == ["2026-09-01", "2026-10-06"])
    }

    @Test("a withdrawn session is kept, never current; importing it again needs --amend")
    func withdrawn() throws {
        let (store, path) = try store()
        let entries = Self.entries(Self.patient(sessions: [("2026-09-01", 145, 210), ("2026-10-06", 175, 212)]))
        _ = try store.importSessions(entries, source: Self.source())
        let source = ChangeSource(command: .retract, input: "LK-0101 2026-09-01", inputHash: "x", at: "2026-12-05T11:00:00Z", user: "tester", mbtVersion: "test")
        #expect(try store.retract(clinic: "Riverside", patientID: "LK-0101", date: "2026-09-01", reason: "wrong patient", source: source))
        #expect(try store.retract(clinic: "Riverside", patientID: "LK-0101", date: "2026-09-01", reason: "again", source: source) == false)
        #expect(try store.currentSessions(clinic: "Riverside", patientID: "LK-0101").map(\.date) == ["2026-10-06"])
        #expect(try store.importSessions([entries[0]], source: Self.source()).map(\.outcome) == [.withdrawn])
        #expect(try store.importSessions([entries[0]], source: Self.source(), amend: "it was his after all").map(\.outcome) == [.amended(revision: 2)])
        #expect(try sqlite3(path, "SELECT revision, state, endReason FROM session WHERE date = '2026-09-01' ORDER BY revision; SELECT count(*) FROM change WHERE command = 'retract';")
            == "1|withdrawn|wrong patient\n2|current|\n1\n")
    }

    @Test("the same patient id in two clinics is two patients")
    func twoClinics() throws {
        let (store, _) = try store()
        let patient = Self.patient(sessions: [("2026-09-01", 145, 210)])
        _ = try store.importSessions(Self.entries(patient, clinic: "Riverside"), source: Self.source())
        let other = Self.patient(birth: "1955-03-03", sessions: [("2026-09-01", 90, 95)])
        #expect(try store.importSessions(Self.entries(other, clinic: "Hillside"), source: Self.source()).map(\.outcome) == [.added])
        #expect(try store.clinics(of: "LK-0101") == ["Hillside", "Riverside"])
    }

    @Test("a file is one transaction: an error half-way leaves nothing of it, not even its audit row")
    func oneTransaction() throws {
        let (store, path) = try store()
        let entries = Self.entries(Self.patient(sessions: [("2026-09-01", 145, 210), ("2026-10-06", 175, 212)]))
        struct Broken: Error {}
        var given = 0
        #expect(throws: Broken.self) {
            _ = try store.importSessions(source: Self.source(), amend: nil, next: {
                given += 1
                if given == 2 { throw Broken() }
                return entries[0]
            }, verdict: { _ in })
        }
        #expect(try sqlite3(path, "SELECT count(*) FROM session; SELECT count(*) FROM change;") == "0\n0\n")
    }

    @Test("what cannot be a store is refused with the reason: not SQLite, another database, a newer mbt's, on a network file system, missing when read")
    func refusals() throws {
        let folder = try scratch.directory("refusals")
        try "not a database at all, just text that is long enough to be read as a header".write(toFile: folder + "/text.sqlite", atomically: true, encoding: .utf8)
        #expect(throws: HistoryError.self) { try HistoryStore(path: folder + "/text.sqlite") }
        do { _ = try HistoryStore(path: folder + "/text.sqlite") } catch { #expect(error.message.contains("is not a history store (not an SQLite database)"), "\(error.message)") }
        let shell = try #require(findExecutable("sqlite3"))
        _ = try run(shell, [folder + "/other.sqlite", "CREATE TABLE invoices (id INTEGER);"])
        do { _ = try HistoryStore(path: folder + "/other.sqlite"); Issue.record("another database opened") } catch {
            #expect(error.message.contains("not a history store made by mbt (it has the tables invoices)"), "\(error.message)")
        }
        _ = try HistoryStore(path: folder + "/newer.sqlite")
        _ = try run(shell, [folder + "/newer.sqlite", "INSERT INTO grdb_migrations VALUES ('v9-from-the-future');"])
        do { _ = try HistoryStore(path: folder + "/newer.sqlite"); Issue.record("a newer store opened") } catch {
            #expect(error.message.contains("was made by a newer mbt (it has 'v9-from-the-future'"), "\(error.message)")
        }
        do { _ = try HistoryStore(path: folder + "/missing.sqlite", readOnly: true); Issue.record("a missing store opened") } catch {
            #expect(error.message.contains("there is no history store at"), "\(error.message)")
        }
        setenv("MBT_HISTORY_ASSUME_FILESYSTEM", "nfs4", 1)
        defer { unsetenv("MBT_HISTORY_ASSUME_FILESYSTEM") }
        do { _ = try HistoryStore(path: folder + "/nfs.sqlite"); Issue.record("a store on NFS opened") } catch {
            #expect(error.message.contains("is on NFS, a network file system"), "\(error.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/nfs.sqlite"))
    }

    @Test("the file system of a path is the longest mount point above it")
    func mountOfPath() {
        let mounts = [("/", "ext4"), ("/mnt/clinic", "nfs4"), ("/mnt/clinic-local", "xfs")]
        #expect(FileSystemKind.type(of: "/mnt/clinic/store", mounts: mounts.map { (point: $0.0, type: $0.1) }) == "nfs4")
        #expect(FileSystemKind.type(of: "/mnt/clinic-local/store", mounts: mounts.map { (point: $0.0, type: $0.1) }) == "xfs")
        #expect(FileSystemKind.type(of: "/home/x", mounts: mounts.map { (point: $0.0, type: $0.1) }) == "ext4")
    }

    @Test("check finds a tampered session; a snapshot is whole, read-only, and never written over a file")
    func checkAndSnapshot() throws {
        let (store, path) = try store()
        _ = try store.importSessions(Self.entries(Self.patient(sessions: [("2026-09-01", 145, 210)])), source: Self.source())
        #expect(try store.check() == [])
        let snapshot = try scratch.directory("snap") + "/copy.sqlite"
        try store.snapshot(to: snapshot)
        #expect(try sqlite3(snapshot, "SELECT count(*) FROM session; PRAGMA integrity_check;") == "1\nok\n")
        #expect(access(snapshot, W_OK) != 0 || getuid() == 0)
        #expect(throws: HistoryError.self) { try store.snapshot(to: snapshot) }
        let shell = try #require(findExecutable("sqlite3"))
        // The stored inputs, changed by another client through SQLite's own archive functions.
        _ = try run(shell, [path, "UPDATE session SET inputs = sqlar_compress(CAST(replace(CAST(sqlar_uncompress(inputs, inputsSize) AS TEXT), '145', '154') AS BLOB));"])
        #expect(try store.check() == ["session 1: its inputs do not match their hash"])
        _ = try run(shell, [path, "UPDATE session SET figuresSize = figuresSize + 1;"])
        #expect(try store.check() == ["session 1: its inputs do not match their hash", "session 1: its figures do not unpack to their recorded size"])
    }

    @Test("runs opening one new store at once: every one opens it, the schema made once")
    func openingANewStoreAtOnce() throws {
        // GRDB's migrator reads what is applied before its transaction: the run that waited
        // must read it again, not make the tables a second time ("table change already exists",
        // seen in CI with two `mbt history import` runs).
        for trial in 0..<25 {
            let path = try scratch.directory("race-\(trial)") + "/history.sqlite"
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { _ = try HistoryStore(path: path) } catch { failures.withLock { $0.append("\(error)") } }
            }
            #expect(failures.withLock { $0 } == [], "trial \(trial)")
            #expect(try sqlite3(path, "SELECT count(*) FROM grdb_migrations;") == "1\n")
        }
    }
}
