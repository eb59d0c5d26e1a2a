import MuscleBalanceCore

/// A patient as the reading thread leaves it: checked, and either to be scored or skipped.
enum CheckedPatient: Sendable {
    case valid(Patient)
    case skipped(patientID: String, line: Int, reason: String)
}

/// The stages after reading. The reading thread checks patients and sends them in batches;
/// workers (one per core, up to `maxWorkers`) each take a whole batch, score it, make its
/// summary lines and render both reports into memory; the batches are then written in input
/// order by whichever worker finished the one whose turn it is (`WriteOrder`). Any worker can do
/// any batch, so scoring and rendering, most of the work, spread over every core. The stages
/// this replaces (one scoring thread, one rendering thread) capped them at a core each: the
/// rendering thread alone was nearly as long as the reading, and while it ran alone, with the
/// others waiting on full hand-offs, one core of two sat idle a quarter of the time (perf,
/// sched_switch). On two cores the reading thread is the limit either way and the time is the
/// same; with more, only the reading is left on one core. The output is the same as one thread
/// doing it all (which is what happens without threads: `threads: false`, or when the system
/// refuses one).
final class ReportPipeline {
    private let sink: ReportSink
    private let scorer: BalanceScorer
    private let file: String
    private let toWork: HandOff<CheckedPatient>
    private let order: WriteOrder
    private var workers: [JoinableThread] = []

    /// Workers per file: the reader keeps two busy (scoring and rendering cost about one and a
    /// half times its reading); more would only hold more batches in memory.
    static let maxWorkers = 4

    /// `workerProtocol`, when given, makes each worker a protocol of its own to score and render
    /// with (`ProtocolLibrary.rebuilt`): for a large file, where it pays.
    init(
        sink: ReportSink, scorer: BalanceScorer, file: String, threads: Bool, batchesAhead: Int,
        workerProtocol: (@Sendable () -> PreparedProtocol?)? = nil,
        workerCount: Int = min(BatchScorer.activeCores, ReportPipeline.maxWorkers)
    ) {
        let count = max(1, workerCount)
        self.sink = sink
        self.scorer = scorer
        self.file = file
        // Batches sent and not yet written, queued, being worked on or waiting for their
        // turn: what memory holds at most, whatever the file's size. The queue holds as many,
        // so the reader waits in one place only (`send`).
        let limit = batchesAhead + 2 * count
        toWork = HandOff(capacity: limit)
        order = WriteOrder(limit: limit)
        guard threads else { return }
        let (toWork, order) = (self.toWork, self.order)
        for _ in 0..<count {
            guard
                let worker = JoinableThread({
                    let own = workerProtocol?()
                    let scorer = own?.scorer ?? scorer
                    let renderer = sink.makeBatchRenderer(tables: own)
                    while let (index, batch) = toWork.takeNumbered() {
                        let items = batch.map { Self.prepare($0, scorer: scorer, file: file) }
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

    private static func prepare(_ patient: CheckedPatient, scorer: BalanceScorer, file: String) -> ReportItem {
        switch patient {
        case .valid(let p): .scored(scorer.score(p), file: file)
        case .skipped(let id, let line, let reason): .skipped(patientID: id, line: line, reason: reason, file: file)
        }
    }

    /// Hands a batch on; false when a later stage has failed and reading should stop.
    func send(_ batch: [CheckedPatient]) -> Bool {
        guard !workers.isEmpty else { return sink.write(batch.map { Self.prepare($0, scorer: scorer, file: file) }) }
        guard order.admit() else { return false }
        return toWork.put(batch)
    }

    /// Waits until everything sent is written; then `sink.failure` says whether it all was.
    func finish() {
        toWork.close()
        join()
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
