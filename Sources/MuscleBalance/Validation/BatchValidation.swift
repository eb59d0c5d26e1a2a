import BatchEngine
import Dispatch
import Locks
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileValidator {
    /// Checks every file, on all cores, and returns the results in input order. A failing file
    /// never stops the others.
    public func validate(paths: [String]) -> [FileValidation] {
        let results = Locked<[FileValidation?]>(Array(repeating: nil, count: paths.count))
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let result = validate(path: paths[index])
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}

extension CivilDate {
    /// Today in the machine's local time zone.
    public static func today() -> CivilDate {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return CivilDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? CivilDate(daysSinceEpoch: Int(now) / 86_400)
    }
}
