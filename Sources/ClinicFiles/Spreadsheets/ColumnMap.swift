import MuscleBalanceCore
import Spreadsheets

/// Which column of a device's export means what (`--map FILE`): the export's own headers,
/// each given a role, and for readings the test, side and unit, on the rows of which test.
/// mbt never guesses a mapping: a column the map does not name is reported once and not
/// read, and so is a test name it does not know. A vendor's own asymmetry or ratio columns
/// are left out (role `ignore`): mbt computes those itself from the readings.
///
/// The map is a CSV file with the header `role,column,when,test,side,unit`:
///
///     patient_id,Name,,,,
///     session_date,Date UTC,,,,
///     date_format,dd/mm/yyyy,,,,
///     test_name,Test,,,,
///     reading,L Max Outer Force (N),Hip AD/AB,hip-abduction-strength,left,N
///     ignore,Max Imbalance (%),,,,
///     profile_birth_date,Date of Birth,,,,
///
/// Roles: patient_id, session_date, assessor, blood_pressure, test_name, date_format,
/// reading, outcome (a patient-reported outcome: the instrument's id in `test`, and in `unit`
/// what the cell holds, score, items or activities), ignore, and profile_<detail> (patient_id, sex, birth_date, body_mass_kg,
/// height_cm, conditions) for the columns of the patients file (`--patients`).
public struct ColumnMap: Sendable {
    public let path: String
    public private(set) var dateOrder: DateOrder?
    private(set) var details: [SheetColumns.Detail: String] = [:]
    private(set) var testNameHeader: String?
    private(set) var readings: [Reading] = []
    /// Patient-reported outcome columns: the column, the instrument, what its cell holds.
    private(set) var outcomes: [(header: String, when: String?, instrument: String, kind: SheetColumns.OutcomeColumn.Kind)] = []
    private(set) var ignored: Set<String> = []
    /// The patients file's headers and what each is.
    private(set) var profileColumns: [String: SheetColumns.Detail] = [:]
    private var knownTestNames: Set<String> = []

    struct Reading: Sendable {
        var header: String
        var when: String?
        var test: String
        var side: String?
        var unit: String
    }

