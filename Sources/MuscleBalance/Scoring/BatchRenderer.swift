import ClinicReports
import BatchEngine
import FastText
import MuscleBalanceCore

/// Every format's part of one batch of patients and its summary lines, rendered on a worker
/// thread before the batch's turn to be written comes. Reused from batch to batch.
final class RenderedBatch: ReusableBatch {
    /// The XML report's (the first format): what a format that reads it is made from.
    var xml = ByteBuffer(capacity: 1 << 20)
    /// The other formats', in the sink's order.
    var others: [RenderedBytes] = []
    /// Why a format failed on the batch (a stylesheet's error): the file then fails.
    var failure: (any Error)?
    var summary: [UInt8] = []
    var summaryRows = 0
    /// `--history`: the batch's sessions packed for the store.
    var records: [[UInt8]] = []

    func reset() {
        xml.removeAll()
        for other in others { other.bytes.removeAll() }
        failure = nil
        summary.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
        summaryRows = 0
    }
}

/// One format's bytes of a batch (a class: a byte buffer is not copyable, so cannot be an
/// array's element).
final class RenderedBytes {
    var bytes = ByteBuffer(capacity: 1 << 18)
}

/// Renders batches for one worker thread: what `ReportSink.write(_: [ReportItem])` writes,
/// made into a `RenderedBatch` instead of the report files.
final class BatchRenderer {
    /// One per format, the XML report's first.
    private(set) var renderers: [any ReportRenderer]
    private let needsXML: Bool

    init(renderers: [any ReportRenderer], needsXML: Bool) {
        self.renderers = renderers
        self.needsXML = needsXML
    }

    func render(_ items: [ReportItem], into batch: RenderedBatch) {
        let entries = items.map(\.entry)
        while batch.others.count < renderers.count - 1 { batch.others.append(RenderedBytes()) }
        do {
            try renderers[0].append(entries, xml: UnsafeBufferPointer(start: nil, count: 0), onto: &batch.xml)
            // Every format at once on this worker; the page's blocks of the whole batch in one
            // transformation of its XML.
            try batch.xml.withBytes { xml in
                let given = needsXML ? xml : UnsafeBufferPointer(start: nil, count: 0)
                for i in renderers.indices.dropFirst() { try renderers[i].append(entries, xml: given, onto: &batch.others[i - 1].bytes) }
            }
        } catch {
            batch.failure = error
        }
        for item in items {
            batch.summary += item.summary
            batch.summaryRows += item.summaryRows
            batch.records += item.records
        }
    }
}
