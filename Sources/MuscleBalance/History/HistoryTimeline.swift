import ClinicFiles
import ClinicReports
import MBXML
import FastText
import History
import MuscleBalanceCore

/// A patient's course of care from the store (`mbt history show`): per test and side, every
/// current session's value, z and grade, and its change against the visit before and against
/// the baseline (the first stored session), with the protocol's verdict on the minimal
/// detectable change and the days between. The stored inputs are scored again by the core,
/// so the verdicts are the ones a report gives.
public struct HistoryTimeline: Sendable {
    public struct Row: Sendable, Equatable {
        public var testID: String
        public var side: BodySide?
        public var unit: String
        public var date: CivilDate
        public var value: Double
        public var z: Double?
        public var grade: Grade?
        public var sincePrevious: Change?
        public var sinceBaseline: Change?
    }

    public struct Change: Sendable, Equatable {
        public var amount: Double
        /// Of the earlier value; nil when that is 0.
        public var percent: Double?
        public var days: Int
        public var verdict: ProgressItem.Verdict
    }

    /// One patient-reported outcome at one visit, against the instrument's previous score and
    /// its first (the baseline), judged by the instrument's change rule.
    public struct OutcomeRow: Sendable, Equatable {
        public var instrumentID: String
        public var name: String
        public var date: CivilDate
        public var score: Double
        /// The band, or a stratification's risk group.
        public var band: String?
        public var sincePrevious: OutcomeStep?
        public var sinceBaseline: OutcomeStep?
    }

    public struct OutcomeStep: Sendable, Equatable {
        public var amount: Double
        /// The improvement as a percentage of the earlier score; nil when that is 0.
        public var percentImproved: Double?
        public var days: Int
        public var verdict: OutcomeChange.Verdict
    }

    public var clinic: String
    public var patientID: String
    public var rows: [Row]
    public var outcomeRows: [OutcomeRow] = []

