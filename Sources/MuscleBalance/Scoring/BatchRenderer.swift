import ClinicReports
import BatchEngine
import FastText
import MBXML
import MuscleBalanceCore

/// Both reports of one batch of patients and its summary lines, rendered on a worker thread
/// before the batch's turn to be written comes. Reused from batch to batch.
final class RenderedBatch: ReusableBatch {
    var xml = ByteBuffer(capacity: 1 << 20)
    var text = ByteBuffer(capacity: 1 << 19)
    var summary: [UInt8] = []
    var summaryRows = 0
    /// `--results-csv` rows.
    var results: [UInt8] = []
    /// `--html`: the batch's blocks of the page, or why the stylesheet failed on them.
    var html: [UInt8] = []
    var htmlFailure: (any Error)?
    /// Text report pages in `text` (form feeds between them, none before the first).
    var pages = 0
    /// `--history`: the batch's sessions packed for the store.
    var records: [[UInt8]] = []

    func reset() {
        xml.removeAll()
        text.removeAll()
        summary.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
        html.removeAll(keepingCapacity: true)
        htmlFailure = nil
        records.removeAll(keepingCapacity: true)
        summaryRows = 0
        pages = 0
    }
}

/// Renders batches for one worker thread: what `ReportSink.write(_: [ReportItem])` writes,
/// made into a `RenderedBatch` instead of the report files.
final class BatchRenderer {
    private var xml: ReportXML
    /// Its own, not the sink's: the text report's footnote cache is for one thread.
    let text: TextReport
    let results: ResultsCSV?
    let html: HTMLPages?

    init(xml: consuming ReportXML, text: TextReport, results: ResultsCSV? = nil, html: HTMLPages? = nil) {
        self.xml = xml
        self.text = text
        self.results = results
        self.html = html
    }

    func render(_ items: [ReportItem], into batch: RenderedBatch) {
        for item in items {
            switch item.content {
            case .skipped(let patientID, let line, let reason):
                xml.skipped(patientID: patientID, line: line, reason: reason, onto: &batch.xml)
                // The printed report accounts for every patient, as the XML and pages do.
                if batch.pages > 0 { batch.text.append(0x0C) }
                text.renderSkipped(patientID: patientID, line: line, reason: reason, onto: &batch.text)
                batch.pages += 1
            case .scored(let score):
                xml.patient(score, onto: &batch.xml)
                if batch.pages > 0 { batch.text.append(0x0C) }
                text.render(score, onto: &batch.text)
                batch.pages += 1
                results?.append(score, to: &batch.results)
            }
            batch.summary += item.summary
            batch.summaryRows += item.summaryRows
            batch.records += item.records
        }
        // The page's blocks of the whole batch in one transformation, on this worker.
        if let html {
            do {
                batch.html = try batch.xml.withBytes { try html.blocks($0) }
            } catch {
                batch.htmlFailure = error
            }
        }
    }
}
