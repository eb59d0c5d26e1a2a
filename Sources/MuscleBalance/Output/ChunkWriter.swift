#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the full chunks of a large report on a thread of its own, in order, while the report
/// writer fills the next one. An O_DIRECT write waits for the device; on the report writer's
/// own thread that wait left a core idle (20,000 patients: 0.4 s less system time, but only
/// 0.08 s less wall time).
final class ChunkWriter {
    /// Chunks in flight besides the one being filled: one being written, one queued.
    static let depth = 2

    private let state: State
    private var thread: JoinableThread?

    /// Starts the thread; nil when the system will not create one.
    init?(descriptor: Int32, path: String) {
        let state = State(chunks: Self.depth)
        self.state = state
        guard let thread = JoinableThread({ state.run(descriptor: descriptor, path: path) }) else {
            state.close()
            return nil
        }
        self.thread = thread
    }

    deinit {
        state.abandon()
        thread?.join()
    }

    /// Queues a full chunk (the writer owns it from here) and returns an empty one to fill,
    /// waiting while every chunk is in flight. Throws the first failure of an earlier write;
    /// the chunk then stays with the caller.
    func submit(_ chunk: UnsafeMutableRawPointer, count: Int) throws(AtomicOutputFile.Failure) -> UnsafeMutableRawPointer {
        try state.submit(chunk, count: count)
    }

    /// Waits until every queued chunk is written and the thread has ended. Returns whether the
    /// descriptor is still in O_DIRECT mode (a refused write turns it off).
    func finish() throws(AtomicOutputFile.Failure) -> Bool {
        state.close()
        thread?.join()
        thread = nil
        return try state.outcome()
    }

    /// What the two threads share, behind one pthread mutex (ThreadSanitizer sees it).
    private final class State: @unchecked Sendable {
        // @unchecked: every stored property is used with `mutex` held, except `direct`, which
        // the writing thread alone uses until it is joined.
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var queue: [(chunk: UnsafeMutableRawPointer, count: Int)] = []
        private var free: [UnsafeMutableRawPointer]
        private var failure: AtomicOutputFile.Failure?
        private var closed = false
        private var abandoned = false
        private var direct = true

        init(chunks: Int) {
            free = (0..<chunks).map { _ in DirectWrites.allocateChunk() }
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(changed, nil)
        }

        deinit {
            for chunk in free { chunk.deallocate() }
            for item in queue { item.chunk.deallocate() }
            pthread_cond_destroy(changed)
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            changed.deallocate()
        }

        func submit(_ chunk: UnsafeMutableRawPointer, count: Int) throws(AtomicOutputFile.Failure) -> UnsafeMutableRawPointer {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            if let failure { throw failure }
            queue.append((chunk, count))
            pthread_cond_broadcast(changed)
            while free.isEmpty { pthread_cond_wait(changed, mutex) }
            return free.removeLast()
        }

        /// The writing thread: chunks in order until closed and drained, or abandoned. After a
        /// failure the rest are dropped; `submit` and `outcome` report it.
        func run(descriptor: Int32, path: String) {
            pthread_mutex_lock(mutex)
            while true {
                while queue.isEmpty && !closed && !abandoned { pthread_cond_wait(changed, mutex) }
                if abandoned || queue.isEmpty { break }
                let item = queue.removeFirst()
                let failed = failure != nil
                pthread_mutex_unlock(mutex)
                var error: AtomicOutputFile.Failure?
                if !failed {
                    do throws(AtomicOutputFile.Failure) {
                        try writeChunk(UnsafeRawBufferPointer(start: item.chunk, count: item.count), to: descriptor, direct: &direct, path: path)
                    } catch let refused {
                        error = refused
                    }
                }
                pthread_mutex_lock(mutex)
                if failure == nil { failure = error }
                free.append(item.chunk)
                pthread_cond_broadcast(changed)
            }
            pthread_mutex_unlock(mutex)
        }

        func close() {
            pthread_mutex_lock(mutex)
            closed = true
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }

        func abandon() {
            pthread_mutex_lock(mutex)
            abandoned = true
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }

        /// After the thread is joined: the first failure, or whether O_DIRECT is still on.
        func outcome() throws(AtomicOutputFile.Failure) -> Bool {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            if let failure { throw failure }
            return direct
        }
    }
}
