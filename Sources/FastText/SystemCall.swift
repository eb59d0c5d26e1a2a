#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a system call (`read`, `write`) again for as long as it fails with EINTR: a signal
/// arrived before it transferred anything, so the same call is simply repeated. The one place
/// this retry is written; every other failure is the caller's to report.
@inlinable
public func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result < 0 && errno == EINTR { continue }
        return result
    }
}
