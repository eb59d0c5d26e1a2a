import MBXML
import MuscleBalanceCore
import Spreadsheets

/// A clinic file read one patient at a time, whatever it is: the measurement XML, or a
/// spreadsheet (CSV, Excel) made into that XML on the fly (`SpreadsheetImport`). Either way
/// the same schema and rules check it; `place` puts each problem where the user will look,
/// a column of the XML file or a cell of the sheet.
public final class ClinicFileStream {
    public let path: String
    private let stream: MeasurementStream
    private let sheet: SpreadsheetImport?
    private var cursor: ColumnCursor?
    private var lastLine = 0

    /// Why a file cannot be read on: its problems, placed, and whether it could not be read at
    /// all (exit status 2).
    public struct Failure: Error, Sendable {
        public var diagnostics: [Diagnostic]
        public var unreadable: Bool
        /// The first error's message, for a summary line.
        public var message: String { diagnostics.first { $0.severity == .error }?.message ?? diagnostics.first?.message ?? "unreadable" }
    }

    /// Opens `path`: a spreadsheet by its name (`SheetFormat`) when `sheetOptions` is given,
    /// else the XML format.
    public init(path: String, schema: XMLSchema, sheetOptions: SheetImportOptions?) throws(Failure) {
        self.path = path
        if let options = sheetOptions, SheetFormat(path: path) != nil {
            let sheet: SpreadsheetImport
            do {
                let reader = try SheetSource.open(path: path, delimiter: options.delimiter, sheet: options.sheet, encoding: options.encoding)
                sheet = try SpreadsheetImport(reader: reader, options: options)
            } catch {
                throw Failure(
                    diagnostics: [Diagnostic(.error, file: path, line: error.row, column: error.row > 0 ? max(error.column, 1) : 0, message: error.message)],
                    unreadable: error.unreadable)
            }
            self.sheet = sheet
            do {
                stream = try MeasurementStream(producer: sheet, url: path, schema: schema)
            } catch {
                throw Failure(
                    diagnostics: (sheet.directoryProblems + sheet.looseProblems + error.diagnostics.map { $0.asDiagnostic(file: path) }).map {
                        var d = $0
                        if d.sheet == nil, d.line > 0, d.file == path { d.sheet = sheet.positions.sheet }
                        return d
                    },
                    unreadable: error.diagnostics.contains { $0.stage == .io })
            }
        } else {
            sheet = nil
            do {
                stream = try MeasurementStream(path: path, schema: schema)
            } catch {
                throw Failure(
                    diagnostics: ColumnResolver.resolve(error.diagnostics.map { $0.asDiagnostic(file: path) }, path: path),
                    unreadable: error.diagnostics.contains { $0.stage == .io })
            }
        }
    }

    /// Whether `path` is read as a spreadsheet (by its name).
    public static func isSpreadsheet(_ path: String) -> Bool { SheetFormat(path: path) != nil }

    public var header: MeasurementFileHeader { stream.header }
    public var isSpreadsheet: Bool { sheet != nil }

    /// The next patient with its spreadsheet cell problems, or nil at the end.
    public func next() throws(Failure) -> MeasurementStream.Item? {
        let found: MeasurementStream.Item?
        do {
            found = try stream.next()
        } catch {
            // What a sheet found before it broke (its header's warnings) comes first.
            let before = sheet.map { $0.directoryProblems + $0.looseProblems } ?? []
            throw Failure(
                diagnostics: place(before + error.diagnostics.map { $0.asDiagnostic(file: path) }),
                unreadable: error.diagnostics.contains { $0.stage == .io })
        }
        guard var item = found else { return nil }
        if let sheet {
            item.cellProblems = sheet.problems(ofPatientOnLine: item.patient.location.line)
            // The schema's complaints about what a bad cell left out (a session with no
            // measure, a patient with no session) say nothing the cell's own error does not.
            if item.cellProblems.contains(where: { $0.severity == .error }) { item.schemaProblems = [] }
            sheet.positions.forget(before: lastLine)
            lastLine = item.patient.location.line
        }
        return item
    }

    /// Problems outside any patient: the XML's, and a sheet's header and stray rows.
    public var looseProblems: [Diagnostic] {
        let xml = stream.looseProblems.map { $0.asDiagnostic(file: path) }
        guard let sheet else { return xml }
        return sheet.directoryProblems + sheet.looseProblems + xml
    }

    /// The diagnostics with their columns found (XML) or put on their cells (a spreadsheet).
    public func place(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        if let sheet { return sheet.positions.place(diagnostics).map(withSheet) }
        if cursor == nil { cursor = ColumnCursor(path: path) }
        return cursor!.resolve(diagnostics)
    }

    /// A problem of a workbook's cell names its sheet.
    private func withSheet(_ d: Diagnostic) -> Diagnostic {
        guard d.sheet == nil, d.line > 0, d.file == path, let name = sheet?.positions.sheet else { return d }
        var d = d
        d.sheet = name
        return d
    }
}
