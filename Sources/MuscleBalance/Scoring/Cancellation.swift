import Synchronization

/// Set from a signal handler (SIGINT, SIGTERM) and checked between patients: the batch stops
/// at the next patient, the report being written is dropped (its temporary file removed), and
/// everything already finished stays.
public final class Cancellation: Sendable {
    private let signal = Atomic<Int32>(0)

    public init() {}

    public func cancel(signal number: Int32) {
        _ = signal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
    }

    /// The signal that cancelled the run, or 0.
    public var signalNumber: Int32 { signal.load(ordering: .relaxed) }
    public var isCancelled: Bool { signalNumber != 0 }
}

struct Interrupted: Error {}
