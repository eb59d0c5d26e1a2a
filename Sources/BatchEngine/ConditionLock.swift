#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex with one condition variable, for the hand-offs between threads (HandOff,
/// ChunkWriter). pthread, not `Synchronization.Mutex`: ThreadSanitizer sees these
/// (Scripts/sanitizers).
public final class ConditionLock: @unchecked Sendable {
    // @unchecked: the pthread objects are the synchronisation itself.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        changed.deallocate()
    }

    /// Runs `body` with the mutex held.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Inside `withLock`: releases the mutex until `broadcast`, then holds it again.
    func wait() { pthread_cond_wait(changed, mutex) }

    /// Inside `withLock`: wakes every waiter (each checks its own condition again).
    func broadcast() { pthread_cond_broadcast(changed) }
}
