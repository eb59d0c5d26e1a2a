import FastText
import MuscleBalanceCore

/// One patient on its way into the reports: scored, or not scored and why.
public enum ReportEntry: Sendable {
    case scored(PatientScore)
    /// Not scored: an error in its data, or no dated session. `reason` is what the reports say.
    case skipped(patientID: String, line: Int, reason: String)
}

/// One output format of `mbt score` and `mbt report`: a file per clinic file, named
/// `<stem>.<fileKind>`, made of a header, each batch of patients appended in turn, and a footer.
/// A format is made once per clinic file from tables built once per protocol; each thread that
/// renders asks it for a renderer of its own. The batch and `mbt report` loop over the formats
/// asked for and know no format by name: a new format is one more implementation of this
/// (XML, text, HTML page, per-result CSV, FHIR Bundles).
public protocol ReportFormat: AnyObject, Sendable {
    /// The file's name after the stem: "report.xml", "results.csv", "fhir.ndjson".
    var fileKind: String { get }
    /// Whether its renderer reads the batch's XML report (the HTML page is made from it): the
    /// XML is then made first, and handed on.
    var needsXML: Bool { get }
    /// What the file holds before the first patient and after the last.
    var header: [UInt8] { get }
    var footer: [UInt8] { get }
    /// What goes between two batches that both wrote something (the text report's form feed,
    /// each patient on a new page).
    var batchSeparator: [UInt8] { get }
    /// A renderer for one thread. `own`: the worker's own copy of the protocol's tables, for a
    /// large file (`ProtocolLibrary.rebuilt`); nil uses the format's.
    func makeRenderer(own: ReportTables?) -> any ReportRenderer
}

extension ReportFormat {
    public var needsXML: Bool { false }
    public var batchSeparator: [UInt8] { [] }
}

/// Renders batches of patients for one format on one thread.
public protocol ReportRenderer {
    /// Appends `entries`' part of the file onto `out`. `xml`: the same entries' XML report
    /// fragment when the format `needsXML`, else empty.
    mutating func append(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, onto out: inout ByteBuffer) throws
}
