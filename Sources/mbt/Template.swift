import ArgumentParser
import ClinicFiles
import BatchEngine
import MuscleBalance

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write an empty sheet with the protocol's columns, to fill in a spreadsheet program.",
        discussion: """
            Writes the header row of a CSV sheet that `mbt score`, `mbt validate` and \
            `mbt import` read as it is: the long layout's columns (a row per reading), or, \
            wide, one column per test and side of the protocol in the test's own unit \
            ('hip-abduction-strength L (N)'), with --trials N columns t1...tN per test.

            Examples:
              mbt template --layout wide > clinic.csv
              mbt template --layout wide --trials 3 -o clinic.csv
              mbt template --layout long --protocol my-protocol.xml -o readings.csv
              mbt template -o clinic.xlsx       (a workbook: the header frozen, lists for sex and side)
            """
    )

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case wide, long
    }

    @Option(name: .long, help: "wide (a row per session) or long (a row per reading).")
    var layout: Layout = .wide

    @Option(name: .long, help: ArgumentHelp("Trial columns per test and side in the wide layout (1: one value column).", valueName: "n"))
    var trials = 1

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The file to write (default: standard output): .xlsx a workbook, .tsv tab-separated, else CSV.", valueName: "file"))
    var output: String?

    @OptionGroup var protocolOptions: ProtocolOptions

    func validate() throws {
        if trials < 1 || trials > 20 { throw ValidationError("--trials takes 1 to 20") }
    }

    func run() throws {
        let library = try protocolOptions.library()
        try refuseOverwritingInput(output, inputs: [protocolOptions.protocol ?? library.path(forProtocolID: ProtocolLibrary.defaultProtocolID)])
        let columns: [String]
        switch layout {
        case .long:
            columns = SheetTemplate.longColumns
        case .wide:
            let path = protocolOptions.protocol ?? library.path(forProtocolID: ProtocolLibrary.defaultProtocolID)
            let loaded = library.load(path: path)
            guard let balanceProtocol = loaded.balanceProtocol else {
                throw EnvironmentFailure(message: "the protocol \(path) cannot be used; run 'mbt validate \(path)'")
            }
            columns = SheetTemplate.wideColumns(balanceProtocol, trials: trials)
        }
        // The file's name says what it is: a workbook, tab-separated text, or CSV.
        let lower = output?.lowercased() ?? ""
        if lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") {
            let bytes: [UInt8]
            do {
                bytes = try SheetTemplate.workbook(columns)
            } catch {
                throw EnvironmentFailure(message: "cannot make the workbook: \(error)")
            }
            return try writeFileWhole(output ?? "", bytes)
        }
        for other in [".ods", ".xls", ".numbers"] where lower.hasSuffix(other) {
            throw ValidationError("mbt writes a template as .csv, .tsv or .xlsx, not \(other); name the file so")
        }
        let text = SheetTemplate.csvLine(columns, delimiter: lower.hasSuffix(".tsv") ? "\t" : ",")
        if let output, output != "-" {
            try writeFileWhole(output, Array(text.utf8))
        } else if !writeAll(1, text) {
            throw EnvironmentFailure(message: "cannot write to standard output")
        }
    }
}
