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
public final class SpreadsheetImport: XMLByteProducer {
    public let file: String
    /// Where each line's elements came from in the sheet, for placing problems.
    public let positions: SheetPositions
    /// Problems of the sheet as a whole (its header, rows that belong to no patient).
    public private(set) var looseProblems: [Diagnostic] = []

    private var reader: any SheetReader
    /// The rows come gathered by patient (a sheet in date order): not in row order, so each
    /// is written on a line of its own past the one before, and `positions` says its row.
    private var gathered = false
    /// The XML line of the row being read: its row, or (gathered) the next line free.
    private var line = 0
    private let options: SheetImportOptions
    private let cells: SheetCells
    private let directory: PatientDirectory?
    private var layout: SheetImportOptions.Layout = .long
    private var columns = SheetColumns()
    private var map: ColumnMap?
    private var testNameColumn: Int?
    private var headerNames: [String] = []

    /// Indented, an element a line, as a person would write the file (`mbt import`); else each
    /// element on its row's line, for positions.
    public var pretty = false {
        // An import places no problem (it ran `validate` first): positions kept for nothing
        // grew with the sheet, 100 MB for a million rows.
        didSet { positions.recording = !pretty }
    }

    private var out: [UInt8] = []
    /// The long layout's last unit cell and the unit it reads as.
    private var lastUnit: (text: String, unit: String)?
    private var outStart = 0
    private var outLine = 1
    private var started = false
    private var finished = false
    private var patients = 0

    // The patient, session and measure open now.
    private var patientID: String?
    /// The XML line of the open patient's `<patient>`, and the row it came from.
    private var patientLine = 0
    private var patientRow = 0
    private var patientDetails: [SheetColumns.Detail: (text: String, row: Int)] = [:]
    /// Each detail's column (-1: none), by `Detail.ordinal`.
    private var detailColumns = [Int](repeating: -1, count: SheetColumns.Detail.allCases.count)
    /// The cells of the patient's and the session's first row as written, by ordinal: a later
    /// row saying the same (nearly every row) is passed over without trimming or parsing.
    private var firstCells = [String](repeating: "", count: SheetColumns.Detail.allCases.count)
    private var sessionRawDate = ""
    private var patientProblems: [Diagnostic] = []
    private var sessionOpen = false
    private var sessionDate = ""
    private var sessionRow = 0
    private var sessionDetails: [SheetColumns.Detail: (text: String, row: Int)] = [:]
    /// The open session's measures, written when it closes: a device stores a re-test as
    /// another row of the same test, and rows of the same test, side and unit in one session
    /// are trials of one measure (the protocol's combine rule makes one value). A session is a
    /// few dozen rows, so this holds little whatever the sheet's size.
    private var pending: [PendingMeasure] = []
    /// The measure the row before added to: a long layout's trial 2 must follow its trial 1.
    private var lastPending: Int?
    /// Measures written in the open session.
    private var sessionMeasures = 0
    /// A long layout's measure whose trial row had a bad cell: its later trials are not read
    /// (the patient has an error already), and not reported as out of order.
    private var brokenMeasure: (test: String, side: String?)?
    private var problemsByLine: [Int: [Diagnostic]] = [:]
    private var unknownTestNames: Set<String> = []

    /// One measure of the open session: where it starts, and each reading with its cell.
    private struct PendingMeasure {
        var test: String
        var side: String?
        var unit: String
        var note: String?
        /// The wide layout's column group, -1 for the long layout.
        var group: Int
        var line: Int
        /// A single value written as such (value="..."), with its cell.
        var value: (text: String, row: Int, column: Int)?
        var trials: [(text: String, row: Int, column: Int)] = []
        var lastTrial: Int?

