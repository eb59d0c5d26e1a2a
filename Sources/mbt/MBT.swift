import FastText
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct MBT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mbt",
        abstract: "MuscleBalance: from strength and flexibility measurements to a corrective plan.",
        discussion: """
            Protocols (what is measured and how it is judged) live in Protocols/. Clinic files \
            list patients, sessions and measures in the urn:musclebalance:measurements:1 format.

            Exit status: 0 all good, 1 some file has errors, 2 usage error or unreadable file.
            """,
        subcommands: [Validate.self, Score.self, Report.self, Generate.self]
    )

    /// ArgumentParser exits 64 for usage errors; mbt promises 2.
    static func main() {
        do {
            let split = FileArguments.split(Array(CommandLine.arguments.dropFirst()), commands: [Score.self, Validate.self])
            var command = try parseAsRoot(split.forParser)
            if let files = split.files, var takesFiles = command as? any TakesManyFiles {
                takesFiles.files = files
                command = takesFiles
            }
            try command.run()
        } catch let failure as EnvironmentFailure {
            writeStandardError("error: \(failure.message)\n")
            Glibc.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                writeStandardError(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Writes to file descriptor 2 directly: the C `stderr` global is not concurrency-safe in
/// Swift 6.
func writeStandardError(_ text: String) {
    _ = writeAll(2, text)
}

/// Writes all of `text` to a file descriptor; false on an error (errno says which).
func writeAll(_ descriptor: Int32, _ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes -> Bool in
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            let written = retryingOnInterrupt { write(descriptor, base + offset, bytes.count - offset) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

/// Something outside the arguments stops the command (an output folder that cannot be written,
/// missing schemas): said plainly, exit status 2, no usage text.
struct EnvironmentFailure: Error {
    var message: String
}
