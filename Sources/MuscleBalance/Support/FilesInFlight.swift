import Dispatch
import Synchronization

/// Runs `body` once for each index in `0..<count`, several at a time.
///
/// Up to as many as there are cores this is `DispatchQueue.concurrentPerform`. A batch with
/// more files than cores gets two workers more than cores: every file ends with fsyncs and
/// renames, during which its worker waits on the disk, and with one worker per core that
/// core sat idle (on 2,000 files of 10 patients, about a quarter of the wall time).
enum FilesInFlight {
    static func forEach(_ count: Int, cores: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > cores else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
            return
        }
        let next = NextIndex()
        let work: @Sendable () -> Void = {
            while true {
                let index = next.take()
                guard index < count else { return }
                body(index)
            }
        }
        // A worker the system will not start is simply not there: the others, and this
        // thread, take its share.
        let helpers = (0..<(cores + 1)).compactMap { _ in JoinableThread(work) }
        work()
        for helper in helpers { helper.join() }
    }

    private final class NextIndex: Sendable {
        private let value = Atomic<Int>(0)
        func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
    }
}
