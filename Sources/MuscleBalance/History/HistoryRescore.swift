import ClinicFiles
import History
import MuscleBalanceCore

/// `mbt history rescore`: the stored inputs scored again under the protocol file as it is now,
/// for every current session scored with another version of it (its file's hash differs). Each
/// becomes a new revision with the reason, the one before kept: a new protocol version never
/// changes a stored figure silently.
public enum HistoryRescore {
    public struct Outcome: Sendable {
        public var rescored = 0
        public var patients = 0
    }

    public static func run(store: HistoryStore, library: ProtocolLibrary, protocolPath: String?, source: (String) -> ChangeSource) throws(HistoryError) -> Outcome {
        var outcome = Outcome()
        var entries: [SessionEntry] = []
        var reason = ""
        for (clinic, patients) in try store.clinicsAndPatients() {
            for id in patients {
                let sessions = try store.currentSessions(clinic: clinic, patientID: id)
                guard let latest = sessions.last else { continue }
                let path = protocolPath ?? library.path(forProtocolID: latest.protocolID)
                guard let balanceProtocol = library.load(path: path).balanceProtocol, let hash = HistoryImporter.hashFile(path) else {
                    throw HistoryError("the protocol '\(latest.protocolID)' (\(path)) cannot be loaded; fix it or pass --protocol FILE")
                }
                let stamps = try store.protocolStamps(clinic: clinic, patientID: id)
                guard stamps.values.contains(where: { $0 != hash }) else { continue }
                let document = HistoryTimeline.measurementDocument(protocolID: balanceProtocol.id, clinic: clinic, sessions: sessions)
                guard let stream = try? MeasurementStream(bytes: Array(document.utf8), url: "history", schema: library.measurementSchema),
                    let item = try? stream.next()
                else { throw HistoryError("the stored sessions of '\(id)' do not read back") }
                let score = BalanceScorer(protocol: balanceProtocol).score(item.patient)
                let stamp = ProtocolStamp(id: balanceProtocol.id, version: balanceProtocol.version, hash: hash)
                reason = "re-scored with protocol \(balanceProtocol.id) \(balanceProtocol.version) (file sha256 \(hash.prefix(12)))"
                outcome.patients += 1
                for (stored, session) in zip(sessions, item.patient.sessions) where stamps[stored.date] != hash {
                    guard let date = session.date, let scored = score.sessions.first(where: { $0.date == date }) else { continue }
                    entries.append(SessionEntry(
                        clinic: clinic, patientID: id, date: stored.date, inputs: stored.inputs, figures: SessionFigures(scored), protocolStamp: stamp))
                }
            }
        }
        guard !entries.isEmpty else { return outcome }
        outcome.rescored = try store.rescore(entries, reason: reason, source: source(reason))
        return outcome
    }
}
