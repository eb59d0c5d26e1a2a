import ArgumentParser
import ClinicFiles

/// How `validate`, `score`, `report` and `import` read a spreadsheet (`.csv`, `.tsv`, `.xlsx`):
/// its layout and the writing of its cells. An XML clinic file ignores them.
struct SheetOptions: ParsableArguments {
    static let optionsWithValues: Set<String> = ["--layout", "--delimiter", "--date-format", "--encoding", "--sheet", "--patients", "--map", "--clinic"]

    @Option(name: .long, help: ArgumentHelp("""
        long (a row per reading: patient_id, session_date, test, side, unit, value, trial...), \
        wide (a row per session, a column per test and side: 'hip-abduction-strength L (N)', \
        trials '... t1') or auto (long if the header has test and value columns).
        """, valueName: "layout"))
    var layout: SheetImportOptions.Layout = .auto

    @Option(name: .long, help: ArgumentHelp("The CSV delimiter: ',' (default), ';', tab or '|'.", valueName: "char"))
    var delimiter: String = ","

    @Flag(name: .long, help: "Numbers are written with a decimal comma (12,5); needs --delimiter ';' or tab.")
    var decimalComma = false

    @Option(name: .long, help: ArgumentHelp("Read dates written dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd (default: yyyy-mm-dd only).", valueName: "order"))
    var dateFormat: String?

    @Option(name: .long, help: ArgumentHelp("""
        What a CSV or TSV file was saved in: utf-8 (default), windows-1252 (Excel's "CSV (Comma \
        delimited)" on Windows) or latin-1. Without it, text that is not UTF-8 is an error at its cell.
        """, valueName: "name"))
    var encoding: String?

    @Option(name: .long, help: ArgumentHelp("The workbook's sheet to read (default: its first).", valueName: "name"))
    var sheet: String?

    @Option(name: .long, help: ArgumentHelp("""
        A sheet of the patients' details (patient_id, patient_name, sex, birth_date, \
        body_mass_kg, height_cm, conditions), joined to the readings by patient_id.
        """, valueName: "file"))
    var patients: String?

    @Option(name: .long, help: ArgumentHelp("""
        Read a device's export through a column map (CSV: role,column,when,test,side,unit; \
        Examples/vald-style.map.csv is one).
        """, valueName: "file"))
    var map: String?

    @Option(name: .long, help: ArgumentHelp("The clinic's name for the reports' header (a sheet has none).", valueName: "name"))
    var clinic: String?

    func validate() throws {
        guard delimiterByte != nil else {
            throw ValidationError("--delimiter takes ',', ';', tab or '|', not '\(delimiter)'")
        }
        if decimalComma && delimiterByte == UInt8(ascii: ",") {
            throw ValidationError("--decimal-comma needs another delimiter than ',' (--delimiter ';' or tab): 12,5,7 cannot be read")
        }
        if let dateFormat, DateOrder(argument: dateFormat) == nil {
            throw ValidationError("--date-format takes dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd, not '\(dateFormat)'")
        }
        var probe = SheetImportOptions(protocolID: "")
        if let encoding, !probe.setEncoding(named: encoding) {
            throw ValidationError("--encoding takes \(SheetImportOptions.encodingNames.joined(separator: ", ")), not '\(encoding)'")
        }
    }

    var delimiterByte: UInt8? {
        switch delimiter {
        case ",": UInt8(ascii: ",")
        case ";": UInt8(ascii: ";")
        case "|": UInt8(ascii: "|")
        case "tab", "\\t", "\t", "TAB": 9
        default: nil
        }
    }

    /// The import options for a run, the protocol read from --protocol if given.
    func importOptions(library: ProtocolLibrary, protocolOverride: String?) throws -> SheetImportOptions {
        var protocolID = ProtocolLibrary.defaultProtocolID
        if let protocolOverride, let loaded = library.load(path: protocolOverride).balanceProtocol {
            protocolID = loaded.id
        }
        var options = SheetImportOptions(protocolID: protocolID)
        options.layout = layout
        options.delimiter = delimiterByte ?? UInt8(ascii: ",")
        options.decimalComma = decimalComma
        options.dateOrder = dateFormat.flatMap(DateOrder.init(argument:))
        if let encoding { _ = options.setEncoding(named: encoding) }
        options.sheet = sheet
        options.patientsFile = patients
        options.clinic = clinic
        if let map {
            do {
                options.map = try ColumnMap(path: map)
            } catch {
                let place = error.row > 0 ? "\(map):\(error.row):\(max(error.column, 1))" : map
                throw EnvironmentFailure(message: "\(place): \(error.message)")
            }
        }
        return options
    }
}

extension SheetImportOptions.Layout: ExpressibleByArgument {}