    /// Reads and checks the map; every problem is an error at its line of the map.
    public init(path: String) throws(SheetError) {
        self.path = path
        let reader = try CSVSheetReader(path: path)
        guard let header = try reader.next() else { throw SheetError("the map \(path) is empty; its first row is role,column,when,test,side,unit", row: 1, column: 1) }
        let expected = ["role", "column", "when", "test", "side", "unit"]
        guard header.cells.map({ SheetCells.trimmed($0).lowercased() }).prefix(6).elementsEqual(expected) else {
            throw SheetError("the map \(path) must start with the header role,column,when,test,side,unit", row: header.row, column: 1)
        }
        let sides = SheetCells(decimalComma: false, dateOrder: nil)
        while let row = try reader.next() {
            let role = SheetCells.trimmed(row[0]).lowercased()
            let column = SheetCells.trimmed(row[1])
            if role.hasPrefix("#") || role.isEmpty { continue }
            guard !column.isEmpty else { throw SheetError("the map's \(role) row names no column", row: row.row, column: 2) }
            switch role {
            case "patient_id", "session_date", "assessor", "blood_pressure":
                details[SheetColumns.Detail(rawValue: role)!] = column
            case "test_name":
                testNameHeader = column
            case "date_format":
                guard let order = DateOrder(argument: column) else {
                    throw SheetError("date_format '\(column)' is not one mbt reads: dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd", row: row.row, column: 2)
                }
                dateOrder = order
            case "ignore":
                ignored.insert(column)
            case "reading":
                let test = SheetCells.trimmed(row[3])
                guard !test.isEmpty else { throw SheetError("the map's reading '\(column)' names no test", row: row.row, column: 4) }
                var side: String?
                if let outcome = sides.side(row[4]) {
                    guard case .ok(let s) = outcome else { throw SheetError("side '\(row[4])' of '\(column)' is neither left nor right (or empty for a midline test)", row: row.row, column: 5) }
                    side = s
                }
                guard let unit = SheetCells.unit(row[5]) else {
                    throw SheetError("unit '\(row[5])' of '\(column)' is not one mbt reads; use N, kgf, lbf, deg, cm, mm, in or s", row: row.row, column: 6)
                }
                let when = SheetCells.trimmed(row[2])
                readings.append(Reading(header: column, when: when.isEmpty ? nil : when, test: test, side: side, unit: unit))
                if !when.isEmpty { knownTestNames.insert(when) }
            case "outcome":
                // outcome,Pain NRS,,nprs,,score: the column, the instrument, what the cell holds.
                let instrument = SheetCells.trimmed(row[3])
                guard !instrument.isEmpty else { throw SheetError("the map's outcome '\(column)' names no instrument (its id in the test column: nprs, odi...)", row: row.row, column: 4) }
                let written = SheetCells.trimmed(row[5]).lowercased()
                guard let kind = SheetColumns.OutcomeColumn.Kind(rawValue: written.isEmpty ? "score" : written) else {
                    throw SheetError("the map's outcome '\(column)' holds '\(row[5])'; write score, items or activities in the unit column", row: row.row, column: 6)
                }
                let when = SheetCells.trimmed(row[2])
                outcomes.append((column, when.isEmpty ? nil : when, instrument, kind))
                if !when.isEmpty { knownTestNames.insert(when) }
            default:
                if role.hasPrefix("profile_"), let detail = SheetColumns.Detail(rawValue: String(role.dropFirst(8))),
                    detail == .patientID || SheetColumns.Detail.patientDetails.contains(detail)
                {
                    profileColumns[column] = detail
                } else {
                    throw SheetError("role '\(role)' is not one the map knows: patient_id, session_date, assessor, blood_pressure, test_name, date_format, reading, outcome, ignore, profile_<detail>", row: row.row, column: 1)
                }
            }
        }
        guard details[.patientID] != nil, details[.sessionDate] != nil, !readings.isEmpty else {
            throw SheetError("the map \(path) must name the patient_id and session_date columns and at least one reading", row: 1, column: 1)
        }
        if testNameHeader == nil, readings.contains(where: { $0.when != nil }) {
            throw SheetError("the map \(path) has readings for some tests only ('when') but no test_name column to tell the tests apart", row: 1, column: 1)
        }
    }

    /// The export's header matched to the map: the columns of each role, a group per
    /// reading, and the column of the test name. Columns the map does not name are warned of.
    func columns(header: [String], row: Int, warn: (String, Int) -> Void) throws(SheetError) -> (SheetColumns, testName: Int?) {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where !name.isEmpty && index[name] == nil { index[name] = i }
        func find(_ name: String, _ what: String) throws(SheetError) -> Int {
            guard let i = index[name] else {
                throw SheetError("the map \(path) names column '\(name)' (\(what)), which the sheet's header does not have", row: row, column: 1)
            }
            return i
        }
        var columns = SheetColumns()
        for (detail, name) in details { columns.details[detail] = try find(name, detail.rawValue) }
        let testName = try testNameHeader.map { name throws(SheetError) in try find(name, "test_name") }
        var used = Set(columns.details.values)
        if let testName { used.insert(testName) }
        for reading in readings {
            let c = try find(reading.header, "reading")
            used.insert(c)
            columns.groups.append(SheetColumns.MeasureGroup(test: reading.test, side: reading.side, unit: reading.unit, valueColumn: c, when: reading.when))
        }
        for outcome in outcomes {
            let c = try find(outcome.header, "outcome")
            used.insert(c)
            columns.outcomes.append(SheetColumns.OutcomeColumn(instrument: outcome.instrument, kind: outcome.kind, column: c, when: outcome.when))
        }
        for (i, name) in header.enumerated() where !name.isEmpty && !used.contains(i) && !ignored.contains(name) {
            warn("column '\(name)' is not in the map \(path); it is not read (map it, or list it as ignore)", i + 1)
        }
        return (columns, testName)
    }

    /// Whether the map reads rows of this test.
    func knows(testName: String) -> Bool { knownTestNames.contains(testName) || readings.contains { $0.when == nil } }
}
