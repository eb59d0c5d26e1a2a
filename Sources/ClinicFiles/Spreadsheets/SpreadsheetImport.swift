import FastText
import MBXML
import MuscleBalanceCore
import Spreadsheets

/// A spreadsheet made into the measurement format as libxml2 reads it, row by row, so that
/// the schema, the rules and every error path are those of an XML file, and a million rows
/// cost the memory of one patient.
///
/// Each element is written on the line whose number is its row's (`SheetRow.row`): a
/// problem the schema or the rules find on line 812 is on row 812 of the sheet, and so is
/// "first on line 812" in a message. Which column, `SheetPositions` says from what each line
/// holds. Problems of the cells themselves (text in a number cell, a date in another format)
/// are found here, before the XML: they are given to the patient they belong to, so that
/// patient is skipped like one with a schema error, and the rest of the sheet goes on.
///
/// One job a file: this one the state, the pump and the writing; `+Header` the header row,
/// `+Rows` a row's readings, `+Patients` the patient and session elements, `+PendingMeasure`
/// a session's measures held until it closes.
public final class SpreadsheetImport: XMLByteProducer {
    public let file: String
    /// Where each line's elements came from in the sheet, for placing problems.
    public let positions: SheetPositions
    /// Problems of the sheet as a whole (its header, rows that belong to no patient).
    public internal(set) var looseProblems: [Diagnostic] = []

    var reader: any SheetReader
    /// The rows come gathered by patient (a sheet in date order): not in row order, so each
    /// is written on a line of its own past the one before, and `positions` says its row.
    var gathered = false
    /// The XML line of the row being read: its row, or (gathered) the next line free.
    var line = 0
    let options: SheetImportOptions
    let cells: SheetCells
    let directory: PatientDirectory?
    var layout: SheetImportOptions.Layout = .long
    var columns = SheetColumns()
    var map: ColumnMap?
    var testNameColumn: Int?
    var headerNames: [String] = []

    /// Indented, an element a line, as a person would write the file (`mbt import`); else each
    /// element on its row's line, for positions.
    public var pretty = false {
        // An import places no problem (it ran `validate` first): positions kept for nothing
        // grew with the sheet, 100 MB for a million rows.
        didSet { positions.recording = !pretty }
    }

    var out: [UInt8] = []
    /// The long layout's last unit cell and the unit it reads as.
    var lastUnit: (text: String, unit: String)?
    var outStart = 0
    var outLine = 1
    var started = false
    var finished = false
    var patients = 0

    // The patient, session and measure open now.
    var patientID: String?
    /// The XML line of the open patient's `<patient>`, and the row it came from.
    var patientLine = 0
    var patientRow = 0
    var patientDetails: [SheetColumns.Detail: (text: String, row: Int)] = [:]
    /// Each detail's column (-1: none), by `Detail.ordinal`.
    var detailColumns = [Int](repeating: -1, count: SheetColumns.Detail.allCases.count)
    /// The cells of the patient's and the session's first row as written, by ordinal: a later
    /// row saying the same (nearly every row) is passed over without trimming or parsing.
    var firstCells = [String](repeating: "", count: SheetColumns.Detail.allCases.count)
    var sessionRawDate = ""
    var patientProblems: [Diagnostic] = []
    var sessionOpen = false
    var sessionDate = ""
    var sessionRow = 0
    var sessionDetails: [SheetColumns.Detail: (text: String, row: Int)] = [:]
    /// The open session's measures, written when it closes: a device stores a re-test as
    /// another row of the same test, and rows of the same test, side and unit in one session
    /// are trials of one measure (the protocol's combine rule makes one value). A session is a
    /// few dozen rows, so this holds little whatever the sheet's size.
    var pending: [PendingMeasure] = []
    /// The open session's outcome elements, written after its measures, each on its row's line.
    var pendingOutcomes: [(line: Int, column: Int, instrument: String, text: String)] = []
    /// The measure the row before added to: a long layout's trial 2 must follow its trial 1.
    var lastPending: Int?
    /// Measures written in the open session.
    var sessionMeasures = 0
    /// A long layout's measure whose trial row had a bad cell: its later trials are not read
    /// (the patient has an error already), and not reported as out of order.
    var brokenMeasure: (test: String, side: String?)?
    var problemsByLine: [Int: [Diagnostic]] = [:]
    var unknownTestNames: Set<String> = []

    public init(reader: any SheetReader, options: SheetImportOptions) throws(SheetError) {
        self.reader = reader
        self.file = reader.file
        self.options = options
        cells = SheetCells(decimalComma: options.decimalComma, dateOrder: options.dateOrder ?? options.map?.dateOrder)
        map = options.map
        if let patientsFile = options.patientsFile {
            directory = try PatientDirectory(path: patientsFile, options: options)
        } else {
            directory = nil
        }
        positions = SheetPositions(file: reader.file, sheet: reader.sheet, directory: directory)
    }

    /// Opens the sheet at `path` (CSV, or a workbook by its name) for import.
    public static func open(path: String, options: SheetImportOptions) throws(SheetError) -> SpreadsheetImport {
        try SpreadsheetImport(reader: SheetSource.open(path: path, delimiter: options.delimiter, sheet: options.sheet, encoding: options.encoding), options: options)
    }

