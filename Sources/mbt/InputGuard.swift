import BatchEngine

/// Refuses an `--output` that names one of the command's inputs (the clinic file, the
/// protocol, a map or patients file), whatever path names it (a symlink, `./`): checked
/// before any work, because inputs are never modified.
func refuseOverwritingInput(_ output: String?, inputs: [String?], flag: String = "--output") throws {
    guard let output, output != "-",
        let input = FileIdentity.input(overwrittenBy: output, among: inputs.compactMap { $0 })
    else { return }
    throw EnvironmentFailure(message: "refusing to write \(output): it is the input \(input); choose another \(flag)")
}
