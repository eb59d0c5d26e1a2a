import MuscleBalanceCore

/// A patient as the reading thread leaves it: checked, and either to be scored or skipped.
enum CheckedPatient: Sendable {
    case valid(Patient)
    case skipped(patientID: String, line: Int, reason: String)
}

/// The stages after reading, each on a thread of its own so that one file keeps both cores
/// busy: the reading thread checks patients and sends them in batches; a scoring thread scores
/// them and makes their summary lines; a writing thread renders and writes both reports. Every
/// hand-off keeps the order, so the output is the same as one thread doing it all (which is
/// what happens without threads: `threads: false`, or when the system refuses one).
final class ReportPipeline {
    private let sink: ReportSink
    private let toScore: HandOff<CheckedPatient>
    private let toWrite: HandOff<ReportItem>
    private var scoring: JoinableThread?
    private var writing: JoinableThread?
    private let scorer: BalanceScorer
    private let file: String

    init(sink: ReportSink, scorer: BalanceScorer, file: String, threads: Bool, batchesAhead: Int) {
        self.sink = sink
        self.scorer = scorer
        self.file = file
        toScore = HandOff(capacity: batchesAhead)
        toWrite = HandOff(capacity: batchesAhead)
        guard threads else { return }
        let (toScore, toWrite) = (self.toScore, self.toWrite)
        writing = JoinableThread {
            while let batch = toWrite.take() {
                // A writer that failed (a full disk) stops every stage before it.
                if !sink.write(batch) {
                    toWrite.abandon()
                    toScore.abandon()
                }
            }
        }
        guard writing != nil else { return }
        scoring = JoinableThread {
            while let batch = toScore.take() {
                if !toWrite.put(batch.map { Self.prepare($0, scorer: scorer, file: file) }) {
                    toScore.abandon()
                }
            }
            toWrite.close()
        }
        if scoring == nil {
            toWrite.abandon()
            writing?.join()
            writing = nil
        }
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
        guard scoring != nil else { return sink.write(batch.map { Self.prepare($0, scorer: scorer, file: file) }) }
        return toScore.put(batch)
    }

    /// Waits until everything sent is written; then `sink.failure` says whether it all was.
    func finish() {
        toScore.close()
        scoring?.join()
        writing?.join()
    }

    /// Drops whatever is still queued and waits for the threads to end.
    func stop() {
        toScore.abandon()
        toWrite.abandon()
        scoring?.join()
        writing?.join()
    }
}
