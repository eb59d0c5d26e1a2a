#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Locks

/// Batches handed from one thread to others in order, at most `capacity` waiting: the reader
/// of a clinic file never runs more than a few batches ahead of the workers (when it would, it
/// does the oldest itself), so memory stays flat whatever the file's size. Either side can stop
/// the other: a worker `abandon`s (a full disk) and the reader's next `put` says so; the reader
/// `close`s and the workers drain what is left.
public final class HandOff<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written with `lock` held.
    private let lock = ConditionLock()
    private var batches: [[Element]] = []
    private var closed = false
    private var abandoned = false
    private var taken = 0
    let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// What `put` did with a batch.
    public enum Put {
        case queued
        /// The queue was full: the oldest batch, with its place in the order, is the caller's
        /// to do, and the new one is queued in its place.
        case yours(index: Int, batch: [Element])
        /// The other side has abandoned: stop.
        case refused
    }

    /// Queues the batch. When `capacity` batches already wait, the takers are behind: rather
    /// than wait for them, the caller takes the oldest and does it itself.
    public func put(_ batch: [Element]) -> Put {
        lock.withLock {
            guard !abandoned else { return .refused }
            guard batches.count >= capacity else {
                batches.append(batch)
                lock.broadcast()
                return .queued
            }
            // Full: no taker is waiting for a batch, and the count stays the same.
            let oldest = batches.removeFirst()
            batches.append(batch)
            taken += 1
            return .yours(index: taken - 1, batch: oldest)
        }
    }

    /// The next batch, with its place in the order of all batches put (0, 1, 2...), so that
    /// several takers' work can be put back in order; nil once the queue is closed and empty,
    /// or abandoned.
    public func takeNumbered() -> (index: Int, batch: [Element])? {
        lock.withLock {
            while batches.isEmpty && !closed && !abandoned { lock.wait() }
            guard !abandoned, !batches.isEmpty else { return nil }
            let batch = batches.removeFirst()
            let index = taken
            taken += 1
            lock.broadcast()
            return (index, batch)
        }
    }

    /// No more batches will come.
    public func close() {
        lock.withLock {
            closed = true
            lock.broadcast()
        }
    }

    /// Drop what is queued and refuse what comes.
    public func abandon() {
        lock.withLock {
            abandoned = true
            batches.removeAll()
            lock.broadcast()
        }
    }
}

/// A thread of its own (not a GCD worker: the batch already keeps every GCD worker busy with
/// files, and a blocked hand-off must not starve them), joined before its owner returns.
public final class JoinableThread {
    private var thread: pthread_t?

    private final class Body {
        let run: () -> Void
        public init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread; nil when the system will not create one (the caller
    /// then does the work itself).
    public init?(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Glibc)
        var handle = pthread_t()
        #else
        var handle: pthread_t?
        #endif
        let status = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return nil
        }
        thread = handle
    }

    /// Waits for the thread to finish (once; later calls return at once).
    public func join() {
        guard let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    deinit { join() }
}
