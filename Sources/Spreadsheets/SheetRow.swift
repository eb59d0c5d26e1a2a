import FastText

/// One row of a sheet as text, whatever the file: a CSV record or a workbook row. Cells are
/// indexed from 0 by column; a workbook's missing cells are empty text, as in a CSV.
public struct SheetRow: Sendable, Equatable {
    /// Where the row is: a CSV's line (of the record's first line, when a quoted cell spans
    /// several) or a workbook's row number. Errors name it.
    public var row: Int
    public var cells: [String]

    public init(row: Int, cells: [String]) {
        self.row = row
        self.cells = cells
    }

    /// Whether every cell is empty or holds only spaces and tabs: what a spreadsheet program
    /// writes for a row that was used and cleared (",,,,"). Readers skip such a row, as they
    /// skip an empty line; the scan stops at the first cell with anything in it.
    public static func isBlank(_ cells: [String]) -> Bool {
        cells.allSatisfy { cell in cell.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
    }

    /// The cell at `column` (0-based), empty past the end of the row.
    public subscript(column: Int) -> String {
        column < cells.count ? cells[column] : ""
    }
}

/// A sheet read a row at a time, so that a million rows cost no more memory than one.
public protocol SheetReader: AnyObject {
    /// The file, as the user named it.
    var file: String { get }
    /// A workbook's sheet, for positions written `Sheet1!E812`; nil for a CSV file.
    var sheet: String? { get }
    /// The next row that has any cell, or nil at the end. Throws when the file cannot be read
    /// on: it is unreadable, or broken at a place the error names.
    func next() throws(SheetError) -> SheetRow?
}

/// Why a sheet cannot be read on, and where: `row` 0 for the file as a whole.
public struct SheetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var row: Int
    /// 1-based; 0 when the problem is not in one cell.
    public var column: Int
    /// Nothing could be read (missing, a folder, no permission): exit status 2, as for XML.
    public var unreadable: Bool

    public init(_ message: String, row: Int = 0, column: Int = 0, unreadable: Bool = false) {
        self.message = message
        self.row = row
        self.column = column
        self.unreadable = unreadable
    }

    public var description: String { message }
}

extension SheetError {
    /// A row larger than a spreadsheet's (`SheetLimits`), at the cell where it overflows.
    public init(overflow: CSVRecordReader.Overflow, row: Int) {
        switch overflow.kind {
        case .cell:
            self.init(
                "this cell holds more than \(SheetLimits.cellCharacters.formatted) characters, the most a spreadsheet's cell holds; the file was not saved by a spreadsheet program, or a quote (\") opened a cell that runs on",
                row: row, column: overflow.column)
        case .columns:
            self.init(
                "the row has more than \(SheetLimits.columns.formatted) cells, the most a sheet has (A to XFD); the file was not saved by a spreadsheet program",
                row: row, column: overflow.column)
        }
    }
}

extension Int {
    /// 32767 as "32,767".
    var formatted: String {
        let digits = Array(String(self))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}

/// The kinds of sheet mbt reads, told by the file's name.
public enum SheetFormat: Sendable, Equatable {
    case csv
    case workbook

    /// `.csv`, `.tsv` and `.txt` are text; `.xlsx` and `.xlsm` are workbooks; anything else is
    /// not a sheet (an XML clinic file, say).
    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") {
            self = .csv
        } else if lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") {
            self = .workbook
        } else {
            return nil
        }
    }
}
