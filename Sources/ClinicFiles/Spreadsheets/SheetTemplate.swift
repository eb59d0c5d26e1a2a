import MuscleBalanceCore
import Spreadsheets

/// The header of an empty sheet for a protocol (`mbt template`): the columns a clinic fills in
/// a spreadsheet program, which `mbt score` then reads as they are.
public enum SheetTemplate {
    /// The long layout's columns: a row per reading.
    public static let longColumns = [
        "patient_id", "sex", "birth_date", "body_mass_kg", "height_cm", "conditions",
        "session_date", "assessor", "blood_pressure", "screened", "test", "side", "unit", "value", "trial",
    ]

    static let wideDetails = ["patient_id", "sex", "birth_date", "body_mass_kg", "height_cm", "conditions", "session_date", "assessor", "blood_pressure", "screened"]

    /// The wide layout's columns for `balanceProtocol`: the details, then each test in the
    /// protocol's order, left then right, in the test's own unit; `trials` above 1 gives
    /// t1...tN columns instead of one value column.
    public static func wideColumns(_ balanceProtocol: BalanceProtocol, trials: Int) -> [String] {
        var columns = wideDetails
        for test in balanceProtocol.tests {
            let sides: [String?] = test.sides == .bilateral ? ["left", "right"] : [nil]
            for side in sides {
                if trials > 1 {
                    for t in 1...trials { columns.append(SheetColumns.header(test: test.id, side: side, unit: test.unit.rawValue, trial: t)) }
                } else {
                    columns.append(SheetColumns.header(test: test.id, side: side, unit: test.unit.rawValue, trial: nil))
                }
            }
        }
        // Then a column per patient-reported outcome: the answers, a value, or the activities.
        for instrument in balanceProtocol.instruments {
            let kind: SheetColumns.OutcomeColumn.Kind
            switch instrument.method {
            case .value: kind = .score
            case .mean: kind = .activities
            case .sum, .percentOfAnswered, .stratification: kind = .items
            }
            columns.append(SheetColumns.outcomeHeader(instrument: instrument.id, kind: kind))
        }
        return columns
    }

    /// The header as an Excel workbook (`mbt template -o clinic.xlsx`): frozen, with drop-down
    /// lists for the columns that take one of a few words (sex, side).
    public static func workbook(_ columns: [String]) throws -> [UInt8] {
        var lists: [Int: [String]] = [:]
        for (i, name) in columns.enumerated() {
            switch name {
            case SheetColumns.Detail.sex.rawValue: lists[i] = ["female", "male"]
            case SheetColumns.Detail.side.rawValue: lists[i] = ["left", "right"]
            default: break
            }
        }
        return try WorkbookWriter.workbook(header: columns, lists: lists, sheet: "Clinic")
    }

    /// One CSV line (RFC 4180: a field with a comma, a quote or a line break is quoted).
    public static func csvLine(_ fields: [String], delimiter: Character = ",") -> String {
        fields.map { field in
            field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
        }.joined(separator: String(delimiter)) + "\r\n"
    }
}
