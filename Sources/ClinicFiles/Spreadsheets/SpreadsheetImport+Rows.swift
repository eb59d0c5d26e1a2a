import MBXML
import MuscleBalanceCore
import Spreadsheets

/// A row of readings: the patient and session it belongs to, and its measures.
extension SpreadsheetImport {
    // MARK: one row

    func cell(_ row: SheetRow, _ detail: SheetColumns.Detail) -> String? {
        let column = detailColumns[detail.ordinal]
        guard column >= 0 else { return nil }
        let text = SheetCells.trimmed(row[column])
        return text.isEmpty ? nil : text
    }

    func column(_ detail: SheetColumns.Detail) -> Int { max(detailColumns[detail.ordinal], 0) + 1 }

    /// The row's cell for `detail` as written, untrimmed; empty when there is no such column.
    func raw(_ row: SheetRow, _ detail: SheetColumns.Detail) -> String {
        let column = detailColumns[detail.ordinal]
        return column >= 0 ? row[column] : ""
    }

    /// The patient and session the row belongs to, opened if new; false when the row cannot
    /// be placed (no id: a loose problem; a bad date: the patient's).
    func place(_ row: SheetRow, newSessionEachRow: Bool) -> Bool {
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
                || raw(row, .screened) != firstCells[SheetColumns.Detail.screened.ordinal] || raw(row, .episode) != firstCells[SheetColumns.Detail.episode.ordinal] {
                checkSame(row, [.assessor, .bloodPressure, .screened, .episode], &sessionDetails, what: "the session of \(sessionDate)")
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
            checkSame(row, [.assessor, .bloodPressure, .screened, .episode], &sessionDetails, what: "the session of \(date)")
        }
        sessionRawDate = rawDate
        return true
    }

