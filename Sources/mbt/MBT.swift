import FastText
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct MBT: ParsableCommand {
    /// Raised with each release; `mbt --version` prints it, and the manual's date goes with it.
    static let version = "0.21.0"

    static let configuration = CommandConfiguration(
        commandName: "mbt",
        abstract: "MuscleBalance: from strength and flexibility measurements to a corrective plan.",
        discussion: """
            Protocols (what is measured and how it is judged) live in Protocols/ (installed: \
            PREFIX/share/mbt/Protocols, found beside the binary). Clinic files list patients, \
            sessions and measures in the urn:musclebalance:measurements:1 format.

            Exit status: 0 all good, 1 some file has errors, 2 usage error or unreadable file.
            """,
        version: "mbt \(version)",
        subcommands: [Validate.self, Score.self, Report.self, Import.self, Template.self, Merge.self, HistoryCommand.self, Generate.self]
    )

    /// ArgumentParser exits 64 for usage errors; mbt promises 2.
    static func main() {
        // A file-size limit (ulimit -f) then fails a write with EFBIG, which every command
        // reports with the file it was writing, instead of the kernel killing mbt mid-write
        // (standard input copied on past the limit died of SIGXFSZ).
        signal(SIGXFSZ, SIG_IGN)
        do {
            let split = FileArguments.split(Array(CommandLine.arguments.dropFirst()), commands: [Score.self, Validate.self])
            var command = try parseAsRoot(split.forParser)
            if let files = split.files, var takesFiles = command as? any TakesManyFiles {
                takesFiles.files = files
                command = takesFiles
            }
            try command.run()
        } catch let failure as EnvironmentFailure {
            writeStandardError("error: " + VisibleText.escaped(VisibleText.shortened(failure.message)) + "\n")
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

/// Something outside the arguments stops the command (an output folder that cannot be written,
/// missing schemas): said plainly, exit status 2, no usage text.
struct EnvironmentFailure: Error {
    var message: String
}
