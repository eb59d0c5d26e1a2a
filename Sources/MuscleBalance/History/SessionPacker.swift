import History
import MuscleBalanceCore

/// A checked patient's sessions made ready for the history store on a worker thread: the
/// inputs as entered, their hash, and (for a session the store does not already hold as it is)
/// the figures scored and both packed, so that the one thread writing the store only writes.
/// A session the store holds unchanged is not scored (a re-import scored every patient for
/// nothing); if the store changed in between, the writer scores it then (`makeFigures`).
struct SessionPacker: Sendable {
    let clinic: String
    let stamp: ProtocolStamp
    let scorer: BalanceScorer

    /// `stored`: the store's current input hash of each of the patient's sessions, by date
    /// (`HistoryStore.currentHashes`), or nil when unknown. `score`: the patient's score when
    /// the caller has made it already (`mbt score --history`).
    func entries(for patient: Patient, stored: [String: String]?, score made: PatientScore? = nil) -> [SessionEntry] {
        var score = made
        var out: [SessionEntry] = []
        for session in patient.sessions {
            guard let date = session.date else { continue }
            let scorer = scorer
            var entry = SessionEntry(
                clinic: clinic, patientID: patient.id, date: date.description, inputs: SessionInputs(patient: patient, session: session),
                makeFigures: { Self.figures(scorer.score(patient), date) }, protocolStamp: stamp)
            if stored?[entry.date] == entry.inputHash {
                entry.seenUnchanged = true
            } else {
                if score == nil { score = scorer.score(patient) }
                entry.packed = PackedSession(inputs: entry.inputs, figures: Self.figures(score!, date))
            }
            out.append(entry)
        }
        return out
    }

    static func figures(_ score: PatientScore, _ date: CivilDate) -> SessionFigures {
        score.sessions.first(where: { $0.date == date }).map(SessionFigures.init) ?? SessionFigures(figures: [])
    }
}
