import FastText
import MuscleBalanceCore

/// `<stem>.report.xml`: every figure with the inputs behind it (`ReportXML`, report.xsd).
public final class XMLReportFormat: ReportFormat {
    public let tables: ReportXML.Tables
    public let fileKind = "report.xml"
    public let header: [UInt8]
    public let footer: [UInt8]

    public init(tables: ReportXML.Tables, input: String, clinic: String?) {
        self.tables = tables
        var writer = ReportXML(tables: tables)
        header = writer.header(input: input, clinic: clinic)
        footer = writer.footer()
    }

    public func makeRenderer(own: ReportTables?) -> any ReportRenderer {
        Renderer(writer: ReportXML(tables: own?.xml ?? tables))
    }

    /// A class: the XML writer is not copyable (one writer whose buffer each patient is taken
    /// out of).
    final class Renderer: ReportRenderer {
        var writer: ReportXML

        init(writer: consuming ReportXML) {
            self.writer = writer
        }

        func append(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, onto out: inout ByteBuffer) {
            for entry in entries {
                switch entry {
                case .scored(let score): writer.patient(score, onto: &out)
                case .skipped(let id, let line, let reason): writer.skipped(patientID: id, line: line, reason: reason, onto: &out)
                }
            }
        }
    }
}
