import MuscleBalanceCore

/// Where in the sheet each element of the made XML came from, so that a problem the schema or
/// the rules find is shown at the cell a person typed: `clinic.csv:812:5` or
/// `clinic.xlsx:Sheet1!E812`. Lines are rows already (`SpreadsheetImport` writes each element
/// on its row's line); what a line cannot say is the column, and for a trial typed on a later
/// row of the long layout, the row. Kept only for the patients not yet handed out: memory
/// does not grow with the sheet.
public final class SheetPositions {
    public let file: String
    public let sheet: String?
    let directory: PatientDirectory?
    var columns = SheetColumns()
    /// The header's names, as the sheet writes them, for messages.
    var headerNames: [String] = []
    /// Off when nothing will be placed (`SpreadsheetImport.pretty`).
    var recording = true
    var long = true
    /// The lines recorded and what each holds, in line order (lines only grow as a sheet is
    /// read): appended, found from the end, and cut from the front as patients are handed
    /// out. A dictionary cost 3% of reading a long sheet in hashing and in re-building it.
    private var lineNumbers: [Int] = []
    private var entries: [Line] = []

    struct Line {
        var measures: [Measure] = []
        /// The column of each outcome written on this line, in order (the wide layout's
        /// columns; the long layout's value cell).
        var outcomes: [Int] = []
        var patient: Patient?
        /// The sheet's row written on this line, when the two differ (a gathered sheet).
        var row: Int?
    }

    /// Some line holds another row than its number (rows gathered by patient).
    private var remapped = false

    struct Measure {
        /// The wide layout's group of columns; -1 in the long layout.
        var group: Int
        var trials: [(row: Int, column: Int)] = []
    }

    struct Patient {
        var directoryRow: Int?
        var fromSheet: Set<SheetColumns.Detail>
    }

    init(file: String, sheet: String?, directory: PatientDirectory?) {
        self.file = file
        self.sheet = sheet
        self.directory = directory
    }

    /// The entry of `line`, if recorded: searched from the end, where the lines being written are.
    private func index(of line: Int) -> Int? {
        var i = lineNumbers.count - 1
        while i >= 0 {
            if lineNumbers[i] == line { return i }
            if lineNumbers[i] < line { return nil }
            i -= 1
        }
        return nil
    }

    /// The entry of `line`, made if new (lines come in order).
    private func entry(_ line: Int) -> Int {
        if let last = lineNumbers.last, last == line { return lineNumbers.count - 1 }
        if let found = index(of: line) { return found }
        lineNumbers.append(line)
        entries.append(Line())
        return entries.count - 1
    }

    private subscript(line line: Int) -> Line? {
        index(of: line).map { entries[$0] }
    }

    /// Records a measure written on `line`; returns its place among the line's measures.
    func addMeasure(line: Int, group: Int) -> Int {
        guard recording else { return 0 }
        let i = entry(line)
        entries[i].measures.append(Measure(group: group))
        return entries[i].measures.count - 1
    }

    /// Records an outcome written on `line` from the 1-based `column`.
    func addOutcome(line: Int, column: Int) {
        guard recording else { return }
        entries[entry(line)].outcomes.append(column)
    }

    func addTrial(line: Int, occurrence: Int, row: Int, column: Int) {
        guard recording, let i = index(of: line), occurrence < entries[i].measures.count else { return }
        entries[i].measures[occurrence].trials.append((row, column))
    }

    /// Records that `line` holds the sheet's `row` (a sheet gathered by patient). Every line
    /// gets its entry here, in line order, before anything is written on it: a session's
    /// measures are written when it closes, after later lines were recorded.
    func addRow(line: Int, row: Int) {
        guard recording else { return }
        entries[entry(line)].row = row
        remapped = true
    }

    func addPatient(line: Int, directoryRow: Int?, fromSheet: Set<SheetColumns.Detail>) {
        guard recording else { return }
        entries[entry(line)].patient = Patient(directoryRow: directoryRow, fromSheet: fromSheet)
    }

    /// Drops what lines before `line` held: their patients have been handed out.
    public func forget(before line: Int) {
        var k = 0
        while k < lineNumbers.count, lineNumbers[k] < line { k += 1 }
        guard k > 256 else { return }
        lineNumbers.removeFirst(k)
        entries.removeFirst(k)
    }

    /// The diagnostics with sheet positions: those of the made XML (column 0) placed on their
    /// cells; those found in the cells themselves, and whole-file ones, as they are.
    public func place(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.map(place)
    }

