import ClinicFiles
import FastText
import ClinicReports
import BatchEngine
import MBXML
import MuscleBalanceCore

/// One patient on its way into the reports, from the thread that reads and scores a clinic
/// file to the thread that writes its reports, with its summary.csv lines already made (the
/// reading thread has the time to spare; the writing thread has not).
struct ReportItem: Sendable {
    enum Content: Sendable {
        case scored(PatientScore)
        /// Not scored: an error in its data, or no dated session. `reason` is what the XML
        /// report and the summary say.
        case skipped(patientID: String, line: Int, reason: String)
    }

    var content: Content
    var summary: [UInt8]
    var summaryRows: Int
    /// `--history`: the patient's sessions packed for the history store (`SessionEntry.record`).
    var records: [[UInt8]] = []

    static func scored(_ score: PatientScore, file: String, outcomes: SummaryOutcomeColumns) -> ReportItem {
        var summary: [UInt8] = []
        for session in score.sessions {
            SummaryRow.appendScoredLine(file: file, patient: score.patientID, session: session, outcomes: outcomes, to: &summary)
        }
        return ReportItem(content: .scored(score), summary: summary, summaryRows: score.sessions.count)
    }

    static func skipped(patientID: String, line: Int, reason: String, file: String, outcomes: SummaryOutcomeColumns) -> ReportItem {
        var summary: [UInt8] = []
        SummaryRow(file: file, patient: patientID, date: "", overallIndex: "", grade: "", topFindings: "", status: "error: " + reason, outcomes: outcomes.empty)
            .appendCSVLine(to: &summary)
        return ReportItem(content: .skipped(patientID: patientID, line: line, reason: reason), summary: summary, summaryRows: 1)
    }
}

/// The reports of one clinic file as they are written: both report files (temporaries until
/// `commit`), their renderers and the file's summary rows.
final class ReportSink: @unchecked Sendable {
    // @unchecked: created on the file's thread; then its writes come from one worker at a time
    // (`WriteOrder` hands them on under its lock), and the workers read only what `init` set,
    // until the file's thread joins them (pthread_join orders every write before the commit).
    /// The input as the reports record it (`BatchScorer.recordedName(of:)`).
    private let path: String
    private var xml: ReportXML
    /// The XML report's tables, for the workers' own renderers (`makeBatchRenderer`).
    private let xmlTables: ReportXML.Tables
    let text: TextReport
    private let xmlFile: AtomicOutputFile
    private let textFile: AtomicOutputFile
    /// `--results-csv`: a row per result, and the file they go to.
    private let results: ResultsCSV?
    private let resultsFile: AtomicOutputFile?
    /// `--html`: the page's blocks, and the file they go to.
    private let html: HTMLPages?
    private let htmlFile: AtomicOutputFile?
    let rows: SpillingRows
    /// `--history`: the file's sessions for the store, kept until the reports are written.
    var records: SpilledRecords?
    private var first = true
    /// Why writing stopped (a full disk, say); the file then fails.
    private(set) var failure: (any Error)?

    init(
        path: String, stem: String, header: MeasurementFileHeader, xml xmlTables: ReportXML.Tables, text textTables: TextReport.Tables,
        directory: String, rows: SpillingRows, results: ResultsCSV? = nil, stylesheet: ReportStylesheet? = nil
    ) throws {
        self.path = path
        self.rows = rows
        xml = ReportXML(tables: xmlTables)
        self.xmlTables = xmlTables
        text = TextReport(tables: textTables, clinic: header.clinic, input: path)
        xmlFile = try AtomicOutputFile(directory: directory, name: stem + ".report.xml")
        textFile = try AtomicOutputFile(directory: directory, name: stem + ".report.txt")
        let xmlHeader = xml.header(input: path, clinic: header.clinic)
        try xmlFile.write(xmlHeader)
        if let stylesheet {
            let pages = try HTMLPages(stylesheet: stylesheet, header: xmlHeader, footer: xml.footer(), url: path)
            let file = try AtomicOutputFile(directory: directory, name: stem + ".report.html")
            try file.write(pages.start)
            html = pages
            htmlFile = file
        } else {
            html = nil
            htmlFile = nil
        }
        self.results = results
        if results != nil {
            let file = try AtomicOutputFile(directory: directory, name: stem + ".results.csv")
            try file.write(ResultsCSV.headerLine)
            resultsFile = file
        } else {
            resultsFile = nil
        }
    }

