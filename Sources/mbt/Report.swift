import ArgumentParser
import BatchEngine
import FastText
import MuscleBalance
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one patient's report.",
        discussion: """
            Reads FILE until the patient is found, checks and scores them, and prints the \
            report of the latest session (or --session DATE) with progress since the session \
            before. --format xml prints the full XML report of that patient (all sessions); \
            html the same session as a printable page with charts (Reports/report.html.xsl); \
            handout the patient's exercise sheet in large type (Reports/handout.html.xsl); pdf \
            the html page printed by headless Chromium (chromium-headless-shell), which must be \
            installed. --stylesheet gives a clinic's own stylesheet instead.

            Examples:
              mbt report Examples/clinic-example.xml --patient RP-0002
              mbt report Examples/clinic-example.xml --patient RP-0003 --session 2026-09-15
              mbt report Examples/clinic-example.xml --patient RP-0001 --format xml
              mbt report Examples/clinic-example.xml --patient RP-0002 --format html > RP-0002.html
              mbt report Examples/clinic-example.xml --patient RP-0002 --format handout --paper letter -o handout.html
              mbt report Examples/clinic-example.xml --patient RP-0003 --format pdf -o RP-0003.pdf
              mbt report Examples/clinic-example.xml --patient RP-0003 --format fhir --fhir-system https://clinic.example/patients
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, xml, html, handout, pdf, fhir
    }

    @Argument(help: "A clinic measurement file.")
    var file: String

    @Option(name: .long, help: "The patient's id.")
    var patient: String

    @Option(name: .long, help: ArgumentHelp("The session to print (default: the latest).", valueName: "yyyy-mm-dd"))
    var session: String?

    @Option(name: .long, help: "text (printable), xml, html (page with charts), handout (the patient's exercises), pdf, or fhir (the session's FHIR R4 Bundle; needs --fhir-system).")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("With --format fhir: the clinic's identifier system for its patients (an absolute URI); mbt never invents one.", valueName: "uri"))
    var fhirSystem: String?

    @Option(name: .long, help: ArgumentHelp("With --format fhir: the code system of the tests and findings (default: the protocol's codeSystem, or urn:musclebalance:protocol:<id>).", valueName: "uri"))
    var fhirCodeSystem: String?

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write the report to this file (written whole or not at all) instead of standard output (-: standard output, as import reads it); needed for pdf on a terminal.",
        valueName: "file"))
    var output: String?

    @OptionGroup(title: "Pages") var pageOptions: PageOptions

    @OptionGroup var protocolOptions: ProtocolOptions
    @OptionGroup(title: "Spreadsheets (.csv, .tsv, .xlsx)") var sheetOptions: SheetOptions

    func validate() throws {
        if let session, CivilDate(session) == nil { throw ValidationError("--session must be a date, yyyy-mm-dd") }
        if format == .fhir && fhirSystem == nil {
            throw ValidationError("--format fhir needs --fhir-system URI: the clinic's identifier system for its patients (e.g. https://clinic.example/patients)")
        }
        if format != .fhir && (fhirSystem != nil || fhirCodeSystem != nil) { throw ValidationError("--fhir-system and --fhir-code-system go with --format fhir") }
        try checkFHIRURIs([("--fhir-system", fhirSystem), ("--fhir-code-system", fhirCodeSystem)])
        if format == .pdf && (output == nil || output == "-") && isatty(1) == 1 {
            throw ValidationError("a PDF is not for a terminal: give --output FILE.pdf, or redirect standard output")
        }
    }

    func run() throws {
        try refuseOverwritingInput(output, inputs: [file, protocolOptions.protocol, sheetOptions.map, sheetOptions.patients])
        let library = try protocolOptions.library()
        let printer = PatientReportPrinter(
            library: library, protocolOverride: protocolOptions.protocol, today: .today(),
            sheetOptions: try sheetOptions.importOptions(library: library, protocolOverride: protocolOptions.protocol))
        var pdf: PDFPrinter?
        if format == .pdf {
            // Before any work: without a browser there is no PDF to make.
            guard let found = PDFPrinter.locate() else { throw EnvironmentFailure(message: PDFPrinter.notInstalled) }
            pdf = found
        }
        let kind: PatientReportPrinter.Output
        switch format {
        case .text: kind = .text
        case .xml: kind = .xml
        case .html, .pdf: kind = .page(try pageOptions.compiled(.report, library: library))
        case .handout: kind = .page(try pageOptions.compiled(.handout, library: library))
        case .fhir: kind = .fhir(patientSystem: fhirSystem ?? "", codeSystem: fhirCodeSystem)
        }
        let standardInput = StandardInput()
        let path = try standardInput.readable([file])[0]
        let recorded = path == standardInput.path ? StandardInput.name : nil
        switch printer.report(file: path, patientID: patient, session: session.flatMap { CivilDate($0) }, output: kind, recordedAs: recorded, warn: { line in
            let shown = standardInput.path.map { line.replacing($0, with: StandardInput.name) } ?? line
            writeStandardError(shown + "\n")
        }) {
        case .success(let text):
            var bytes = Array(text.utf8)
            if let pdf {
                do {
                    bytes = try pdf.pdf(of: bytes)
                } catch {
                    throw EnvironmentFailure(message: "cannot print the PDF: \(error)")
                }
            }
            if let output, output != "-" {
                try writeWhole(bytes, to: output)
            } else if format == .text {
                // The text report is escaped as it is written; XML and HTML escape their own text.
                _ = writeStandardOutput(text)
            } else if !writeAll(1, bytes) {
                throw EnvironmentFailure(message: "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
        case .failure(let failure):
            // Messages name the copy of standard input `-`, as it was given.
            let message = standardInput.path.map { failure.message.replacing($0, with: StandardInput.name) } ?? failure.message
            writeStandardError(message + "\n")
            throw ExitCode(failure.status)
        }
    }

    /// Writes `bytes` to `path` through a temporary file renamed into place.
    private func writeWhole(_ bytes: [UInt8], to path: String) throws {
        try writeFileWhole(path, bytes)
    }
}
