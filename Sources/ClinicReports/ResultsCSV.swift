import FastText
import MuscleBalanceCore

/// `<name>.results.csv`: one row per result and norm (a result with no usable norm has one row
/// saying why), for people who work in spreadsheets. Escaped as summary.csv is (`SummaryRow`):
/// no control character from a file reaches a spreadsheet live, and no cell starts a formula.
public struct ResultsCSV: Sendable {
    public static let header = [
        "patient", "session", "test", "side", "value", "unit", "norm", "z", "percentile",
        "percent_of_norm", "grade", "source",
    ]

    private let units: [String]
    private let sourceTags: [String: String]
    private let instruments: [String: OutcomeInstrument]

    public init(index: ProtocolIndex) {
        units = index.balanceProtocol.tests.map(\.unit.rawValue)
        instruments = Dictionary(index.balanceProtocol.instruments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var tags: [String: String] = [:]
        for source in index.balanceProtocol.sources { tags[source.id] = source.kind.rawValue }
        sourceTags = tags
    }

    /// The header line.
    public static var headerLine: [UInt8] { Array((SummaryRow.csv(header) + "\n").utf8) }

    /// The rows of every session of `score`.
    public func append(_ score: PatientScore, to out: inout [UInt8]) {
        for session in score.sessions {
            let date = session.date.description
            for result in session.results {
                let side = result.side?.rawValue ?? ""
                let testUnit = result.testIndex < units.count ? units[result.testIndex] : ""
                if result.comparisons.isEmpty {
                    let reason = result.noReference.map { "no reference: \($0.reason)" } ?? "no reference"
                    row([score.patientID, date, result.testID, side, decimal(result.value, digits: 2), testUnit, reason, "", "", "", "", ""], &out)
                    continue
                }
                for c in result.comparisons {
                    let unit: String
                    switch c.unit {
                    case .absolute(let u): unit = u.rawValue
                    case .percentOfBodyWeight: unit = "%BW"
                    }
                    var norm = c.stratum.label
                    var z = "", percentile = "", percent = ""
                    switch c.outcome {
                    case .meanSD(let mean, let sd, _, let zValue, let percentOfMean, let p):
                        norm = "mean \(decimal(mean, digits: 2)) SD \(decimal(sd, digits: 2)), \(norm)"
                        z = decimal(zValue, digits: 2)
                        percentile = decimal(p, digits: 1)
                        percent = percentOfMean.map { decimal($0, digits: 1) } ?? ""
                    case .cutoff(let label, _):
                        norm = "cut-off \(label), \(norm)"
                    case .percentiles(let p, let beyond, let median, let percentOfMedian):
                        norm = (median.map { "median \(decimal($0, digits: 2)), " } ?? "") + norm
                        percentile = p.map { decimal($0, digits: 1) } ?? beyond ?? ""
                        percent = percentOfMedian.map { decimal($0, digits: 1) } ?? ""
                    }
                    row([score.patientID, date, result.testID, side, decimal(c.value, digits: 2), unit, norm, z, percentile, percent, c.grade?.rawValue ?? "", cited(c.sources)], &out)
                }
            }
            for outcome in session.outcomes { outcomeRow(outcome, patient: score.patientID, date: date, &out) }
        }
    }

    /// A patient-reported outcome's row, after the session's results, as `history export
    /// --format csv` has it: the instrument's id as the test, unit `score`, the score as the
    /// reports give it, the band or risk group as the grade; in the norm column what else the
    /// reports say of it (items answered, a total as entered, the subscale, recovered), or
    /// "not scored" with the reason; its sources.
    private func outcomeRow(_ outcome: OutcomeScore, patient: String, date: String, _ out: inout [UInt8]) {
        guard let instrument = instruments[outcome.instrumentID] else { return }
        var sources = instrument.sources.ids
        guard let score = outcome.score else {
            row([patient, date, outcome.instrumentID, "", "", "score", "not scored: " + (outcome.notScored ?? ""), "", "", "", "", cited(sources)], &out)
            return
        }
        var said: [String] = []
        if let answered = outcome.answered, instrument.method != .stratification, answered < instrument.items.count {
            said.append("\(answered) of \(instrument.items.count) answered")
        }
        if outcome.enteredAsTotal { said.append("the total as entered") }
        if let subscale = outcome.subscale { said.append("subscale \(subscale)") }
        if outcome.recovered == true, let rule = instrument.recovered {
            said.append("recovered")
            sources += rule.sources.ids.filter { !sources.contains($0) }
        }
        let grade = outcome.risk.map { "\($0.rawValue) risk" } ?? outcome.band ?? ""
        row([patient, date, outcome.instrumentID, "", decimal(score, digits: instrument.decimals), "score", said.joined(separator: "; "), "", "", "", grade, cited(sources)], &out)
    }

    /// Source ids with their tags: `kamper-2010 (abstract)`.
    private func cited(_ ids: [String]) -> String {
        ids.map { id in sourceTags[id].map { "\(id) (\($0))" } ?? id }.joined(separator: "; ")
    }

    private func row(_ fields: [String], _ out: inout [UInt8]) {
        out.append(contentsOf: (SummaryRow.csv(fields) + "\n").utf8)
    }
}
