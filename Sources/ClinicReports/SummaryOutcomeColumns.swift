import FastText
import MuscleBalanceCore

/// summary.csv's column for each patient-reported outcome instrument of the run's protocol
/// (`--protocol`, or the default one), after `status`: each session's score as the reports
/// give it (ODI `32.0`, NPRS `6`), and for a stratification its risk group (`low`, `medium`,
/// `high`); empty where the session has none or it could not be scored. The columns are the
/// protocol's, known before the first file is read: a file scored by another protocol fills
/// the columns of the instruments it shares with it.
public struct SummaryOutcomeColumns: Sendable {
    struct Column: Sendable {
        var id: String
        var decimals: Int
        var stratification: Bool
    }

    let columns: [Column]

    /// No outcome columns (a protocol without instruments, or none known).
    public static let none = SummaryOutcomeColumns(columns: [])

    init(columns: [Column]) { self.columns = columns }

    public init(_ balanceProtocol: BalanceProtocol?) {
        columns = (balanceProtocol?.instruments ?? []).map { Column(id: $0.id, decimals: $0.decimals, stratification: $0.method == .stratification) }
    }

    /// The columns' names: the instruments' ids.
    public var names: [String] { columns.map(\.id) }

    /// The whole header line of summary.csv with these columns.
    public var headerLine: [UInt8] { Array((SummaryRow.csv(SummaryRow.header + names) + "\n").utf8) }

    /// An empty cell for each column (a row with no session: an error, a file not scored).
    public var empty: [String] { Array(repeating: "", count: columns.count) }

    /// The session's cells, each after a comma.
    func append(_ session: SessionScore, to out: inout [UInt8]) {
        for column in columns {
            out.append(UInt8(ascii: ","))
            guard let score = session.outcomes.first(where: { $0.instrumentID == column.id }) else { continue }
            if column.stratification {
                if let risk = score.risk { out.put(risk.rawValue) }
            } else if let value = score.score {
                appendDecimal(value, digits: column.decimals, to: &out)
            }
        }
    }
}
