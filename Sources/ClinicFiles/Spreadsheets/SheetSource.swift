import Spreadsheets

/// Opens a sheet by its file's kind: a CSV file or a workbook's sheet.
enum SheetSource {
    static func open(path: String, delimiter: UInt8, sheet: String?) throws(SheetError) -> any SheetReader {
        switch SheetFormat(path: path) {
        case .workbook: return try WorkbookSheetReader(path: path, sheet: sheet)
        case .csv, nil: return try CSVSheetReader(path: path, delimiter: delimiter)
        }
    }
}
