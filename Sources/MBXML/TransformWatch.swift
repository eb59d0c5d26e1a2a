#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibXML2
import Synchronization

/// Bounds on a transformation that libxslt does not keep: a stylesheet doubling a string forty
/// times took 4.2 GB, and one recursing in two branches ran on past a minute (issue 28). One
/// thread for the process looks at the running transformations every 10 ms and stops one that
/// has run past `timeLimit`, or any while the process has grown by `memoryLimit` since it began
/// (`CLibXML2_stopTransform`); the transformation then fails with the reason. The depth of
/// nested templates is libxslt's own bound (`XSLTStylesheet.templateDepthLimit`).
final class TransformWatch: Sendable {
    static let shared = TransformWatch()

    struct Running: Sendable {
        /// The transform context, as an address (a C pointer is not Sendable).
        var context: Int
        var started: UInt64
        var residentAtStart: Int
        var timeLimit: UInt64
        var memoryLimit: Int
        var stopped: Verdict?
    }

    enum Verdict: Sendable, Equatable {
        case time(seconds: Int)
        case memory(mebibytes: Int)
    }

    private let running = Mutex<[Int: Running]>([:])
    private let nextTicket = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)

    /// Watches `context` until `end` is called with the ticket returned.
    func begin(_ context: xsltTransformContextPtr, timeLimit seconds: Int, memoryLimit bytes: Int) -> Int {
        startThread()
        let ticket = nextTicket.add(1, ordering: .relaxed).newValue
        let entry = Running(
            context: Int(bitPattern: context), started: Self.now(), residentAtStart: Self.residentBytes(),
            timeLimit: UInt64(seconds) * 1_000_000_000, memoryLimit: bytes, stopped: nil)
        running.withLock { $0[ticket] = entry }
        return ticket
    }

    /// Stops watching; why the transformation was stopped, if it was.
    func end(_ ticket: Int) -> Verdict? {
        running.withLock { $0.removeValue(forKey: ticket)?.stopped }
    }

    private func startThread() {
        guard !started.load(ordering: .acquiring) else { return }
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        _ = pthread_create(&thread, &attributes, { _ in
            while true {
                usleep(10_000)
                TransformWatch.shared.look()
            }
        }, nil)
        pthread_attr_destroy(&attributes)
    }

    /// One look at every running transformation.
    private func look() {
        let now = Self.now()
        let resident = running.withLock { $0.isEmpty } ? 0 : Self.residentBytes()
        running.withLock { entries in
            for (ticket, entry) in entries where entry.stopped == nil {
                guard let verdict = Self.verdict(entry, now: now, resident: resident),
                    let context = xsltTransformContextPtr(bitPattern: entry.context)
                else { continue }
                // Under the lock: `end` cannot free the context while it is being stopped.
                CLibXML2_stopTransform(context)
                entries[ticket]?.stopped = verdict
            }
        }
    }

    /// Whether `entry` has run too long or grown too much, as seen at `now` with `resident`
    /// bytes. Both were read before the lock, so a transformation that began in between started
    /// after `now`: it has run no time at all (the subtraction trapped on the unsigned clock, a
    /// crash of a whole run when a worker began a page at that instant).
    static func verdict(_ entry: Running, now: UInt64, resident: Int) -> Verdict? {
        let elapsed = now > entry.started ? now - entry.started : 0
        if elapsed > entry.timeLimit { return .time(seconds: Int(entry.timeLimit / 1_000_000_000)) }
        if resident - entry.residentAtStart > entry.memoryLimit { return .memory(mebibytes: entry.memoryLimit >> 20) }
        return nil
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The process's resident memory (/proc/self/statm's second field, in pages); 0 where
    /// there is no /proc.
    static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return 0 }
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
