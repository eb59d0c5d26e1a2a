import Dispatch
import Synchronization

/// Runs `body` once for each index in `0..<count`, several at a time.
///
/// Up to as many as there are cores this is `DispatchQueue.concurrentPerform`. A batch with
/// more files than cores gets four workers more than cores: every file ends with fsyncs and
/// renames, during which its worker waits on the disk, and with one worker per core that
/// core sat idle (on 2,000 files of 10 patients, about a quarter of the wall time). Two more
/// than cores took most of that back; four more took 5% more of the wall time in two sets
/// of interleaved runs on 2 cores (2.69 s -> 2.56 s, 2.99 s -> 2.85 s, user and system time
/// unchanged) for 2 MB of memory; six more gained no more, and eight more lost time to
/// contention in the kernel.
public enum FilesInFlight {
    public static func forEach(_ count: Int, cores: Int, _ body: @escaping @Sendable (Int) -> Void) {
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
        let helpers = (0..<(cores + 3)).compactMap { _ in JoinableThread(work) }
        work()
        for helper in helpers { helper.join() }
    }

    private final class NextIndex: Sendable {
        private let value = Atomic<Int>(0)
        func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
    }
}
