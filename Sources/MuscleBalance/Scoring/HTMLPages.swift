import ClinicReports

/// `mbt score --html`: the HTML page of one clinic file, made a batch of patients at a time
/// (`ReportStylesheet`): the frame once, then each batch's blocks from its XML fragment, so
/// memory stays flat whatever the number of patients.
struct HTMLPages: Sendable {
    let stylesheet: ReportStylesheet
    /// The XML report's header and footer, around each batch's fragment.
    let header: [UInt8]
    let footer: [UInt8]
    let url: String
    /// The page before the first patient and after the last.
    let start: [UInt8]
    let end: [UInt8]

    init(stylesheet: ReportStylesheet, header: [UInt8], footer: [UInt8], url: String) throws {
        self.stylesheet = stylesheet
        self.header = header
        self.footer = footer
        self.url = url
        (start, end) = try stylesheet.frame(header: header, footer: footer, url: url)
    }

    func blocks(_ fragment: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        try stylesheet.blocks(header: header, fragment: fragment, footer: footer, url: url)
    }
}
