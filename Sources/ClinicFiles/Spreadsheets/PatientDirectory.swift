import MuscleBalanceCore
import Spreadsheets

/// The patients' details from a sheet of their own (a device's profiles export, a clinic's
/// register), joined to the readings by patient_id. Read whole: it holds one row per patient,
/// not per reading.
final class PatientDirectory {
    struct Entry {
        var row: Int
        var details: [SheetColumns.Detail: String]
    }

    let file: String
    let sheet: String?
    private(set) var problems: [Diagnostic] = []
    private var entries: [String: Entry] = [:]
    private var columns: [SheetColumns.Detail: Int] = [:]

    init(path: String, options: SheetImportOptions) throws(SheetError) {
        file = path
        let reader = try SheetSource.open(path: path, delimiter: options.delimiter, sheet: nil, encoding: options.encoding)
        sheet = reader.sheet
        guard let header = try reader.next() else {
            throw SheetError("the patients file \(path) is empty; its first row names the columns (patient_id, sex, birth_date, body_mass_kg, height_cm, conditions)")
        }
        let names = options.map?.profileColumns
        for (index, raw) in header.cells.enumerated() {
            let name = SheetCells.trimmed(raw)
            let detail: SheetColumns.Detail? = names != nil ? names![name] : SheetColumns.Detail(rawValue: name.lowercased())
            guard let detail, detail == .patientID || SheetColumns.Detail.patientDetails.contains(detail) else {
                // A patient's conditions under another name would never reach the screen.
                if !name.isEmpty, let clinical = SheetColumns.clinicalColumn(name) {
                    problems.append(Diagnostic(.error, file: path, line: header.row, column: index + 1, message: SheetColumns.clinicalColumnMessage(name, clinical), sheet: sheet))
                }
                continue
            }
            if columns[detail] != nil {
                throw SheetError("the patients file \(path) has two \(detail.rawValue) columns (\(name)); keep one", row: header.row, column: index + 1)
            }
            columns[detail] = index
        }
        guard let idColumn = columns[.patientID] else {
            throw SheetError("the patients file \(path) has no patient_id column to join on", row: header.row, column: 1)
        }
        while let row = try reader.next() {
            let id = SheetCells.trimmed(row[idColumn])
            guard !id.isEmpty else { continue }
            if let earlier = entries[id] {
                var p = Diagnostic(.error, file: path, line: row.row, column: idColumn + 1, message: "patient '\(id)' is in the patients file twice (first on line \(earlier.row)); keep one row per patient", sheet: sheet)
                p.sheet = sheet
                problems.append(p)
                continue
            }
            var details: [SheetColumns.Detail: String] = [:]
            for (detail, column) in columns where detail != .patientID {
                let text = SheetCells.trimmed(row[column])
                if !text.isEmpty { details[detail] = text }
            }
            entries[id] = Entry(row: row.row, details: details)
        }
    }

    func entry(_ id: String) -> Entry? { entries[id] }

    func column(_ detail: SheetColumns.Detail) -> Int { (columns[detail] ?? 0) + 1 }
}
