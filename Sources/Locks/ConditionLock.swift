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
    // Inlinable with the methods below: the hand-offs lock once per batch in another module,
    // where a generic, unspecialised `withLock` would allocate its closure's context.
    @usableFromInline let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    @usableFromInline let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

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
    @inlinable
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Inside `withLock`: releases the mutex until `broadcast`, then holds it again.
    @inlinable
    public func wait() { pthread_cond_wait(changed, mutex) }

    /// Inside `withLock`: wakes every waiter (each checks its own condition again).
    @inlinable
    public func broadcast() { pthread_cond_broadcast(changed) }
}
