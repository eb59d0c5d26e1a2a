import Locks

/// Batches done by several threads, taken by one in the order they were numbered
/// (`HandOff.takeNumbered`): what a single writer needs when workers finish out of turn (the
/// history store takes a file's sessions in the file's order). A batch more than `limit` ahead
/// of the one whose turn it is waits to be deposited, so memory holds a bounded number however
/// far one thread runs ahead; the batch whose turn it is never waits, so the threads cannot
/// all wait for each other.
public final class InOrder<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written with `lock` held.
    private let lock = ConditionLock()
    private var waiting: [Int: [Element]] = [:]
    private var next = 0
    private var total: Int?
    private var failed = false
    private let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Puts batch `index` in its place; false when the taker has failed (stop working).
    @discardableResult
    public func deposit(_ batch: [Element], at index: Int) -> Bool {
        lock.withLock {
            while index >= next + limit && !failed { lock.wait() }
            guard !failed else { return false }
            waiting[index] = batch
            lock.broadcast()
            return true
        }
    }

    /// Every batch is numbered: `count` of them in all.
    public func finish(count: Int) {
        lock.withLock {
            total = count
            lock.broadcast()
        }
    }

    /// The next batch in order; nil once all `finish(count:)` said have been taken, or after
    /// `fail`.
    public func take() -> [Element]? {
        lock.withLock {
            while !failed {
                if let batch = waiting.removeValue(forKey: next) {
                    next += 1
                    lock.broadcast()
                    return batch
                }
                if let total, next >= total { return nil }
                lock.wait()
            }
            return nil
        }
    }

    /// Either side stops: the taker gets nil, the depositors false.
    public func fail() {
        lock.withLock {
            failed = true
            waiting.removeAll()
            lock.broadcast()
        }
    }

    /// Whether `fail` was called.
    public var hasFailed: Bool { lock.withLock { failed } }
}
