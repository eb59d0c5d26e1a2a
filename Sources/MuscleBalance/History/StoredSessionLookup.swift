import ClinicFiles
import History
import MuscleBalanceCore

/// The sessions the history store holds for a patient of a file being scored (`mbt score
/// --history`): those dated before the file's latest session of the patient and absent from
/// the file, read back from the inputs as entered. Only sessions dated on or before the one
/// reported are used, so re-making an old report later gives the same bytes unless an
/// amendment touched those sessions.
public struct StoredSessionLookup: Sendable {
    public let store: HistoryStore
    public let library: ProtocolLibrary

    public init(store: HistoryStore, library: ProtocolLibrary) {
        self.store = store
        self.library = library
    }

    /// For `BatchScorer.earlierSessions`. A store that cannot be read gives none (the run's
    /// start has already opened and checked it).
    public func earlierSessions(clinic: String, patient: Patient) -> [AssessmentSession] {
        let dates = Set(patient.sessions.compactMap(\.date))
        guard let latest = dates.max(),
            let wanted = try? store.earlierInputs(clinic: clinic, patientID: patient.id, through: latest.description, excluding: Set(dates.map(\.description))),
            let last = wanted.last
        else { return [] }
        var document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"\(SessionInputs.escaped(last.protocolID))\">\n"
        document += last.inputs.patientElement(sessions: wanted.map(\.inputs)) + "</measurements>\n"
        guard let stream = try? MeasurementStream(bytes: Array(document.utf8), url: "history", schema: library.measurementSchema),
            let item = try? stream.next()
        else { return [] }
        // Placed nowhere in the file: no line of it to point at.
        return item.patient.sessions.map { session in
            var s = session
            s.location = SourceLocation(line: 0, element: "session")
            s.measures = s.measures.map { m in
                var m = m
                m.location = SourceLocation(line: 0, element: "measure")
                return m
            }
            return s
        }
    }
}
