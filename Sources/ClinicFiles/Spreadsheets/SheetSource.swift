import Spreadsheets

/// Opens a sheet by its file's kind: a CSV file or a workbook's sheet.
enum SheetSource {
    /// `encoding` is a CSV file's (a workbook's XML says its own).
    static func open(path: String, delimiter: UInt8, sheet: String?, encoding: TextEncoding = .utf8) throws(SheetError) -> any SheetReader {
        switch SheetFormat(path: path) {
        case .workbook: return try WorkbookSheetReader(path: path, sheet: sheet)
        case .csv, nil: return try CSVSheetReader(path: path, delimiter: delimiter, encoding: encoding)
        }
    }

    /// The reader's rows with each patient's together, `reader` itself when they are already.
    /// A CSV file is scanned for it first (its bytes, no cell made: a few percent of reading
    /// it) and gathered record by record if need be; a workbook, small by comparison, is
    /// always gathered, which costs nothing more than holding its rows when it is in order
    /// and fits the budget.
    static func byPatient(_ reader: any SheetReader, idColumn: Int) throws(SheetError) -> (reader: any SheetReader, gathered: Bool) {
        if let csv = reader as? CSVSheetReader {
            if try csv.keepsTogether(column: idColumn) { return (reader, false) }
            return (try CSVGatheredReader(path: csv.file, delimiter: csv.delimiter, keyColumn: idColumn, encoding: csv.encoding), true)
        }
        return (GatheredSheetReader(source: reader, keyColumn: idColumn, key: SheetCells.trimmed), true)
    }
}