        /// Another reading of the same measure: a single value becomes the first trial.
        mutating func addTrial(_ text: String, row: Int, column: Int) {
            if let v = value, trials.isEmpty {
                trials.append(v)
                value = nil
            }
            trials.append((text, row, column))
        }
    }

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
        try SpreadsheetImport(reader: SheetSource.open(path: path, delimiter: options.delimiter, sheet: options.sheet), options: options)
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

    private func pump() throws(SheetError) {
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
    }

    private func readHeader() throws(SheetError) {
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
                unread += columns.groups.map(\.firstColumn)
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

    private func addReadingColumn(_ reading: SheetColumns.ReadingColumn, row: Int) throws(SheetError) {
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
    private func sniffDelimiter(_ names: [String], row: Int) throws(SheetError) {
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

    // MARK: one row

    private func cell(_ row: SheetRow, _ detail: SheetColumns.Detail) -> String? {
        let column = detailColumns[detail.ordinal]
        guard column >= 0 else { return nil }
        let text = SheetCells.trimmed(row[column])
        return text.isEmpty ? nil : text
    }

    private func column(_ detail: SheetColumns.Detail) -> Int { max(detailColumns[detail.ordinal], 0) + 1 }

    /// The row's cell for `detail` as written, untrimmed; empty when there is no such column.
    private func raw(_ row: SheetRow, _ detail: SheetColumns.Detail) -> String {
        let column = detailColumns[detail.ordinal]
        return column >= 0 ? row[column] : ""
    }

    /// The patient and session the row belongs to, opened if new; false when the row cannot
    /// be placed (no id: a loose problem; a bad date: the patient's).
    private func place(_ row: SheetRow, newSessionEachRow: Bool) -> Bool {
        guard let id = cell(row, .patientID) else {
            looseProblems.append(problem(.error, "the row has no patient_id; every row needs the patient's id", row: row.row, column: column(.patientID)))
            return false
        }
        if id != patientID {
            closePatient()
            openPatient(id, row)
        } else {
            for detail in SheetColumns.Detail.patientDetails where raw(row, detail) != firstCells[detail.ordinal] {
                checkSame(row, [detail], &patientDetails, what: "patient '\(id)'")
            }
        }
        // The same day as the row before, written the same way: the same session, nothing to parse.
        let rawDate = raw(row, .sessionDate)
        if !newSessionEachRow, sessionOpen, rawDate == sessionRawDate, !rawDate.isEmpty {
            if raw(row, .assessor) != firstCells[SheetColumns.Detail.assessor.ordinal] || raw(row, .bloodPressure) != firstCells[SheetColumns.Detail.bloodPressure.ordinal]
                || raw(row, .screened) != firstCells[SheetColumns.Detail.screened.ordinal] {
                checkSame(row, [.assessor, .bloodPressure, .screened], &sessionDetails, what: "the session of \(sessionDate)")
            }
            return true
        }
        guard let dateText = cell(row, .sessionDate) else {
            patientProblems.append(problem(.error, "the row has no session_date; give the day of the session (yyyy-mm-dd)", row: row.row, column: column(.sessionDate)))
            return false
        }
        let date: String
        switch cells.date(dateText, column: "session_date") {
        case .ok(let d): date = d
        case .problem(let message):
            patientProblems.append(problem(.error, message, row: row.row, column: column(.sessionDate)))
            return false
        }
        if newSessionEachRow || !sessionOpen || date != sessionDate {
            openSession(date, row)
        } else {
            checkSame(row, [.assessor, .bloodPressure, .screened], &sessionDetails, what: "the session of \(date)")
        }
        sessionRawDate = rawDate
        return true
    }

    private func longRow(_ row: SheetRow) {
        guard place(row, newSessionEachRow: false) else { return }
        guard let test = cell(row, .test) else {
            patientProblems.append(problem(.error, "the row has no test; name the test (e.g. hip-abduction-strength) or delete the row", row: row.row, column: column(.test)))
            return
        }
        var side: String?
        if let text = cell(row, .side), let outcome = cells.side(text) {
            guard case .ok(let s) = outcome else { return report(outcome, row, .side) }
            side = s
        }
        // A sheet's rows repeat a handful of units: the last one read is kept with its text.
        let unitText = cell(row, .unit) ?? ""
        let unitOutcome: SheetCells.Outcome
        if let last = lastUnit, last.text == unitText {
            unitOutcome = .ok(last.unit)
        } else {
            unitOutcome = cells.unit(unitText)
            if case .ok(let unit) = unitOutcome { lastUnit = (unitText, unit) }
        }
        guard case .ok(let unit) = unitOutcome else {
            brokenMeasure = (test, side)
            return report(unitOutcome, row, .unit)
        }
        guard let valueText = cell(row, .value) else {
            patientProblems.append(problem(.warning, "\(test)\(side.map { " " + $0 } ?? "") has no value: an empty cell is no reading (not 0); the row is not read", row: row.row, column: column(.value)))
            return
        }
        let valueOutcome = cells.decimal(valueText, column: "value")
        guard case .ok(let value) = valueOutcome else {
            brokenMeasure = (test, side)
            return report(valueOutcome, row, .value)
        }
        var trial: Int?
        if let text = cell(row, .trial) {
            guard let n = Int(text), n >= 1 else {
                patientProblems.append(problem(.error, "trial '\(text)' is not a trial number; write 1, 2, 3 (or leave it empty for a single value)", row: row.row, column: column(.trial)))
                return
            }
            trial = n
        }
        let note = cell(row, .note)
        if let n = trial, n > 1 {
            if let broken = brokenMeasure, broken.test == test, broken.side == side { return }
            guard let i = lastPending, pending[i].test == test, pending[i].side == side, pending[i].lastTrial == n - 1 else {
                patientProblems.append(problem(
                    .error, "trial \(n) of \(test)\(side.map { " " + $0 } ?? "") does not follow its trial \(n - 1) on the row before; keep a test's trials on consecutive rows, numbered 1, 2, 3",
                    row: row.row, column: column(.trial)))
                return
            }
            guard pending[i].unit == unit else {
                patientProblems.append(problem(.error, "trial \(n) of \(test)\(side.map { " " + $0 } ?? "") is in \(unit), trial 1 in \(pending[i].unit); one measure, one unit", row: row.row, column: column(.unit)))
                return
            }
            pending[i].addTrial(value, row: row.row, column: column(.value))
            pending[i].lastTrial = n
            return
        }
        brokenMeasure = nil
        let text = escapedCell(test, row, .test)
        // A re-test: the same test, side and unit again in this session (trial 1 again, or a
        // single value again) is more trials of the same measure.
        if let i = pending.firstIndex(where: { $0.test == text && $0.side == side && $0.unit == unit }) {
            pending[i].addTrial(value, row: row.row, column: column(.value))
            pending[i].lastTrial = trial ?? pending[i].lastTrial
            // Each re-test's note is kept: a later one joins the first, never replaces it.
            if let note {
                let text = escapedCell(note, row, .note)
                if let first = pending[i].note {
                    if first != text && !first.hasSuffix("; " + text) { pending[i].note = first + "; " + text }
                } else {
                    pending[i].note = text
                }
            }
            lastPending = i
            return
        }
        var measure = PendingMeasure(
            test: text, side: side, unit: unit, note: note.map { escapedCell($0, row, .note) }, group: -1, line: line)
        if trial == nil {
            measure.value = (value, row.row, column(.value))
        } else {
            measure.trials = [(value, row.row, column(.value))]
            measure.lastTrial = 1
        }
        pending.append(measure)
        lastPending = pending.count - 1
    }

    private func wideRow(_ row: SheetRow) {
        if let map, let wanted = testNameColumn {
            // A device's row is one test: its readings come from the columns mapped for it.
            let name = SheetCells.trimmed(row[wanted])
            if !map.knows(testName: name) {
                if unknownTestNames.insert(name).inserted {
                    looseProblems.append(problem(.warning, "test '\(name)' is not in the map \(map.path); its rows are not read (add it to the map to read them)", row: row.row, column: wanted + 1))
                }
                return
            }
            guard place(row, newSessionEachRow: false) else { return }
            writeGroups(row, testName: name)
        } else {
            guard place(row, newSessionEachRow: true) else { return }
            writeGroups(row, testName: nil)
        }
    }

    private func writeGroups(_ row: SheetRow, testName: String?) {
        for (g, group) in columns.groups.enumerated() where group.when == nil || group.when == testName {
            var value: String?
            if let c = group.valueColumn {
                let text = SheetCells.trimmed(row[c])
                if !text.isEmpty {
                    switch cells.decimal(text, column: "'\(columnName(group, c))'") {
                    case .ok(let v): value = v
                    case .problem(let message):
                        patientProblems.append(problem(.error, message, row: row.row, column: c + 1))
                        continue
                    }
                }
            }
            var trials: [(String, Int)] = []
            var bad = false
            for c in group.trialColumns {
                let text = SheetCells.trimmed(row[c])
                guard !text.isEmpty else { continue }
                switch cells.decimal(text, column: "'\(columnName(group, c))'") {
                case .ok(let v): trials.append((v, c))
                case .problem(let message):
                    patientProblems.append(problem(.error, message, row: row.row, column: c + 1))
                    bad = true
                }
            }
            if bad || (value == nil && trials.isEmpty) { continue }
            let test = escaped(group.test)
            // A device's re-test of the same test in one session: more trials of its measure.
            if testName != nil, let i = pending.firstIndex(where: { $0.test == test && $0.side == group.side && $0.unit == group.unit }) {
                if let value { pending[i].addTrial(value, row: row.row, column: (group.valueColumn ?? 0) + 1) }
                for (v, c) in trials { pending[i].addTrial(v, row: row.row, column: c + 1) }
                continue
            }
            var measure = PendingMeasure(test: test, side: group.side, unit: group.unit, group: g, line: line)
            if let value { measure.value = (value, row.row, (group.valueColumn ?? 0) + 1) }
            measure.trials = trials.map { ($0.0, row.row, $0.1 + 1) }
            pending.append(measure)
        }
    }

    /// Writes the open session's measures, each on its first row's line (their trials with
    /// it: `SheetPositions` keeps the row and column of each), in the order they began.
    private func writePending() {
        for m in pending {
            begin(m.line, depth: 3)
            sessionMeasures += 1
            let occurrence = positions.addMeasure(line: m.line, group: m.group)
            writeLiteral("<measure test=\"")
            write(m.test)
            if let side = m.side {
                writeLiteral("\" side=\"")
                write(side)
            }
            writeLiteral("\" unit=\"")
            write(m.unit)
            if let note = m.note {
                writeLiteral("\" note=\"")
                write(note)
            }
            if let value = m.value {
                writeLiteral("\" value=\"")
                write(value.text)
            }
            if m.trials.isEmpty {
                writeLiteral("\"/>")
            } else {
                writeLiteral("\">")
                for trial in m.trials {
                    writeLiteral("<trial>")
                    write(trial.text)
                    writeLiteral("</trial>")
                    positions.addTrial(line: m.line, occurrence: occurrence, row: trial.row, column: trial.column)
                }
                writeLiteral("</measure>")
            }
        }
        pending.removeAll(keepingCapacity: true)
        lastPending = nil
    }

    private func columnName(_ group: SheetColumns.MeasureGroup, _ column: Int) -> String {
        if map != nil { return column < headerNames.count ? headerNames[column] : "" }
        let trial = group.trialColumns.firstIndex(of: column).map { $0 + 1 }
        return SheetColumns.header(test: group.test, side: group.side, unit: group.unit, trial: trial)
    }

    private func report(_ outcome: SheetCells.Outcome, _ row: SheetRow, _ detail: SheetColumns.Detail) {
        if case .problem(let message) = outcome {
            patientProblems.append(problem(.error, message, row: row.row, column: column(detail)))
        }
    }

    // MARK: patients and sessions

    private func openPatient(_ id: String, _ row: SheetRow) {
        patients += 1
        patientID = id
        patientLine = line
        patientRow = row.row
        patientDetails = [:]
        for detail in SheetColumns.Detail.patientDetails { firstCells[detail.ordinal] = raw(row, detail) }
        begin(line, depth: 1)
        var fromDirectory: PatientDirectory.Entry?
        if let directory {
            fromDirectory = directory.entry(id)
            if fromDirectory == nil {
                patientProblems.append(problem(.warning, "patient '\(id)' is not in \(directory.file); without sex and birth date no norm can be chosen", row: row.row, column: column(.patientID)))
            }
        }
        var tag = "<patient id=\"\(escapedCell(id, row, .patientID))\""
        var conditions: [String] = []
        var fromSheet: Set<SheetColumns.Detail> = []
        for detail in SheetColumns.Detail.patientDetails {
            var text = cell(row, detail)
            var place = (row: row.row, column: column(detail))
            if text == nil, let entry = fromDirectory, let t = entry.details[detail] {
                text = t
                place = (entry.row, directory!.column(detail))
            } else if text != nil {
                fromSheet.insert(detail)
            }
            guard let text else { continue }
            patientDetails[detail] = (text, row.row)
            let outcome: SheetCells.Outcome
            switch detail {
            case .sex: outcome = cells.sex(text)
            case .birthDate: outcome = cells.date(text, column: detail.rawValue)
            case .bodyMassKg, .heightCm: outcome = cells.decimal(text, column: detail.rawValue)
            case .conditions:
                conditions = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map { SheetCells.trimmed(String($0)) }.filter { !$0.isEmpty }
                continue
            default: continue
            }
            switch outcome {
            case .ok(let v): tag += " \(detail.attribute.name)=\"\(escaped(v))\""
            case .problem(let message):
                var p = problem(.error, message, row: place.row, column: place.column)
                if !fromSheet.contains(detail), let directory { p.file = directory.file; p.sheet = directory.sheet }
                patientProblems.append(p)
            }
        }
        positions.addPatient(line: line, directoryRow: fromDirectory?.row, fromSheet: fromSheet)
        write(tag + ">")
        for code in conditions {
            begin(line, depth: 2)
            write("<condition code=\"\(escapedCell(code, row, .conditions))\"/>")
        }
    }

    private func openSession(_ date: String, _ row: SheetRow) {
        closeSession()
        begin(line, depth: 2)
        sessionOpen = true
        sessionMeasures = 0
        brokenMeasure = nil
        sessionDate = date
        sessionRow = row.row
        sessionDetails = [:]
        firstCells[SheetColumns.Detail.assessor.ordinal] = raw(row, .assessor)
        firstCells[SheetColumns.Detail.bloodPressure.ordinal] = raw(row, .bloodPressure)
        firstCells[SheetColumns.Detail.screened.ordinal] = raw(row, .screened)
        var tag = "<session date=\"\(date)\""
        if let assessor = cell(row, .assessor) {
            tag += " assessor=\"\(escapedCell(assessor, row, .assessor))\""
            sessionDetails[.assessor] = (assessor, row.row)
        }
        if let bp = cell(row, .bloodPressure) {
            tag += " bloodPressure=\"\(escapedCell(bp, row, .bloodPressure))\""
            sessionDetails[.bloodPressure] = (bp, row.row)
        }
        if let screened = cell(row, .screened) {
            sessionDetails[.screened] = (screened, row.row)
            switch cells.date(screened, column: "screened") {
            case .ok(let d): tag += " screened=\"\(d)\""
            case .problem(let message): patientProblems.append(problem(.error, message, row: row.row, column: column(.screened)))
            }
        }
        write(tag + ">")
    }

    /// A later row of the same patient or session must not say something else.
    private func checkSame(_ row: SheetRow, _ details: [SheetColumns.Detail], _ seen: inout [SheetColumns.Detail: (text: String, row: Int)], what: String) {
        for detail in details {
            guard let text = cell(row, detail) else { continue }
            if let first = seen[detail] {
                if first.text != text {
                    patientProblems.append(problem(
                        .error, "\(detail.rawValue) '\(text)' differs from '\(first.text)' on line \(first.row) for \(what); one value, or leave the later cells empty",
                        row: row.row, column: column(detail)))
                }
            } else if detail == .assessor || detail == .bloodPressure || detail == .screened {
                // Given on a later row only: too late for the session already written.
                patientProblems.append(problem(.error, "\(detail.rawValue) is given on a later row of \(what) only; put it on its first row (line \(sessionRow))", row: row.row, column: column(detail)))
            } else {
                patientProblems.append(problem(.error, "\(detail.rawValue) is given on a later row of \(what) only; put it on the patient's first row (line \(patientRow))", row: row.row, column: column(detail)))
            }
        }
    }

    private func closeSession() {
        writePending()
        if sessionOpen {
            if sessionMeasures == 0 && !patientProblems.contains(where: { $0.severity == .error }) {
                patientProblems.append(problem(.error, "the session of \(sessionDate) has no reading: every reading cell of its rows is empty; fill them in or delete the rows", row: sessionRow, column: column(.sessionDate)))
            }
            if pretty { writeLiteral("\n    ") }
            writeLiteral("</session>")
            sessionOpen = false
        }
    }

    private func closePatient() {
        guard patientID != nil else { return }
        closeSession()
        if pretty { writeLiteral("\n  ") }
        writeLiteral("</patient>")
        if !patientProblems.isEmpty { problemsByLine[patientLine] = patientProblems }
        patientProblems = []
        patientID = nil
    }

    // MARK: writing

    /// Where the next element goes: its row's line, or (pretty) a new line indented by depth.
    private func begin(_ row: Int, depth: Int) {
        if pretty {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        } else {
            moveTo(row)
        }
    }

    private func moveTo(_ row: Int) {
        guard row > outLine else { return }
        out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: row - outLine))
        outLine = row
    }

    /// The format's own markup, from the literal's bytes.
    private func writeLiteral(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private func write(_ text: String) {
        // From the string's own bytes: appending a UTF8View goes byte by byte (169
        // instructions a call, 338,400 calls per 1,000 patients of a long sheet).
        if text.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: text.utf8)
        }
    }

    private func warning(_ message: String, row: Int, column: Int) {
        looseProblems.append(problem(.warning, message, row: row, column: column))
    }

    private func problem(_ severity: Diagnostic.Severity, _ message: String, row: Int, column: Int) -> Diagnostic {
        Diagnostic(severity, file: file, line: row, column: max(column, 1), message: message, sheet: reader.sheet)
    }

    /// A cell's text for an attribute; a character XML cannot hold is a problem of the cell
    /// (and is replaced, so the row still reads).
    private func escapedCell(_ text: String, _ row: SheetRow, _ detail: SheetColumns.Detail) -> String {
        if let bad = SheetCells.forbiddenCharacter(text) {
            let code = String(bad.value, radix: 16, uppercase: true)
            patientProblems.append(problem(.error, "\(detail.rawValue) holds a control character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); remove it", row: row.row, column: column(detail)))
            return escaped(String(String.UnicodeScalarView(text.unicodeScalars.map { SheetCells.forbiddenCharacter(String($0)) == nil ? $0 : "\u{FFFD}" })))
        }
        return escaped(text)
    }

    private func escaped(_ text: String) -> String { xmlAttributeText(text) }
}
