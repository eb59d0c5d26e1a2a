import BatchEngine
import FastText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Everything mbt writes to the terminal goes through these. Text from a file (a patient id,
// a message quoting one, a file or folder name) is escaped whole where it is put into a line
// (`VisibleText`; `Diagnostic.description` does it for every diagnostic), and each sink
// escapes again, keeping only mbt's own line breaks: an escape sequence, a carriage return or
// a bidi override in a name never reaches the terminal live.

/// Writes to file descriptor 2 directly: the C `stderr` global is not concurrency-safe in
/// Swift 6.
func writeStandardError(_ text: String) {
    _ = writeAll(2, VisibleText.escapedKeepingLineBreaks(text))
}

/// Standard output, for everything but XML.
func writeStandardOutput(_ text: String) -> Bool {
    writeAll(1, VisibleText.escapedKeepingLineBreaks(text))
}

/// The progress line of an interactive `mbt score`: numbers only, and the carriage return that
/// rewrites it in place, which no other sink lets through.
/// With no counts, only the carriage return (before a line that replaces the progress line).
func writeProgress(done: Int?, total: Int?) {
    guard let done, let total else {
        _ = writeAll(2, "\r")
        return
    }
    _ = writeAll(2, "\rscored \(done)/\(total) files")
}

/// Writes all of `text` to a file descriptor; false on an error (errno says which).
func writeAll(_ descriptor: Int32, _ text: String) -> Bool {
    writeAll(descriptor, Array(text.utf8))
}

/// Writes bytes to a file descriptor whole; false on an error.
func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw -> Bool in
        guard let base = raw.baseAddress else { return true }
        var offset = 0
        while offset < raw.count {
            let written = retryingOnInterrupt { write(descriptor, base + offset, raw.count - offset) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

/// A folder of this run's own (mode 0700, in $TMPDIR or /tmp, named for its writer), removed
/// with what is left in it when the value goes; one a killed run left is removed by the next
/// (`DeadRunScratch`).
final class PrivateFolder {
    let path: String

    init() throws {
        guard let made = DeadRunScratch.makeFolder(prefix: "mbt-") else {
            throw EnvironmentFailure(message: "cannot make a temporary folder in '\(DeadRunScratch.temporaryFolder)': \(String(cString: strerror(errno)))")
        }
        path = made
    }

    deinit {
        DeadRunScratch.removeTree(path)
    }
}
