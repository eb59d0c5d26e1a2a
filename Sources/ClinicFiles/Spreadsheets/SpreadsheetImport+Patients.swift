import MuscleBalanceCore
import Spreadsheets

/// A patient's and a session's elements, opened and closed as the rows change.
extension SpreadsheetImport {
    // MARK: patients and sessions

    func openPatient(_ id: String, _ row: SheetRow) {
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
            case .patientName: outcome = .ok(text)
            case .conditions:
                conditions = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map { SheetCells.trimmed(String($0)) }.filter { !$0.isEmpty }
                continue
            default: continue
            }
            switch outcome {
            case .ok(let v): tag += " \(detail.attribute.name)=\"\(detail == .patientName ? escapedCell(v, row, detail) : escaped(v))\""
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

    func openSession(_ date: String, _ row: SheetRow) {
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
        firstCells[SheetColumns.Detail.episode.ordinal] = raw(row, .episode)
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
        if let episode = cell(row, .episode) {
            sessionDetails[.episode] = (episode, row.row)
            if let mark = EpisodeMark(rawValue: episode.lowercased()) {
                tag += " episode=\"\(mark.rawValue)\""
            } else {
                patientProblems.append(problem(
                    .error, "episode '\(episode)' is neither start (the session begins a new episode of care) nor discharge (its last); leave it empty when the session continues the episode",
                    row: row.row, column: column(.episode)))
            }
        }
        write(tag + ">")
    }

    /// A later row of the same patient or session must not say something else.
    func checkSame(_ row: SheetRow, _ details: [SheetColumns.Detail], _ seen: inout [SheetColumns.Detail: (text: String, row: Int)], what: String) {
        for detail in details {
            guard let text = cell(row, detail) else { continue }
            if let first = seen[detail] {
                if first.text != text {
                    patientProblems.append(problem(
                        .error, "\(detail.rawValue) '\(text)' differs from '\(first.text)' on line \(first.row) for \(what); one value, or leave the later cells empty",
                        row: row.row, column: column(detail)))
                }
            } else if detail == .assessor || detail == .bloodPressure || detail == .screened || detail == .episode {
                // Given on a later row only: too late for the session already written.
                patientProblems.append(problem(.error, "\(detail.rawValue) is given on a later row of \(what) only; put it on its first row (line \(sessionRow))", row: row.row, column: column(detail)))
            } else {
                patientProblems.append(problem(.error, "\(detail.rawValue) is given on a later row of \(what) only; put it on the patient's first row (line \(patientRow))", row: row.row, column: column(detail)))
            }
        }
    }

    func closeSession() {
        writePending()
        for outcome in pendingOutcomes {
            begin(outcome.line, depth: 3)
            positions.addOutcome(line: outcome.line, column: outcome.column)
            write(outcome.text)
        }
        pendingOutcomes.removeAll(keepingCapacity: true)
        if sessionOpen {
            if sessionMeasures == 0 && !patientProblems.contains(where: { $0.severity == .error }) {
                patientProblems.append(problem(.error, "the session of \(sessionDate) has no reading: every reading cell of its rows is empty; fill them in or delete the rows", row: sessionRow, column: column(.sessionDate)))
            }
            if pretty { writeLiteral("\n    ") }
            writeLiteral("</session>")
            sessionOpen = false
        }
    }

    func closePatient() {
        guard patientID != nil else { return }
        closeSession()
        if pretty { writeLiteral("\n  ") }
        writeLiteral("</patient>")
        if !patientProblems.isEmpty { problemsByLine[patientLine] = patientProblems }
        patientProblems = []
        patientID = nil
    }
}
