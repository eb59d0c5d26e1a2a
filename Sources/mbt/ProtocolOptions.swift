import ClinicFiles
import ArgumentParser
import MuscleBalance

/// The protocol options every command that reads clinic files shares: which protocol file to
/// score or check against, and where the schemas and protocols live.
struct ProtocolOptions: ParsableArguments {
    /// The options that take a value, for `TakesManyFiles.optionsWithValues`.
    static let optionsWithValues: Set<String> = ["--protocol", "--protocols"]

    @Option(name: .long, help: ArgumentHelp(
        "Use this protocol file instead of the one each clinic file names (protocol=\"...\").", valueName: "file"))
    var `protocol`: String?

    @Option(name: .long, help: ArgumentHelp(
        "Folder holding protocol.xsd, measurements.xsd and <protocol id>.xml (default: $MBT_PROTOCOLS, ./Protocols, or the Protocols/ of the checkout mbt was built in).",
        valueName: "dir"))
    var protocols: String?

    /// The schemas and protocols, compiled once for the run.
    func library() throws -> ProtocolLibrary { try openLibrary(protocols) }
}

func openLibrary(_ directory: String?) throws -> ProtocolLibrary {
    guard let directory = directory ?? ProtocolLibrary.locateDefaultDirectory() else {
        throw EnvironmentFailure(message: "cannot find the Protocols/ folder; run from the checkout, set MBT_PROTOCOLS or pass --protocols DIR")
    }
    do {
        return try ProtocolLibrary(directory: directory)
    } catch {
        throw EnvironmentFailure(message: "the schemas in \(directory) cannot be used:\n\(error)")
    }
}
