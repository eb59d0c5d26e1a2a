import ClinicReports
import FastText
import History
import MuscleBalanceCore

/// The store's current sessions given back (`mbt history export`): as a measurement file that
/// scores to the same reports as the files they came from, or as CSV, one row per result. A
/// patient at a time, so memory does not grow with the store.
public enum HistoryExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv, measurements, fhir
    }

    /// HIPAA's Safe Harbor method (45 CFR 164.514(b)(2)) for a CSV export: each patient id
    /// replaced by a code from a key file kept apart (new patients get new random codes, added
    /// to the key), every date by the days since the patient's first exported session, the age
    /// at the session in years with every age over 89 written 90+, and the clinic, the assessor
    /// and free text left out.
    public final class Deidentification {
        /// (clinic, patient id) -> code, as the key file holds them, and those added by this run.
        public private(set) var codes: [String: String] = [:]
        public private(set) var added: [(clinic: String, patientID: String, code: String)] = []
        private var used: Set<String> = []

        public static let keyHeader = "clinic,patient_id,code"

        /// From the key file's text (its rows as written by `keyText`).
        public init(key: String) throws(HistoryError) {
            for (n, line) in key.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                if n == 0 {
                    guard line == Self.keyHeader else { throw HistoryError("the key file does not start with '\(Self.keyHeader)': it is not a key mbt wrote", unusable: false) }
                    continue
                }
                let fields = Self.fields(String(line))
                guard fields.count == 3 else { throw HistoryError("line \(n + 1) of the key file is not clinic,patient_id,code", unusable: false) }
                codes[fields[0] + "\u{0}" + fields[1]] = fields[2]
                used.insert(fields[2])
            }
        }

        func code(clinic: String, patientID: String) -> String {
            if let known = codes[clinic + "\u{0}" + patientID] { return known }
            var code: String
            repeat {
                code = "P" + String(UInt64.random(in: 0..<(1 << 40)), radix: 16, uppercase: true).leftPadded(10)
            } while used.contains(code)
            used.insert(code)
            codes[clinic + "\u{0}" + patientID] = code
            added.append((clinic, patientID, code))
            return code
        }

        /// The key file after this run: the rows read, then the codes added.
        public func keyText(previous: String) -> String {
            var out = previous.isEmpty ? Self.keyHeader + "\n" : (previous.hasSuffix("\n") ? previous : previous + "\n")
            for a in added { out += SummaryRow.csv([a.clinic, a.patientID, a.code]) + "\n" }
            return out
        }

        /// A key line's fields (quoted as `SummaryRow.csv` quotes them).
        static func fields(_ line: String) -> [String] {
            var fields: [String] = [], field = "", quoted = false, previousQuote = false
            for c in line {
                if quoted {
                    if c == "\"" { quoted = false; previousQuote = true } else { field.append(c) }
                } else if c == "\"" {
                    if previousQuote { field.append("\"") }
                    quoted = true
                    previousQuote = false
                } else if c == "," {
                    fields.append(field)
                    field = ""
                    previousQuote = false
                } else {
                    field.append(c)
                    previousQuote = false
                }
            }
            fields.append(field)
            return fields
        }
    }

    public static let deidentifiedHeader = "code,day,age,revision,protocol,protocol_version,test,side,value,unit,z,grade"

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
    public static func write(_ store: HistoryStore, format: Format, selection: Selection, deidentify: Deidentification? = nil, _ write: (String) throws -> Void) throws -> Int {
        precondition(format != .fhir, "FHIR Bundles are made by writeFHIR, which scores the sessions again")
        if deidentify != nil && format != .csv {
            throw HistoryError("--deidentify writes CSV only: a measurement file needs the real dates", unusable: false)
        }
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
        if format == .csv { try write((deidentify == nil ? csvHeader : deidentifiedHeader) + "\n") }
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
                case .csv where deidentify != nil:
                    let code = deidentify!.code(clinic: clinic, patientID: id)
                    let first = CivilDate(sessions[0].date)
                    var out = ""
                    for session in sessions {
                        let date = CivilDate(session.date)
                        var day = "", age = ""
                        if let first, let date { day = String(date.daysSinceEpoch - first.daysSinceEpoch) }
                        if let date, let birth = SessionInputs.attribute("birthDate", in: session.inputs.lines.first?.text ?? "").flatMap({ CivilDate($0) }) {
                            let years = date.age(bornOn: birth)
                            age = years > 89 ? "90+" : String(years)
                        }
                        // Results, then patient-reported outcomes (the instrument in `test`,
                        // unit `score`, its band or risk group as the grade).
                        for f in session.figures.figures where f.kind == "result" || f.kind == "outcome" {
                            let fields = [
                                code, day, age, String(session.revision), session.protocolID, session.protocolVersion, f.key, f.side,
                                f.value.map { fixed($0, 3) } ?? "", f.kind == "outcome" ? "score" : f.unit ?? "", f.z.map { fixed($0, 3) } ?? "", f.grade ?? "",
                            ]
                            out += SummaryRow.csv(fields) + "\n"
                        }
                    }
                    try write(out)
                case .fhir:
                    break
                case .csv:
                    var out = ""
                    for session in sessions {
                        for f in session.figures.figures where f.kind == "result" || f.kind == "outcome" {
                            let fields = [
                                clinic, id, session.date, String(session.revision), session.protocolID, session.protocolVersion, f.key, f.side,
                                f.value.map { fixed($0, 3) } ?? "", f.kind == "outcome" ? "score" : f.unit ?? "", f.z.map { fixed($0, 3) } ?? "", f.grade ?? "",
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

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