    func longRow(_ row: SheetRow) {
        guard place(row, newSessionEachRow: false) else { return }
        guard let test = cell(row, .test) else {
            patientProblems.append(problem(.error, "the row has no test; name the test (e.g. hip-abduction-strength) or delete the row", row: row.row, column: column(.test)))
            return
        }
        // A patient-reported outcome: its unit says what its value holds (score, items,
        // activities), words no measurement unit is.
        // (Five letters at least, as no unit is: the long CSV's million rows lowercase nothing.)
        if let unit = cell(row, .unit), unit.utf8.count >= 5, let kind = SheetColumns.OutcomeColumn.Kind(rawValue: unit.lowercased()) {
            return longOutcomeRow(row, instrument: test, kind: kind)
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

    func wideRow(_ row: SheetRow) {
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
            readOutcomes(row, testName: name)
        } else {
            guard place(row, newSessionEachRow: true) else { return }
            writeGroups(row, testName: nil)
            readOutcomes(row, testName: nil)
        }
    }

    /// The row's outcome cells, kept until the session's measures are written (an outcome
    /// comes after them in the measurement format).
    func readOutcomes(_ row: SheetRow, testName: String?) {
        for outcome in columns.outcomes where outcome.when == nil || outcome.when == testName {
            let text = SheetCells.trimmed(row[outcome.column])
            guard !text.isEmpty else { continue }
            let name = "'\(SheetColumns.outcomeHeader(instrument: outcome.instrument, kind: outcome.kind))'"
            guard let made = outcomeElement(instrument: escaped(outcome.instrument), kind: outcome.kind, text: text, cellName: name, row: row, column: outcome.column + 1) else { continue }
            keepOutcome(made, instrument: outcome.instrument, row: row, column: outcome.column + 1)
        }
    }

    /// A long layout's outcome row: the instrument's id in `test`, what `value` holds in `unit`
    /// (score, items or activities), no side, no trial.
    func longOutcomeRow(_ row: SheetRow, instrument: String, kind: SheetColumns.OutcomeColumn.Kind) {
        if let side = cell(row, .side) {
            patientProblems.append(problem(.error, "\(instrument) is a patient-reported outcome, which has no side; leave side empty (it holds '\(side)')", row: row.row, column: column(.side)))
            return
        }
        if let trial = cell(row, .trial) {
            patientProblems.append(problem(.error, "\(instrument) is a patient-reported outcome, which has no trials; leave trial empty (it holds '\(trial)'), and give its \(kind.rawValue) in one value cell", row: row.row, column: column(.trial)))
            return
        }
        guard let text = cell(row, .value) else {
            patientProblems.append(problem(.warning, "\(instrument) has no \(kind.rawValue): an empty cell is no answer; the row is not read", row: row.row, column: column(.value)))
            return
        }
        let name = "'value' of \(instrument) (\(kind.rawValue))"
        guard let made = outcomeElement(instrument: escapedCell(instrument, row, .test), kind: kind, text: text, cellName: name, row: row, column: column(.value)) else { return }
        keepOutcome(made, instrument: instrument, row: row, column: column(.value))
    }

    /// The `<outcome>` element a cell holding an instrument's score, items or activities makes;
    /// nil when the cell is wrong (the problem is recorded at `row`, `column`, naming the cell
    /// `cellName`). `instrument` is already escaped for XML where it came from a cell.
    func outcomeElement(instrument: String, kind: SheetColumns.OutcomeColumn.Kind, text: String, cellName: String, row: SheetRow, column: Int) -> String? {
        var attributes = ""
        var activities = ""
        switch kind {
        case .score:
            switch cells.decimal(text, column: cellName) {
            case .ok(let v): attributes = " value=\"\(escaped(v))\""
            case .problem(let message):
                patientProblems.append(problem(.error, message, row: row.row, column: column))
                return nil
            }
        case .items:
            // The answers one space apart (a sheet may separate them by commas or
            // semicolons too); each a whole number, or '-' for one not answered.
            let answers = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" })
            if let wrong = answers.first(where: { $0 != "-" && !($0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber)) }) {
                patientProblems.append(problem(.error, "\(cellName) holds '\(wrong)': write each answer as a whole number, '-' for one not answered, separated by spaces", row: row.row, column: column))
                return nil
            }
            attributes = " items=\"\(escaped(answers.joined(separator: " ")))\""
        case .activities:
            var bad = false
            for part in text.split(separator: ";") {
                let pieces = part.split(separator: ":", maxSplits: 1).map { SheetCells.trimmed(String($0)) }
                guard pieces.count == 2, !pieces[0].isEmpty else {
                    patientProblems.append(problem(.error, "\(cellName) holds '\(part)': write each activity as 'name: score', separated by ';'", row: row.row, column: column))
                    bad = true
                    break
                }
                switch cells.decimal(pieces[1], column: cellName) {
                case .ok(let v): activities += "<activity name=\"\(escaped(pieces[0]))\" score=\"\(escaped(v))\"/>"
                case .problem(let message):
                    patientProblems.append(problem(.error, message, row: row.row, column: column))
                    bad = true
                }
            }
            if bad { return nil }
        }
        return "<outcome instrument=\"\(instrument)\"\(attributes)" + (activities.isEmpty ? "/>" : ">\(activities)</outcome>")
    }

    /// Keeps an outcome for the session until its measures are written. The same instrument
    /// again in the session (a device's export repeats it on each of its rows) is taken once
    /// when it is the same, an error when it differs.
    func keepOutcome(_ made: String, instrument: String, row: SheetRow, column: Int) {
        if let earlier = pendingOutcomes.first(where: { $0.instrument == instrument }) {
            if earlier.text != made {
                patientProblems.append(problem(.error, "\(instrument) differs from line \(earlier.line) in the same session; one value, or leave the later cells empty", row: row.row, column: column))
            }
            return
        }
        pendingOutcomes.append((line: row.row, column: column, instrument: instrument, text: made))
    }

    func writeGroups(_ row: SheetRow, testName: String?) {
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
    func writePending() {
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

    func columnName(_ group: SheetColumns.MeasureGroup, _ column: Int) -> String {
        if map != nil { return column < headerNames.count ? headerNames[column] : "" }
        let trial = group.trialColumns.firstIndex(of: column).map { $0 + 1 }
        return SheetColumns.header(test: group.test, side: group.side, unit: group.unit, trial: trial)
    }

    func report(_ outcome: SheetCells.Outcome, _ row: SheetRow, _ detail: SheetColumns.Detail) {
        if case .problem(let message) = outcome {
            patientProblems.append(problem(.error, message, row: row.row, column: column(detail)))
        }
    }
}
