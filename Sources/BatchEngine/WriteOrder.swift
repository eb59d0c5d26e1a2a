import Locks

/// A batch of rendered work a worker fills and the write order hands back for reuse.
public protocol ReusableBatch: AnyObject {
    init()
    /// Empties the batch for its next use, keeping its capacity.
    func reset()
}

/// Puts rendered batches back in input order: each is written as soon as every batch before it
/// is, by the worker that completes the run, so no thread waits for its turn (a worker that
/// finishes early deposits its batch and takes the next one). Also bounds the batches in flight.
public final class WriteOrder<Batch: ReusableBatch>: @unchecked Sendable {
    // @unchecked: every stored property is read and written with `lock` held; the batches
    // themselves pass from thread to thread through it.
    private let lock = ConditionLock()
    private var ready: [Int: Batch] = [:]
    private var next = 0
    private var draining = false
    private var failed = false
    private var inFlight = 0
    private let limit: Int
    private var spares: [Batch] = []

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits until fewer than `limit` batches are in flight and counts one more; false once
    /// writing has failed.
    public func admit() -> Bool {
        lock.withLock {
            while inFlight >= limit && !failed { lock.wait() }
            guard !failed else { return false }
            inFlight += 1
            return true
        }
    }

    /// A batch to render into: one already written, emptied, or a new one.
    public func spareBatch() -> Batch {
        lock.withLock { spares.popLast() } ?? Batch()
    }

    /// Leaves batch `index`, then writes every batch whose turn has come, unless another worker
    /// is already at it (it will write this one too). False once writing has failed.
    public func deposit(_ batch: Batch, at index: Int, write: (Batch) -> Bool) -> Bool {
        let start: Bool = lock.withLock {
            guard !failed else { return false }
            ready[index] = batch
            guard !draining else { return false }
            draining = true
            return true
        }
        guard start else { return lock.withLock { !failed } }
        while true {
            let turn: Batch? = lock.withLock {
                guard !failed, let batch = ready.removeValue(forKey: next) else {
                    draining = false
                    return nil
                }
                next += 1
                return batch
            }
            guard let turn else { return lock.withLock { !failed } }
            let written = write(turn)
            turn.reset()
            lock.withLock {
                spares.append(turn)
                inFlight -= 1
                if !written {
                    failed = true
                    ready.removeAll()
                }
                lock.broadcast()
            }
            if !written { return false }
        }
    }

    /// Stops: nothing more is admitted or written.
    public func fail() {
        lock.withLock {
            failed = true
            ready.removeAll()
            lock.broadcast()
        }
    }
}

