import MuscleBalanceCore
import Spreadsheets

/// The header row: which columns are read, in which layout, and the root element it opens.
extension SpreadsheetImport {
    func readHeader() throws(SheetError) {
        guard let header = try reader.next() else {
            throw SheetError("the sheet is empty; its first row names the columns (mbt template writes one)", row: 1, column: 1)
        }
        let names = header.cells.map { SheetCells.trimmed($0) }
        headerNames = names
        try sniffDelimiter(names, row: header.row)
        if let map {
            var warnings: [(String, Int)] = []
            (columns, testNameColumn) = try map.columns(header: names, row: header.row, warn: { warnings.append(($0, $1)) })
            for (message, column) in warnings {
                // An unmapped column whose name looks clinical: refused, as in a sheet of mbt's own.
                if column >= 1, column <= names.count, let detail = SheetColumns.clinicalColumn(names[column - 1]) {
                    looseProblems.append(problem(.error, SheetColumns.clinicalColumnMessage(names[column - 1], detail), row: header.row, column: column))
                } else {
                    warning(message, row: header.row, column: column)
                }
            }
            layout = .wide
        } else {
            var found: [String: Int] = [:]
            var unread: [Int] = []
            for (index, name) in names.enumerated() where !name.isEmpty {
                if let earlier = found[name.lowercased()] {
                    throw SheetError("column '\(name)' appears twice (columns \(earlier + 1) and \(index + 1)); keep one", row: header.row, column: index + 1)
                }
                found[name.lowercased()] = index
                if let detail = SheetColumns.Detail(rawValue: name.lowercased()) {
                    columns.details[detail] = index
                } else if let outcome = SheetColumns.outcomeColumn(name, column: index) {
                    columns.outcomes.append(outcome)
                } else if let reading = SheetColumns.readingColumn(name, column: index) {
                    try addReadingColumn(reading, row: header.row)
                } else {
                    unread.append(index)
                }
            }
            let long = columns.details[.test] != nil || columns.details[.value] != nil
            switch options.layout {
            case .auto: layout = long ? .long : .wide
            case .long, .wide: layout = options.layout
            }
            if layout == .long {
                for detail in [SheetColumns.Detail.patientID, .sessionDate, .test, .side, .unit, .value] where columns.details[detail] == nil {
                    throw SheetError(
                        "no column '\(detail.rawValue)': the long layout needs patient_id, session_date, test, side, unit and value (mbt template --layout long writes them)",
                        row: header.row, column: 1)
                }
                unread += columns.groups.map(\.firstColumn) + columns.outcomes.map(\.column)
            } else {
                for detail in [SheetColumns.Detail.patientID, .sessionDate] where columns.details[detail] == nil {
                    throw SheetError(
                        "no column '\(detail.rawValue)': a wide sheet needs patient_id, session_date and a column per test and side such as 'hip-abduction-strength L (N)' (mbt template --layout wide writes them)",
                        row: header.row, column: 1)
                }
                guard !columns.groups.isEmpty else {
                    throw SheetError(
                        "no reading column: name each as test, side and unit, e.g. 'hip-abduction-strength L (N)', 'trunk-flexor-endurance (s)', trials 'hip-abduction-strength L (N) t1'; or, for one row per reading, use the long layout's test and value columns",
                        row: header.row, column: 1)
                }
                unread += SheetColumns.Detail.longReading.compactMap { columns.details[$0] }
            }
            for index in unread.sorted() {
                if layout == .wide, let message = SheetColumns.readingLookalike(names[index]) {
                    // A reading's column mistyped would drop the patient's main finding.
                    looseProblems.append(problem(.error, message, row: header.row, column: index + 1))
                } else if let detail = SheetColumns.clinicalColumn(names[index]) {
                    looseProblems.append(problem(.error, SheetColumns.clinicalColumnMessage(names[index], detail), row: header.row, column: index + 1))
                } else {
                    warning("column '\(names[index])' is not read: it is not one of mbt's columns (mbt template lists them)", row: header.row, column: index + 1)
                }
            }
        }
        positions.columns = columns
        positions.headerNames = headerNames
        positions.long = layout == .long
        for (detail, column) in columns.details { detailColumns[detail.ordinal] = column }
        line = header.row
        if let idColumn = columns.details[.patientID] {
            // A returning patient's rows need not be adjacent: they are gathered first.
            (reader, gathered) = try SheetSource.byPatient(reader, idColumn: idColumn)
        }
        var root = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + (pretty ? "\n" : "") + "<measurements xmlns=\"\(MBTNamespace.measurements)\" protocol=\"\(escaped(options.protocolID))\""
        if let clinic = options.clinic { root += " clinic=\"\(escaped(clinic))\"" }
        write(root + ">")
    }

    func addReadingColumn(_ reading: SheetColumns.ReadingColumn, row: Int) throws(SheetError) {
        // One test and side may have columns in two units (some readings taken in kgf, some
        // in N): each unit is a measure of its own, and a row giving both is measured twice.
        if let g = columns.groups.firstIndex(where: { $0.test == reading.test && $0.side == reading.side && $0.unit == reading.unit }) {
            if let trial = reading.trial {
                guard trial == columns.groups[g].trialColumns.count + 1 else {
                    throw SheetError("trial column t\(trial) of \(reading.test)\(reading.side.map { " " + $0 } ?? "") is out of order or repeated; write t1, t2, t3 in order", row: row, column: reading.column + 1)
                }
                columns.groups[g].trialColumns.append(reading.column)
            } else {
                guard columns.groups[g].valueColumn == nil else {
                    throw SheetError("\(reading.test)\(reading.side.map { " " + $0 } ?? "") has two value columns; keep one", row: row, column: reading.column + 1)
                }
                columns.groups[g].valueColumn = reading.column
            }
        } else {
            guard reading.trial == nil || reading.trial == 1 else {
                throw SheetError("trial column t\(reading.trial!) of \(reading.test) comes before its t1; write t1, t2, t3 in order", row: row, column: reading.column + 1)
            }
            columns.groups.append(SheetColumns.MeasureGroup(
                test: reading.test, side: reading.side, unit: reading.unit,
                valueColumn: reading.trial == nil ? reading.column : nil, trialColumns: reading.trial == nil ? [] : [reading.column]))
        }
    }

    /// A header that is one cell holding `;` or tabs was saved with another delimiter.
    func sniffDelimiter(_ names: [String], row: Int) throws(SheetError) {
        guard reader.sheet == nil, names.count == 1, let only = names.first else { return }
        let candidates: [(UInt8, String, String)] = [(UInt8(ascii: ";"), ";", "';'"), (9, "\t", "tab"), (UInt8(ascii: ","), ",", "','")]
        for (byte, text, flag) in candidates where byte != options.delimiter {
            let count = only.split(separator: Character(text), omittingEmptySubsequences: false).count - 1
            if count > 0 {
                throw SheetError(
                    "the header is one cell holding \(count) \(flag == "tab" ? "tabs" : "'\(text)'"): the sheet looks saved with \(flag) between cells; pass --delimiter \(flag == "tab" ? "tab" : text)",
                    row: row, column: 1)
            }
        }
    }
}
