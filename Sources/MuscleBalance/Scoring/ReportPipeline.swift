import ClinicFiles
import BatchEngine
import ClinicReports
import MuscleBalanceCore

/// `--history` for one file: the run's store, the file's clinic, and (when the run's sessions
/// are stored) how a patient's sessions are packed for it.
struct FileHistory: Sendable {
    let history: ScoreHistory
    let clinic: String
    let packer: SessionPacker?
}

/// A patient as the reading thread leaves it: checked, and either to be scored or skipped.
enum CheckedPatient: Sendable {
    case valid(Patient)
    case skipped(patientID: String, line: Int, reason: String)
}

/// The stages after reading. The reading thread checks patients and sends them in batches;
/// workers (one per core but one, at least one, at most `maxWorkers`) each take a whole batch,
/// score it, make its summary lines and render both reports into memory; the batches are then
/// written in input order by whichever thread finished the one whose turn it is (`WriteOrder`).
/// When the workers fall behind (`batchesAhead` batches waiting), the reading thread does the
/// oldest batch itself instead of waiting for them. So every core has one busy thread: on two
/// cores, one worker and the reader, which share the work between them as it comes. With a
/// worker per core, three threads took turns on two cores: the reader, which everything waits
/// for, was runnable but off its core 0.2-0.3 s of a 1.5-1.8 s run (perf, sched_switch), and
/// at other times waited for the workers to make room. The output is the same as one thread
/// doing it all (which is what happens without threads: `threads: false`, or when the system
/// refuses one).
final class ReportPipeline {
    private let sink: ReportSink
    private let scorer: BalanceScorer
    private let file: String
    private let toWork: HandOff<CheckedPatient>
    private let order: WriteOrder<RenderedBatch>
    private var workers: [JoinableThread] = []
    private let workerProtocol: (@Sendable () -> PreparedProtocol?)?
    private let history: FileHistory?
    /// summary.csv's outcome columns, for each patient's lines.
    private let outcomes: SummaryOutcomeColumns
    /// The reading thread's own scorer and renderer, made the first time it does a batch.
    private var helper: (scorer: BalanceScorer, renderer: BatchRenderer)?
    /// Batches the reading thread did itself.
    private(set) var batchesDoneByReader = 0

    /// Workers per file besides the reader: scoring and rendering cost about as much again as
    /// reading, so one reader cannot keep more busy; they would only hold more batches.
    static let maxWorkers = 4

    /// One per core but one (the reader's), at least one, at most `maxWorkers`.
    static let defaultWorkerCount = max(1, min(BatchScorer.activeCores - 1, maxWorkers))

    /// `workerProtocol`, when given, makes each worker a protocol of its own to score and render
    /// with (`ProtocolLibrary.rebuilt`): for a large file, where it pays.
    init(
        sink: ReportSink, scorer: BalanceScorer, file: String, threads: Bool, batchesAhead: Int,
        workerProtocol: (@Sendable () -> PreparedProtocol?)? = nil,
        workerCount: Int = ReportPipeline.defaultWorkerCount, history: FileHistory? = nil, summaryOutcomes: SummaryOutcomeColumns = .none
    ) {
        let count = max(1, workerCount)
        self.history = history
        outcomes = summaryOutcomes
        self.workerProtocol = workerProtocol
        self.sink = sink
        self.scorer = scorer
        self.file = file
        // Batches sent and not yet written, queued, being worked on (by a worker or the
        // reader) or waiting for their turn: what memory holds at most, whatever the file's
        // size. The queue fills before that, so the reader helps before it would wait.
        toWork = HandOff(capacity: batchesAhead)
        order = WriteOrder(limit: batchesAhead + 2 * (count + 1))
        guard threads else { return }
        let (toWork, order) = (self.toWork, self.order)
        for _ in 0..<count {
            guard
                let worker = JoinableThread({
                    let own = workerProtocol?()
                    let scorer = own?.scorer ?? scorer
                    let renderer = sink.makeBatchRenderer(tables: own?.tables)
                    while let (index, batch) = toWork.takeNumbered() {
                        let items = batch.map { Self.prepare($0, scorer: scorer, file: file, history: history, outcomes: summaryOutcomes) }
                        let rendered = order.spareBatch()
                        renderer.render(items, into: rendered)
                        // A batch that could not be written (a full disk) stops every stage.
                        if !order.deposit(rendered, at: index, write: sink.write) {
                            toWork.abandon()
                        }
                    }
                })
            else { break }
            workers.append(worker)
        }
        // No thread at all: the reading thread does everything itself (`send`).
    }

