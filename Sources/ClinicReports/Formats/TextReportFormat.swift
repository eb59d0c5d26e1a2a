import FastText
import MuscleBalanceCore

/// `<stem>.report.txt`: the printable 80-column report, a patient a page (form feeds between).
public final class TextReportFormat: ReportFormat {
    public let tables: TextReport.Tables
    let clinic: String?
    let input: String
    public let fileKind = "report.txt"
    public let header: [UInt8] = []
    public let footer: [UInt8] = []
    public let batchSeparator: [UInt8] = [0x0C]

    public init(tables: TextReport.Tables, input: String, clinic: String?) {
        self.tables = tables
        self.clinic = clinic
        self.input = input
    }

    /// Each renderer a report of its own: the text report's footnote cache is for one thread
    /// (two workers rendering through one cache corrupted its dictionary).
    public func makeRenderer(own: ReportTables?) -> any ReportRenderer {
        // The clinic's name is on every page: a worker's own copy too.
        let clinic = own == nil ? clinic : clinic.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        return Renderer(report: TextReport(tables: own?.text ?? tables, clinic: clinic, input: input))
    }

    public struct Renderer: ReportRenderer {
        public let report: TextReport

        public func append(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, onto out: inout ByteBuffer) {
            for (n, entry) in entries.enumerated() {
                if n > 0 { out.append(0x0C) }  // a form feed: each patient on a new page
                switch entry {
                case .scored(let score): report.render(score, onto: &out)
                case .skipped(let id, let line, let reason): report.renderSkipped(patientID: id, line: line, reason: reason, onto: &out)
                }
            }
        }
    }
}
