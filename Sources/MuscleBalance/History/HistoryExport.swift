import ClinicReports
import FastText
import History
import MuscleBalanceCore

/// The store's current sessions given back (`mbt history export`): as a measurement file that
/// scores to the same reports as the files they came from, or as CSV, one row per result. A
/// patient at a time, so memory does not grow with the store.
public enum HistoryExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv, measurements
    }

    public struct Selection: Sendable {
        public var clinic: String?
        public var patientID: String?
        /// Sessions on or after this day only.
        public var since: CivilDate?

        public init(clinic: String? = nil, patientID: String? = nil, since: CivilDate? = nil) {
            self.clinic = clinic
            self.patientID = patientID
            self.since = since
        }
    }

    public static let csvHeader = "clinic,patient_id,session_date,revision,protocol,protocol_version,test,side,value,unit,z,grade"

    /// Writes the export through `write`, a piece at a time; returns the sessions written.
    @discardableResult
    public static func write(_ store: HistoryStore, format: Format, selection: Selection, _ write: (String) throws -> Void) throws -> Int {
        var clinics = try store.clinicsAndPatients()
        if let clinic = selection.clinic {
            clinics = clinics.filter { $0.clinic == clinic }
            guard !clinics.isEmpty else { throw HistoryError("no clinic '\(clinic)' in the history store '\(store.path)'", unusable: false) }
        }
        if let id = selection.patientID {
            clinics = clinics.map { ($0.clinic, $0.patients.filter { $0 == id }) }.filter { !$0.patients.isEmpty }
            guard !clinics.isEmpty else { throw HistoryError("no patient '\(id)' in the history store '\(store.path)'", unusable: false) }
        }
        if format == .measurements && clinics.count > 1 {
            throw HistoryError("the store holds \(clinics.count) clinics (\(clinics.map { "'\($0.clinic)'" }.joined(separator: ", "))); a measurement file is of one: say which with --clinic", unusable: false)
        }
        var written = 0
        if format == .csv { try write(csvHeader + "\n") }
        for (clinic, patients) in clinics {
            var opened = false
            for id in patients {
                var sessions = try store.currentSessions(clinic: clinic, patientID: id)
                if let since = selection.since { sessions = sessions.filter { CivilDate($0.date).map { !($0 < since) } ?? true } }
                guard !sessions.isEmpty else { continue }
                written += sessions.count
                switch format {
                case .measurements:
                    if !opened {
                        var head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"\(SessionInputs.escaped(sessions[sessions.count - 1].protocolID))\""
                        if !clinic.isEmpty { head += " clinic=\"\(SessionInputs.escaped(clinic))\"" }
                        try write(head + ">\n")
                        opened = true
                    }
                    try write(sessions[0].inputs.patientElement(sessions: sessions.map(\.inputs)))
                case .csv:
                    var out = ""
                    for session in sessions {
                        for f in session.figures.figures where f.kind == "result" {
                            let fields = [
                                clinic, id, session.date, String(session.revision), session.protocolID, session.protocolVersion, f.key, f.side,
                                f.value.map { fixed($0, 3) } ?? "", f.unit ?? "", f.z.map { fixed($0, 3) } ?? "", f.grade ?? "",
                            ]
                            out += SummaryRow.csv(fields) + "\n"
                        }
                    }
                    try write(out)
                }
            }
            if opened { try write("</measurements>\n") }
        }
        if format == .measurements && written == 0 {
            throw HistoryError("no current session matches: nothing to export", unusable: false)
        }
        return written
    }
}
