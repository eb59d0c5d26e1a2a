import FastText
import MBXML
import MuscleBalanceCore

/// `<stem>.report.html` (`--html`): the page a stylesheet makes of the XML report, a batch of
/// patients at a time (`ReportStylesheet`): the frame once, then each batch's blocks from its
/// XML fragment, so memory stays flat whatever the number of patients.
public final class HTMLPageFormat: ReportFormat {
    public let stylesheet: ReportStylesheet
    /// The XML report's header and footer, around each batch's fragment.
    let xmlHeader: [UInt8]
    let xmlFooter: [UInt8]
    let url: String
    public let fileKind = "report.html"
    public let needsXML = true
    /// The page before the first patient and after the last.
    public let header: [UInt8]
    public let footer: [UInt8]

    public init(stylesheet: ReportStylesheet, xml: XMLReportFormat, url: String) throws {
        self.stylesheet = stylesheet
        xmlHeader = xml.header
        xmlFooter = xml.footer
        self.url = url
        (header, footer) = try stylesheet.frame(header: xml.header, footer: xml.footer, url: url)
    }

    public func makeRenderer(own: ReportTables?) -> any ReportRenderer { Renderer(format: self) }

    struct Renderer: ReportRenderer {
        let format: HTMLPageFormat

        func append(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, onto out: inout ByteBuffer) throws {
            guard !entries.isEmpty else { return }
            // The page's blocks of the whole batch in one transformation.
            out.appendBytes(try format.stylesheet.blocks(header: format.xmlHeader, fragment: xml, footer: format.xmlFooter, url: format.url))
        }
    }
}