    /// The timeline of `patientID` (in `clinic`, or the one clinic that has the id), through
    /// `test` alone when given.
    public static func make(store: HistoryStore, library: ProtocolLibrary, patientID: String, clinic: String?, test: String? = nil) throws(HistoryError) -> HistoryTimeline {
        let clinics = try store.clinics(of: patientID)
        guard !clinics.isEmpty else { throw HistoryError("no patient '\(patientID)' in the history store '\(store.path)'", unusable: false) }
        let chosen: String
        if let clinic {
            guard clinics.contains(clinic) else {
                throw HistoryError("patient '\(patientID)' is in the store for \(clinics.map { "'\($0)'" }.joined(separator: ", ")), not for '\(clinic)'", unusable: false)
            }
            chosen = clinic
        } else {
            guard clinics.count == 1 else {
                throw HistoryError("patient id '\(patientID)' is in the store for \(clinics.count) clinics (\(clinics.map { "'\($0)'" }.joined(separator: ", "))): two patients; say which with --clinic", unusable: false)
            }
            chosen = clinics[0]
        }
        let stored = try store.currentSessions(clinic: chosen, patientID: patientID)
        guard let latest = stored.last else { throw HistoryError("patient '\(patientID)' has no current session in the store (all withdrawn)", unusable: false) }
        let loaded = library.load(path: library.path(forProtocolID: latest.protocolID))
        guard let balanceProtocol = loaded.balanceProtocol else {
            throw HistoryError("the protocol '\(latest.protocolID)' the sessions were scored with cannot be loaded; pass --protocol FILE")
        }
        let document = measurementDocument(protocolID: latest.protocolID, clinic: chosen, sessions: stored)
        let patient: Patient
        do {
            let stream = try MeasurementStream(bytes: Array(document.utf8), url: "history", schema: library.measurementSchema)
            guard let item = try stream.next() else { throw HistoryError("the stored sessions of '\(patientID)' do not read back") }
            patient = item.patient
        } catch let error as HistoryError {
            throw error
        } catch let error as XMLReadError {
            throw HistoryError("the stored sessions of '\(patientID)' do not read back: \(error.diagnostics.first?.message ?? "")")
        } catch {
            throw HistoryError("the stored sessions of '\(patientID)' do not read back: \(error)")
        }
        let scorer = BalanceScorer(protocol: balanceProtocol)
        let score = scorer.score(patient)
        var rows: [Row] = []
        guard let baseline = score.sessions.first else { return HistoryTimeline(clinic: chosen, patientID: patientID, rows: []) }
        for (index, session) in score.sessions.enumerated() {
            let previous = index > 0 ? score.sessions[index - 1] : nil
            let againstPrevious = previous.map { scorer.progress(from: $0.results, to: session.results, sex: patient.sex) } ?? []
            let againstBaseline = index > 0 ? scorer.progress(from: baseline.results, to: session.results, sex: patient.sex) : []
            for result in session.results where test == nil || result.testID == test {
                func change(_ items: [ProgressItem], since: CivilDate?) -> Change? {
                    guard let since, let item = items.first(where: { $0.testID == result.testID && $0.side == result.side }) else { return nil }
                    return Change(
                        amount: item.change, percent: item.previous != 0 ? item.change / item.previous * 100 : nil,
                        days: session.date.daysSinceEpoch - since.daysSinceEpoch, verdict: item.verdict)
                }
                rows.append(Row(
                    testID: result.testID, side: result.side, unit: result.unit.dimension.canonicalUnit.rawValue, date: session.date, value: result.value,
                    z: result.z, grade: result.grade, sincePrevious: change(againstPrevious, since: previous?.date),
                    sinceBaseline: index > 0 ? change(againstBaseline, since: baseline.date) : nil))
            }
        }
        // Each instrument's scores in date order, against its previous and its first score.
        var outcomeRows: [OutcomeRow] = []
        for instrument in balanceProtocol.instruments where test == nil || test == instrument.id {
            var first: (OutcomeScore, CivilDate)?
            var last: (OutcomeScore, CivilDate)?
            for session in score.sessions {
                guard let outcome = session.outcomes.first(where: { $0.instrumentID == instrument.id }), let value = outcome.score else { continue }
                func step(_ from: (OutcomeScore, CivilDate)?) -> OutcomeStep? {
                    guard let (before, when) = from, let c = OutcomeScoring.change(from: before, to: outcome, by: instrument) else { return nil }
                    return OutcomeStep(amount: c.change, percentImproved: c.percentImproved, days: session.date.daysSinceEpoch - when.daysSinceEpoch, verdict: c.verdict)
                }
                outcomeRows.append(OutcomeRow(
                    instrumentID: instrument.id, name: instrument.name, date: session.date, score: value, band: outcome.risk.map { "\($0.rawValue) risk" } ?? outcome.band,
                    sincePrevious: step(last), sinceBaseline: last == nil ? nil : step(first)))
                if first == nil { first = (outcome, session.date) }
                last = (outcome, session.date)
            }
        }
        // By test and side, each in date order.
        let order = Dictionary(balanceProtocol.tests.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        rows.sort { a, b in
            let ka = (order[a.testID] ?? Int.max, a.side?.rawValue ?? ""), kb = (order[b.testID] ?? Int.max, b.side?.rawValue ?? "")
            if ka != kb { return ka < kb }
            return a.date < b.date
        }
        return HistoryTimeline(clinic: chosen, patientID: patientID, rows: rows, outcomeRows: outcomeRows)
    }

    /// A measurement file holding the stored sessions (as entered) of one patient.
    public static func measurementDocument(protocolID: String, clinic: String, sessions: [StoredSession]) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"\(SessionInputs.escaped(protocolID))\""
        if !clinic.isEmpty { out += " clinic=\"\(SessionInputs.escaped(clinic))\"" }
        out += ">\n"
        out += sessions.first?.inputs.patientElement(sessions: sessions.map(\.inputs)) ?? ""
        return out + "</measurements>\n"
    }

    // MARK: text and CSV

