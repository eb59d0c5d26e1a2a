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
              mbt generate --patients 2000 --visits 3 --visit 1 > visit1.xml
            """
    )

    @Option(help: "How many patients.")
    var patients: Int

    @Option(help: "The seed of the generator.")
    var seed: UInt64 = 1

    @Flag(help: "Give every session each patient-reported outcome of the default protocol too.")
    var outcomes = false

    @Option(help: ArgumentHelp("See every patient this many times, a month apart from January (a course of care).", valueName: "n"))
    var visits: Int?

    @Option(help: ArgumentHelp("Write only this visit of each patient (1 to --visits): one round of visits, as a clinic's file of that day holds it.", valueName: "k"))
    var visit: Int?

    func validate() throws {
        if patients < 1 { throw ValidationError("--patients must be at least 1") }
        if let visits, !(1...12).contains(visits) { throw ValidationError("--visits must be 1 to 12 (a month apart within one year)") }
        if let visit {
            guard let visits else { throw ValidationError("--visit needs --visits (how many visits each patient has)") }
            if !(1...visits).contains(visit) { throw ValidationError("--visit must be 1 to \(visits)") }
        }
    }

    func run() throws {
        try SyntheticClinic(patients: patients, seed: seed, outcomes: outcomes, visits: visits, onlyVisit: visit).write { piece in
            if !writeAll(1, piece) { throw EnvironmentFailure(message: "cannot write to standard output: \(String(cString: strerror(errno)))") }
        }
    }
}