    /// Writes the batch; after a failure, records it and writes nothing more.
    ///
    /// This is `BatchRenderer.render` and `write(_: RenderedBatch)` in one, rendering straight
    /// onto the report files' own buffers, on purpose: a file scored without workers (each
    /// file of a large batch) would otherwise grow a batch buffer of its own to a few hundred
    /// KB and drop it again. Done that way, 2,000 files of 10 patients took 3.1-3.4 s instead
    /// of 2.75-2.95 s (system time 1.7-2.3 s instead of 1.1-1.4 s) and 3.5 MB more memory.
    /// The two must write the same bytes: PipelineTests compares them.
    @discardableResult
    func write(_ items: [ReportItem]) -> Bool {
        guard failure == nil else { return false }
        do {
            for item in items { try write(item) }
            return true
        } catch {
            failure = error
            return false
        }
    }

    private func write(_ item: ReportItem) throws {
        if let html, let htmlFile {
            // The patient's XML is made once, for the XML report and for its page.
            var fragment = ByteBuffer(capacity: 1 << 14)
            switch item.content {
            case .skipped(let patientID, let line, let reason): xml.skipped(patientID: patientID, line: line, reason: reason, onto: &fragment)
            case .scored(let score): xml.patient(score, onto: &fragment)
            }
            try xmlFile.write(contentsOf: fragment)
            try htmlFile.write(fragment.withBytes { try html.blocks($0) })
        }
        switch item.content {
        case .skipped(let patientID, let line, let reason):
            if html == nil { try xmlFile.write { out in xml.skipped(patientID: patientID, line: line, reason: reason, onto: &out) } }
            try textFile.write { out in
                if !first { out.append(0x0C) }
                text.renderSkipped(patientID: patientID, line: line, reason: reason, onto: &out)
            }
            first = false
        case .scored(let score):
            if html == nil { try xmlFile.write { out in xml.patient(score, onto: &out) } }
            try textFile.write { out in
                if !first { out.append(0x0C) }  // a form feed: each patient on a new page
                text.render(score, onto: &out)
            }
            first = false
            if let results, let resultsFile {
                var bytes: [UInt8] = []
                results.append(score, to: &bytes)
                try resultsFile.write(bytes)
            }
        }
        try rows.append(csvLines: item.summary, count: item.summaryRows)
        if let records { for record in item.records { try records.append(record) } }
    }

    /// A renderer of whole batches for one worker thread: its own XML writer, and the file's
    /// tables or the worker's own copy of them (`ReportPipeline`). Several render at once;
    /// `write(_: RenderedBatch)` then puts their work in order.
    func makeBatchRenderer(tables own: PreparedProtocol? = nil) -> BatchRenderer {
        guard let own else { return BatchRenderer(xml: ReportXML(tables: xmlTables), text: text.forAnotherThread(), results: results, html: html) }
        // The clinic's name is on every page: the worker's own too.
        let clinic = text.clinic.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        return BatchRenderer(xml: ReportXML(tables: own.xml), text: TextReport(tables: own.text, clinic: clinic, input: text.input), results: results, html: html)
    }

    /// Writes a batch a `BatchRenderer` made; after a failure, records it and writes nothing
    /// more. Called for one batch at a time, in input order.
    func write(_ batch: RenderedBatch) -> Bool {
        guard failure == nil else { return false }
        do {
            try xmlFile.write(contentsOf: batch.xml)
            if batch.pages > 0 {
                // The form feed between the last page written and this batch's first.
                if !first { try textFile.write { $0.append(0x0C) } }
                try textFile.write(contentsOf: batch.text)
                first = false
            }
            if let resultsFile, !batch.results.isEmpty { try resultsFile.write(batch.results) }
            if let htmlFailure = batch.htmlFailure { throw htmlFailure }
            if let htmlFile, !batch.html.isEmpty { try htmlFile.write(batch.html) }
            try rows.append(csvLines: batch.summary, count: batch.summaryRows)
            if let records { for record in batch.records { try records.append(record) } }
            return true
        } catch {
            failure = error
            return false
        }
    }

    /// Ends the XML report and renames both reports into place; the final paths.
    func commit() throws -> (xml: String, text: String) {
        if let failure { throw failure }
        try xmlFile.write(xml.footer())
        if let html, let htmlFile { try htmlFile.write(html.end) }
        // Both or neither: a failed file never leaves one new report beside an old partner.
        try AtomicOutputFile.commitTogether([xmlFile, textFile] + (resultsFile.map { [$0] } ?? []) + (htmlFile.map { [$0] } ?? []))
        return (xmlFile.finalPath, textFile.finalPath)
    }
}