    /// As a clinician reads it: a block per test and side.
    public func text() -> String {
        var out = "Course of care: patient \(VisibleText.escaped(patientID))\(clinic.isEmpty ? "" : ", \(VisibleText.escaped(clinic))")\n"
        var lastKey: String?
        for row in rows {
            let key = row.testID + (row.side.map { " \($0.rawValue)" } ?? "")
            if key != lastKey {
                out += "\n\(row.testID)\(row.side.map { ", \($0.rawValue)" } ?? "") (\(row.unit))\n"
                out += "  " + "date".padding(10) + "  " + Self.pad("value", 8) + "  " + Self.pad("z", 6) + "  " + "grade".padding(8) + "  " + "since previous".padding(35) + "  since baseline\n"
                lastKey = key
            }
            out += "  \(row.date)  " + Self.pad(Self.number(row.value, 1), 8) + "  " + Self.pad(row.z.map { Self.number($0, 2) } ?? "-", 6)
            out += "  " + (row.grade?.rawValue ?? "-").padding(8) + "  " + Self.describe(row.sincePrevious).padding(35) + "  " + Self.describe(row.sinceBaseline) + "\n"
        }
        var lastInstrument: String?
        for row in outcomeRows {
            if row.instrumentID != lastInstrument {
                out += "\n\(row.name) (\(row.instrumentID), patient-reported)\n"
                out += "  " + "date".padding(10) + "  " + Self.pad("score", 8) + "  " + "band".padding(22) + "  " + "since previous".padding(35) + "  since baseline\n"
                lastInstrument = row.instrumentID
            }
            out += "  \(row.date)  " + Self.pad(shortestDecimalText(row.score), 8) + "  " + (row.band ?? "-").padding(22)
            out += "  " + Self.describe(row.sincePrevious).padding(35) + "  " + Self.describe(row.sinceBaseline) + "\n"
        }
        return out
    }

    public static let csvHeader = "clinic,patient_id,test,side,unit,date,value,z,grade,change_since_previous,percent_since_previous,days_since_previous,verdict_since_previous,change_since_baseline,percent_since_baseline,days_since_baseline,verdict_since_baseline"

    public func csv() -> String {
        var out = Self.csvHeader + "\n"
        for row in rows {
            var fields = [clinic, patientID, row.testID, row.side?.rawValue ?? "", row.unit, row.date.description, Self.number(row.value, 3), row.z.map { Self.number($0, 3) } ?? "", row.grade?.rawValue ?? ""]
            for change in [row.sincePrevious, row.sinceBaseline] {
                fields += [change.map { Self.number($0.amount, 3) } ?? "", change?.percent.map { Self.number($0, 1) } ?? "", change.map { String($0.days) } ?? "", change?.verdict.rawValue ?? ""]
            }
            out += SummaryRow.csv(fields) + "\n"
        }
        // The outcomes in the same columns: the instrument as the test, unit "score", the band
        // or risk group as the grade, the percentage as an improvement.
        for row in outcomeRows {
            var fields = [clinic, patientID, row.instrumentID, "", "score", row.date.description, Self.number(row.score, 3), "", row.band ?? ""]
            for step in [row.sincePrevious, row.sinceBaseline] {
                fields += [step.map { Self.number($0.amount, 3) } ?? "", step?.percentImproved.map { Self.number($0, 1) } ?? "", step.map { String($0.days) } ?? "", step?.verdict.rawValue ?? ""]
            }
            out += SummaryRow.csv(fields) + "\n"
        }
        return out
    }

    static func describe(_ step: OutcomeStep?) -> String {
        guard let step else { return "-" }
        let sign = step.amount > 0 ? "+" : ""
        let percent = step.percentImproved.map { " (\(number(abs($0), 1))% \($0 >= 0 ? "better" : "worse"))" } ?? ""
        let verdict: String
        switch step.verdict {
        case .improved: verdict = "improved"
        case .worsened: verdict = "worsened"
        case .withinChange: verdict = "within"
        case .noRule: verdict = ""
        }
        return "\(sign)\(shortestDecimalText(step.amount))\(step.verdict == .noRule ? "" : percent) \(step.days) d \(verdict)".trimmingSpaces
    }

    static func describe(_ change: Change?) -> String {
        guard let change else { return "-" }
        let sign = change.amount > 0 ? "+" : ""
        let percent = change.percent.map { " (\($0 > 0 ? "+" : "")\(number($0, 1))%)" } ?? ""
        let verdict: String
        switch change.verdict {
        case .improved: verdict = "improved"
        case .worsened: verdict = "worsened"
        case .withinMDC: verdict = "within MDC"
        case .noMDC: verdict = "no MDC"
        }
        return "\(sign)\(number(change.amount, 1))\(percent) \(change.days) d \(verdict)"
    }

    /// A figure to `digits` decimals, as the reports round (half away from zero on the decimal).
    static func number(_ value: Double, _ digits: Int) -> String {
        fixed(value, digits)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
