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
    /// Scored, or not scored and why (what the reports and the summary say).
    var entry: ReportEntry
    var summary: [UInt8]
    var summaryRows: Int
    /// `--history`: the patient's sessions packed for the history store (`SessionEntry.record`).
    var records: [[UInt8]] = []

    static func scored(_ score: PatientScore, file: String, outcomes: SummaryOutcomeColumns) -> ReportItem {
        var summary: [UInt8] = []
        for session in score.sessions {
            SummaryRow.appendScoredLine(file: file, patient: score.patientID, session: session, outcomes: outcomes, to: &summary)
        }
        return ReportItem(entry: .scored(score), summary: summary, summaryRows: score.sessions.count)
    }

    static func skipped(patientID: String, line: Int, reason: String, file: String, outcomes: SummaryOutcomeColumns) -> ReportItem {
        var summary: [UInt8] = []
        SummaryRow(file: file, patient: patientID, date: "", overallIndex: "", grade: "", topFindings: "", status: "error: " + reason, outcomes: outcomes.empty)
            .appendCSVLine(to: &summary)
        return ReportItem(entry: .skipped(patientID: patientID, line: line, reason: reason), summary: summary, summaryRows: 1)
    }
}

/// The reports of one clinic file as they are written: a file per format asked for
/// (temporaries until `commit`), each format's renderer, and the file's summary rows. The
/// formats are one list (`ReportFormat`): the first is the XML report, whose fragment a
/// format that `needsXML` (the HTML page) is made from.
final class ReportSink: @unchecked Sendable {
    // @unchecked: created on the file's thread; then its writes come from one worker at a time
    // (`WriteOrder` hands them on under its lock), and the workers read only what `init` set,
    // until the file's thread joins them (pthread_join orders every write before the commit).
    private struct Output {
        let format: any ReportFormat
        /// The sink's own, for the batches written straight (`write(_: [ReportItem])`).
        var renderer: any ReportRenderer
        let file: AtomicOutputFile
        /// Whether a batch wrote anything yet (the separator goes between two that did).
        var wrote = false
    }

    private var outputs: [Output]
    /// Whether a format reads the XML report's fragment: it is then made first, in `xml`.
    private let needsXML: Bool
    private var xml = ByteBuffer(capacity: 1 << 14)
    let rows: SpillingRows
    /// `--history`: the file's sessions for the store, kept until the reports are written.
    var records: SpilledRecords?
    /// Why writing stopped (a full disk, say); the file then fails.
    private(set) var failure: (any Error)?

    /// `formats`: the XML report first.
    init(stem: String, formats: [any ReportFormat], directory: String, rows: SpillingRows) throws {
        precondition(formats.first?.fileKind == "report.xml", "the XML report is the first format")
        self.rows = rows
        needsXML = formats.contains { $0.needsXML }
        var outputs: [Output] = []
        for format in formats {
            let file = try AtomicOutputFile(directory: directory, name: stem + "." + format.fileKind)
            if !format.header.isEmpty { try file.write(format.header) }
            outputs.append(Output(format: format, renderer: format.makeRenderer(own: nil), file: file))
        }
        self.outputs = outputs
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
            let entries = items.map(\.entry)
            if needsXML {
                // The patients' XML is made once, for the XML report and for what reads it.
                xml.removeAll()
                try outputs[0].renderer.append(entries, xml: UnsafeBufferPointer(start: nil, count: 0), onto: &xml)
                try outputs[0].file.write(contentsOf: xml)
                try xml.withBytes { bytes in
                    for i in outputs.indices.dropFirst() { try write(entries, xml: bytes, to: i) }
                }
            } else {
                for i in outputs.indices { try write(entries, xml: UnsafeBufferPointer(start: nil, count: 0), to: i) }
            }
            for item in items {
                try rows.append(csvLines: item.summary, count: item.summaryRows)
                if let records { for record in item.records { try records.append(record) } }
            }
            return true
        } catch {
            failure = error
            return false
        }
    }

    /// One format's part of `entries`, straight onto its file's buffer, after the separator
    /// when both this and an earlier batch wrote something.
    private func write(_ entries: [ReportEntry], xml: UnsafeBufferPointer<UInt8>, to i: Int) throws {
        let file = outputs[i].file
        let separator = outputs[i].wrote ? outputs[i].format.batchSeparator : []
        var failure: (any Error)?
        var wrote = false
        try file.write { out in
            let start = out.count
            if !separator.isEmpty { out.appendBytes(separator) }
            let after = out.count
            do { try outputs[i].renderer.append(entries, xml: xml, onto: &out) } catch { failure = error }
            if out.count == after { out.truncate(to: start) } else { wrote = true }
        }
        if let failure { throw failure }
        if wrote { outputs[i].wrote = true }
    }

    /// A renderer of whole batches for one worker thread: each format's renderer, from the
    /// file's tables or the worker's own copy of them (`ReportPipeline`). Several render at
    /// once; `write(_: RenderedBatch)` then puts their work in order.
    func makeBatchRenderer(tables own: ReportTables? = nil) -> BatchRenderer {
        BatchRenderer(renderers: outputs.map { $0.format.makeRenderer(own: own) }, needsXML: needsXML)
    }

    /// Writes a batch a `BatchRenderer` made; after a failure, records it and writes nothing
    /// more. Called for one batch at a time, in input order.
    func write(_ batch: RenderedBatch) -> Bool {
        guard failure == nil else { return false }
        do {
            if batch.xml.count > 0 {
                try outputs[0].file.write(contentsOf: batch.xml)
                outputs[0].wrote = true
            }
            for i in outputs.indices.dropFirst() where batch.others[i - 1].bytes.count > 0 {
                if outputs[i].wrote && !outputs[i].format.batchSeparator.isEmpty { try outputs[i].file.write(outputs[i].format.batchSeparator) }
                try outputs[i].file.write(contentsOf: batch.others[i - 1].bytes)
                outputs[i].wrote = true
            }
            if let failure = batch.failure { throw failure }
            try rows.append(csvLines: batch.summary, count: batch.summaryRows)
            if let records { for record in batch.records { try records.append(record) } }
            return true
        } catch {
            failure = error
            return false
        }
    }

    /// Ends every report and renames them into place together; the final path of each kind.
    func commit() throws -> [String: String] {
        if let failure { throw failure }
        for output in outputs where !output.format.footer.isEmpty { try output.file.write(output.format.footer) }
        // All or none: a failed file never leaves one new report beside an old partner.
        try AtomicOutputFile.commitTogether(outputs.map(\.file))
        return Dictionary(outputs.map { ($0.format.fileKind, $0.file.finalPath) }, uniquingKeysWith: { a, _ in a })
    }
}
