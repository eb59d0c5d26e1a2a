import BatchEngine
import FastText
import Dispatch
import Locks
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// One file as `mbt validate` prints it: its result, and its problems as terminal lines,
/// errors and warnings apart (errors are printed first), each kept in memory up to a quarter
/// of a megabyte and spilled to a private folder past that: half a million warnings cost
/// disk, not memory.
public final class ValidatedFile: @unchecked Sendable {
    // @unchecked: filled by one file's check, then read once by `finished`, in order, after it.
    public private(set) var result: FileValidation
    public let errors: SpillingRows
    public let warnings: SpillingRows
    /// Set when a spill could not be written (a full disk): some lines are missing.
    public private(set) var spillFailure: String?

    init(result: FileValidation, errors: SpillingRows, warnings: SpillingRows, spillFailure: String?) {
        self.result = result
        self.errors = errors
        self.warnings = warnings
        self.spillFailure = spillFailure
    }
}

extension FileValidator {
    /// Checks every file on all cores, each in bounded memory, and hands each to `finished` in
    /// input order as soon as it and every file before it are done. `displayName` names a
    /// file in its lines (standard input's copy is `-`); warnings are dropped unless
    /// `keepWarnings` (they are still counted).
    public func validate(
        paths: [String], keepWarnings: Bool, spillDirectory: String, displayName: @escaping @Sendable (String) -> String,
        finished: @escaping @Sendable (ValidatedFile) -> Void
    ) {
        struct Order {
            var done: [ValidatedFile?]
            var next = 0
        }
        let order = Locked(Order(done: Array(repeating: nil, count: paths.count)))
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let errors = SpillingRows(directory: spillDirectory)
            let warnings = SpillingRows(directory: spillDirectory)
            var spillFailure: String?
            var result = validate(path: paths[index]) { batch in
                var errorLines: [UInt8] = [], warningLines: [UInt8] = []
                var errorCount = 0, warningCount = 0
                for diagnostic in batch {
                    var d = diagnostic
                    d.file = displayName(d.file)
                    if d.severity == .error {
                        errorLines.appendBytes(d.description + "\n")
                        errorCount += 1
                    } else if keepWarnings {
                        warningLines.appendBytes(d.description + "\n")
                        warningCount += 1
                    }
                }
                do throws(AtomicOutputFile.Failure) {
                    if errorCount > 0 { try errors.append(csvLines: errorLines, count: errorCount) }
                    if warningCount > 0 { try warnings.append(csvLines: warningLines, count: warningCount) }
                } catch {
                    spillFailure = spillFailure ?? error.description
                }
            }
            result.path = displayName(result.path)
            let file = ValidatedFile(result: result, errors: errors, warnings: warnings, spillFailure: spillFailure)
            order.withLock { o in
                o.done[index] = file
                while o.next < paths.count, let ready = o.done[o.next] {
                    finished(ready)
                    o.done[o.next] = nil
                    o.next += 1
                }
            }
        }
    }
}
