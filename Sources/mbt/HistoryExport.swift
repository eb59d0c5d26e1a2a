import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif
import FastText
import History
import MuscleBalance
import MuscleBalanceCore

/// `mbt history export --format csv|measurements|fhir`
struct HistoryExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Give back the store's current sessions: a measurement file, or CSV with a row per result.",
        discussion: """
            --format measurements writes a clinic file of the current sessions as entered (one \
            clinic: --clinic when the store holds several), which scores to the same reports as \
            the files they came from. --format csv writes one row per test result of every \
            current session: clinic, patient, date, revision, protocol and version, test, side, \
            value (in the test's unit), z and grade. --format fhir writes each current session \
            as a FHIR R4 transaction Bundle, one per line, as mbt score --fhir does (the sessions \
            scored again from their inputs; needs --fhir-system).

            Examples:
              mbt history export --format measurements -o clinic-back.xml
              mbt history export --format csv --patient LK-0101 --since 2026-01-01 > lk-0101.csv
              mbt history export --format fhir --fhir-system https://clinic.example/patients -o bundles.ndjson
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Option(name: .long, help: "measurements, csv or fhir.")
    var format: HistoryExport.Format

    @Option(name: .long, help: ArgumentHelp("With --format fhir: the clinic's identifier system for its patients (an absolute URI); mbt never invents one.", valueName: "uri"))
    var fhirSystem: String?

    @Option(name: .long, help: ArgumentHelp("With --format fhir: the code system of the tests and findings (default: the protocol's codeSystem, or urn:musclebalance:protocol:<id>).", valueName: "uri"))
    var fhirCodeSystem: String?

    @Option(name: .long, help: ArgumentHelp("One patient only.", valueName: "id"))
    var patient: String?

    @Option(name: .long, help: ArgumentHelp("One clinic only.", valueName: "name"))
    var clinic: String?

    @Option(name: .long, help: ArgumentHelp("Sessions on or after this day only (yyyy-mm-dd).", valueName: "date"))
    var since: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The file to write (default: standard output), whole or not at all.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("""
        CSV de-identified by HIPAA's Safe Harbor method: ids replaced by codes from this key \
        file (made when missing, new patients' codes added; keep it apart from the export), dates \
        as days since the patient's first session, ages over 89 as 90+, clinic and assessor left out.
        """, valueName: "keyfile"))
    var deidentify: String?

    func validate() throws {
        if let since, CivilDate(since) == nil { throw ValidationError("--since takes a date written yyyy-mm-dd, not '\(VisibleText.escaped(since))'") }
        if let deidentify, deidentify == output { throw ValidationError("the key file and the export must be two files: keep the key apart") }
        if format == .fhir && fhirSystem == nil {
            throw ValidationError("--format fhir needs --fhir-system URI: the clinic's identifier system for its patients (e.g. https://clinic.example/patients)")
        }
        if format != .fhir && (fhirSystem != nil || fhirCodeSystem != nil) { throw ValidationError("--fhir-system and --fhir-code-system go with --format fhir") }
        try checkFHIRURIs([("--fhir-system", fhirSystem), ("--fhir-code-system", fhirCodeSystem)])
        if deidentify != nil && format != .csv { throw ValidationError("--deidentify writes CSV only (--format csv): a measurement file needs the real dates") }
    }

    func run() throws {
        let store = try historyOptions.open(readOnly: true)
        let selection = HistoryExport.Selection(clinic: clinic, patientID: patient, since: since.flatMap { CivilDate($0) })
        var previousKey = ""
        var key: HistoryExport.Deidentification?
        if let deidentify {
            var info = stat()
            if stat(deidentify, &info) == 0 {
                previousKey = String(decoding: try readWhole(deidentify), as: UTF8.self)
            }
            do { key = try HistoryExport.Deidentification(key: previousKey) } catch { throw EnvironmentFailure(message: "\(deidentify): \(error.message)") }
        }
        let file = try output.map { try WholeFileWriter($0) }
        let write: (String) throws -> Void = { piece in
            if let file {
                try file.write(Array(piece.utf8))
            } else {
                guard writeAll(1, piece) else { throw EnvironmentFailure(message: "cannot write to standard output") }
            }
        }
        do {
            if format == .fhir {
                try HistoryExport.writeFHIR(
                    store, selection: selection, library: try openLibrary(nil), patientSystem: fhirSystem ?? "", codeSystem: fhirCodeSystem, today: .today(), write)
            } else {
                try HistoryExport.write(store, format: format, selection: selection, deidentify: key, write)
            }
        } catch let error as HistoryError {
            if error.unusable { throw EnvironmentFailure(message: error.message) }
            writeStandardError("error: \(error.message)\n")
            throw ExitCode(1)
        }
        try file?.commit()
        // The key after the export: a code given out is kept, or the next export would give
        // the same patient another.
        if let deidentify, let key, !key.added.isEmpty {
            try writeFileWhole(deidentify, Array(key.keyText(previous: previousKey).utf8))
        }
    }
}

extension HistoryExport.Format: ExpressibleByArgument {}
