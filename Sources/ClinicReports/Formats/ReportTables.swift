import MuscleBalanceCore

/// What the formats build once per protocol and share between files and threads: the
/// protocol's index and each report's fixed text (made per file, they cost a 10-patient file
/// as much as scoring two of its patients).
public final class ReportTables: Sendable {
    public let index: ProtocolIndex
    public let xml: ReportXML.Tables
    public let text: TextReport.Tables

    public init(index: ProtocolIndex) {
        self.index = index
        xml = ReportXML.Tables(index: index)
        text = TextReport.Tables(index: index)
    }
}