    public func place(_ diagnostic: Diagnostic) -> Diagnostic {
        guard diagnostic.line > 0, diagnostic.column == 0 else { return diagnostic }
        var d = diagnostic
        d.sheet = sheet
        let line = self[line: d.line]
        if remapped {
            if let row = line?.row { d.line = row }
            d.message = rowsNamed(in: d.message)
        }
        switch d.anchor {
        case .attribute(let element, let name):
            d.column = column(element: element, attribute: name, line: line, occurrence: d.occurrence, &d)
        case .element(let element):
            d.column = column(element: element, attribute: nil, line: line, occurrence: d.occurrence, &d)
        case .trial(let index):
            if let measure = line?.measures[safe: d.occurrence], let trial = measure.trials[safe: index] {
                d.line = trial.row
                d.column = trial.column
            } else {
                d.column = column(element: "measure", attribute: nil, line: line, occurrence: d.occurrence, &d)
            }
        case nil:
            d.column = 1
        }
        d.column = max(d.column, 1)
        // The made XML's words turned into the sheet's: columns and cells, not attributes.
        var attribute: (element: String, name: String)?
        if case .attribute(let element, let name) = diagnostic.anchor { attribute = (element, name) }
        let header = d.file == file && d.column <= headerNames.count ? headerNames[d.column - 1] : nil
        d.message = SchemaWords.inSheetWords(d.message, attribute: attribute, column: header.flatMap { $0.isEmpty ? nil : $0 })
        return d
    }

    /// A message's "on line 812" names the row the line holds: the rules speak of the made
    /// XML's lines ("first on line 812"), which a gathered sheet numbers its own way.
    private func rowsNamed(in message: String) -> String {
        // On the UTF-8 bytes (UTF8Search.swift says why).
        let marker = "on line "
        guard message.containsUTF8(marker) else { return message }
        var out = ""
        var rest = Substring(message)
        while let found = rest.firstUTF8Range(of: marker) {
            out += rest[..<found.upperBound]
            rest = rest[found.upperBound...]
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            if let n = Int(digits), let row = self[line: n]?.row {
                out += String(row)
                rest = rest.dropFirst(digits.count)
            }
        }
        return out + rest
    }

    private func column(element: String, attribute: String?, line: Line?, occurrence: Int, _ d: inout Diagnostic) -> Int {
        func at(_ detail: SheetColumns.Detail) -> Int { (columns.details[detail] ?? 0) + 1 }
        switch element {
        case "patient":
            guard let attribute, attribute != "id" else { return at(.patientID) }
            guard let detail = SheetColumns.Detail.patientDetails.first(where: { $0.attribute.name == attribute }) else { return at(.patientID) }
            if let patient = line?.patient, !patient.fromSheet.contains(detail), let row = patient.directoryRow, let directory {
                d.file = directory.file
                d.sheet = directory.sheet
                d.line = row
                return directory.column(detail)
            }
            return at(detail)
        case "condition":
            if let patient = line?.patient, !patient.fromSheet.contains(.conditions), let row = patient.directoryRow, let directory {
                d.file = directory.file
                d.sheet = directory.sheet
                d.line = row
                return directory.column(.conditions)
            }
            return at(.conditions)
        case "session":
            switch attribute {
            case "assessor": return at(.assessor)
            case "screened": return at(.screened)
            case "episode": return at(.episode)
            case "bloodPressure": return at(.bloodPressure)
            default: return at(.sessionDate)
            }
        case "measure", "trial":
            let measure = line?.measures[safe: occurrence]
            if long || measure == nil || measure!.group < 0 {
                switch attribute {
                case "side": return at(.side)
                case "unit": return at(.unit)
                case "value": return at(.value)
                case "note": return at(.note)
                default: return element == "trial" ? at(.value) : at(.test)
                }
            }
            let group = columns.groups[measure!.group]
            if attribute == "value", let c = group.valueColumn { return c + 1 }
            return (measure!.trials.first?.column ?? group.firstColumn + 1)
        case "outcome", "activity":
            // A long layout's outcome row names its instrument in the test cell.
            if long && element == "outcome" && attribute == "instrument" { return at(.test) }
            return line?.outcomes[safe: occurrence] ?? line?.outcomes.first ?? 1
        default:
            return 1
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        index >= 0 && index < count ? self[index] : nil
    }
}