    deinit { stop() }

    /// A patient scored (with its earlier sessions from the history store, and its sessions
    /// packed for it, under `--history`), or skipped.
    private static func prepare(_ patient: CheckedPatient, scorer: BalanceScorer, file: String, history: FileHistory?, outcomes: SummaryOutcomeColumns) -> ReportItem {
        switch patient {
        case .valid(let p):
            guard let history else { return .scored(scorer.score(p), file: file, outcomes: outcomes) }
            let stored = history.history.stored(clinic: history.clinic, patient: p)
            var joined = p
            joined.sessions = stored.earlier + p.sessions
            let score = scorer.score(joined)
            // The reports and the summary hold the file's sessions: the stored ones were scored
            // for their progress and course of care only (written too, they made a third visit's
            // report three visits long, and its summary list sessions the file does not have).
            var reported = score
            if !stored.earlier.isEmpty {
                let dates = Set(p.sessions.compactMap(\.date))
                reported.sessions = score.sessions.filter { dates.contains($0.date) }
            }
            var item = ReportItem.scored(reported, file: file, outcomes: outcomes)
            if let packer = history.packer {
                item.records = packer.entries(for: p, stored: stored.hashes, score: score).map(\.record)
            }
            return item
        case .skipped(let id, let line, let reason):
            return .skipped(patientID: id, line: line, reason: reason, file: file, outcomes: outcomes)
        }
    }

    /// Hands a batch on; false when a later stage has failed and reading should stop.
    func send(_ batch: [CheckedPatient]) -> Bool {
        guard !workers.isEmpty else { return sink.write(batch.map { Self.prepare($0, scorer: scorer, file: file, history: history, outcomes: outcomes) }) }
        guard order.admit() else { return false }
        switch toWork.put(batch) {
        case .queued:
            return true
        case .refused:
            return false
        case .yours(let index, let oldest):
            return doBatch(oldest, at: index)
        }
    }

    /// Waits until everything sent is written; then `sink.failure` says whether it all was.
    /// What is still queued, the reading thread shares with the workers rather than wait.
    func finish() {
        toWork.close()
        if !workers.isEmpty {
            while let (index, batch) = toWork.takeNumbered(), doBatch(batch, at: index) {}
        }
        join()
    }

    /// A batch done on the reading thread; false when it could not be written (a full disk),
    /// which stops every stage.
    private func doBatch(_ batch: [CheckedPatient], at index: Int) -> Bool {
        if helper == nil {
            let own = workerProtocol?()
            helper = (own?.scorer ?? scorer, sink.makeBatchRenderer(tables: own?.tables))
        }
        let (scorer, renderer) = (helper!.scorer, helper!.renderer)
        let items = batch.map { Self.prepare($0, scorer: scorer, file: file, history: history, outcomes: outcomes) }
        let rendered = order.spareBatch()
        renderer.render(items, into: rendered)
        batchesDoneByReader += 1
        guard order.deposit(rendered, at: index, write: sink.write) else {
            toWork.abandon()
            return false
        }
        return true
    }

    /// Drops whatever is still queued and waits for the threads to end.
    func stop() {
        toWork.abandon()
        order.fail()
        join()
    }

    private func join() {
        for worker in workers { worker.join() }
        workers.removeAll()
    }
}
