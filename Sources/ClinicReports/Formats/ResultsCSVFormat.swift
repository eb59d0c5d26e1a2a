import FastText
import MuscleBalanceCore

/// `<stem>.results.csv` (`--results-csv`): a row per result and norm (`ResultsCSV`).
public final class ResultsCSVFormat: ReportFormat {
    public let rows: ResultsCSV
    public let fileKind = "results.csv"
    public let header = ResultsCSV.headerLine
    public let footer: [UInt8] = []

    public init(index: ProtocolIndex) {
        rows = ResultsCSV(index: index)
    }

    public func makeRenderer(own: ReportTables?) -> any ReportRenderer {
        Renderer(rows: rows)
    }

    struct Renderer: ReportRenderer {
        let rows: ResultsCSV
        var scratch: [UInt8] = []

        mutating func append(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, onto out: inout ByteBuffer) {
            for case .scored(let score) in entries {
                scratch.removeAll(keepingCapacity: true)
                rows.append(score, to: &scratch)
                out.appendBytes(scratch)
            }
        }
    }
}
