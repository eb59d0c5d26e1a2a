import ArgumentParser
import MuscleBalance

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic clinic file, for benchmarks and tests.",
        discussion: """
            Deterministic: the same --patients and --seed give the same bytes. Both sexes, ages \
            18-80, every test of the default protocol with realistic values, a second session \
            for every fifth patient, some conditions and blood pressures. Not real patients.

            Example:
              mbt generate --patients 20000 > clinic-20k.xml
            """
    )

    @Option(help: "How many patients.")
    var patients: Int

    @Option(help: "The seed of the generator.")
    var seed: UInt64 = 1

    @Flag(help: "Give every session each patient-reported outcome of the default protocol too.")
    var outcomes = false

    func validate() throws {
        if patients < 1 { throw ValidationError("--patients must be at least 1") }
    }

    func run() throws {
        try SyntheticClinic(patients: patients, seed: seed, outcomes: outcomes).write { piece in
            if !writeAll(1, piece) { throw EnvironmentFailure(message: "cannot write to standard output: \(String(cString: strerror(errno)))") }
        }
    }
}