    /// The cell problems of the patient whose `<patient>` is on `line`, handed out once.
    public func problems(ofPatientOnLine line: Int) -> [Diagnostic] {
        problemsByLine.removeValue(forKey: line) ?? []
    }

    /// Problems of the patients file (duplicate ids, bad cells), for the sheet as a whole.
    public var directoryProblems: [Diagnostic] { directory?.problems ?? [] }

    public func produce(into buffer: UnsafeMutableRawBufferPointer) throws(XMLReadError) -> Int {
        do {
            while out.count - outStart < buffer.count && !finished { try pump() }
        } catch {
            throw XMLReadError([XMLDiagnostic(
                severity: .error, stage: error.unreadable ? .io : .parse, line: error.row, column: error.row > 0 ? max(error.column, 1) : 0,
                message: error.message)])
        }
        let n = min(buffer.count, out.count - outStart)
        if n > 0 {
            out.withUnsafeBytes { raw in buffer.baseAddress!.copyMemory(from: raw.baseAddress! + outStart, byteCount: n) }
            outStart += n
        }
        if outStart == out.count {
            out.removeAll(keepingCapacity: true)
            outStart = 0
        } else if outStart > 1 << 16 {
            out.removeFirst(outStart)
            outStart = 0
        }
        return n
    }

    // MARK: rows

    func pump() throws(SheetError) {
        if !started {
            started = true
            try readHeader()
            return
        }
        guard let row = try reader.next() else {
            closePatient()
            guard patients > 0 else {
                throw SheetError("the sheet has a header but no rows of readings under it", row: 1, column: 1)
            }
            writeLiteral("\n</measurements>\n")
            finished = true
            return
        }
        line = row.row > line ? row.row : line + 1
        if gathered { positions.addRow(line: line, row: row.row) }
        switch layout {
        case .long: longRow(row)
        case .wide, .auto: wideRow(row)
        }
        // A value past the header's last column would be read by nothing: a shifted row, or a
        // reading whose column lost its name (issue 28).
        if row.cells.count > headerNames.count,
            let extra = (headerNames.count..<row.cells.count).first(where: { !SheetCells.trimmed(row.cells[$0]).isEmpty })
        {
            // "10,8" typed with a decimal comma in a comma-separated sheet: two cells, the second
            // one past the header.
            let before = extra > 0 ? SheetCells.trimmed(row.cells[extra - 1]) : ""
            let after = SheetCells.trimmed(row.cells[extra])
            let digits: (String) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
            let decimalComma = extra == headerNames.count && row.cells.count == extra + 1 && digits(after) && Double(before) != nil
                ? "; if '\(before),\(after)' is one reading with a decimal comma, write \(before).\(after) (or quote the cell)" : ""
            let p = problem(
                .error, "the row has '\(row.cells[extra])' in column \(extra + 1), past the header's last column (\(headerNames.count)); name the column in the header or move the value\(decimalComma)",
                row: row.row, column: extra + 1)
            if patientID != nil { patientProblems.append(p) } else { looseProblems.append(p) }
        }
    }

    // MARK: writing

    /// Where the next element goes: its row's line, or (pretty) a new line indented by depth.
    func begin(_ row: Int, depth: Int) {
        if pretty {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        } else {
            moveTo(row)
        }
    }

    func moveTo(_ row: Int) {
        guard row > outLine else { return }
        out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: row - outLine))
        outLine = row
    }

    /// The format's own markup, from the literal's bytes.
    func writeLiteral(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    func write(_ text: String) {
        // From the string's own bytes: appending a UTF8View goes byte by byte (169
        // instructions a call, 338,400 calls per 1,000 patients of a long sheet).
        if text.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: text.utf8)
        }
    }

    func warning(_ message: String, row: Int, column: Int) {
        looseProblems.append(problem(.warning, message, row: row, column: column))
    }

    func problem(_ severity: Diagnostic.Severity, _ message: String, row: Int, column: Int) -> Diagnostic {
        Diagnostic(severity, file: file, line: row, column: max(column, 1), message: message, sheet: reader.sheet)
    }

    /// A cell's text for an attribute; a character XML cannot hold is a problem of the cell
    /// (and is replaced, so the row still reads).
    func escapedCell(_ text: String, _ row: SheetRow, _ detail: SheetColumns.Detail) -> String {
        if let bad = SheetCells.forbiddenCharacter(text) {
            let code = String(bad.value, radix: 16, uppercase: true)
            let message = bad.value == 0xFFFD
                ? "\(detail.rawValue) holds bytes that are not UTF-8 text: the sheet was saved in another encoding (Latin-1 or Windows-1252?); save it as \"CSV UTF-8\", or read it with --encoding windows-1252 (or latin-1)"
                : bad.value == 0xFEFF
                ? "\(detail.rawValue) holds a byte-order mark (U+FEFF), which only a file's start may hold: two files joined into one? Remove it, and the second header after it"
                : "\(detail.rawValue) holds a control character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); remove it"
            patientProblems.append(problem(.error, message, row: row.row, column: column(detail)))
            return escaped(String(String.UnicodeScalarView(text.unicodeScalars.map { SheetCells.forbiddenCharacter(String($0)) == nil ? $0 : "\u{FFFD}" })))
        }
        return escaped(text)
    }

    func escaped(_ text: String) -> String { xmlAttributeText(text) }
}
