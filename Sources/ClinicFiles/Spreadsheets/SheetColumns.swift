import MuscleBalanceCore

/// The columns of a sheet, as its header row names them: the patient's and the session's
/// details, and the readings (one reading column in the long layout; a column per test, side
/// and trial in the wide one).
struct SheetColumns: Sendable {
    /// The details a row can give, by their column names in the long and wide layouts.
    enum Detail: String, CaseIterable, Sendable {
        case patientID = "patient_id"
        case patientName = "patient_name"
        case sex
        case birthDate = "birth_date"
        case bodyMassKg = "body_mass_kg"
        case heightCm = "height_cm"
        case conditions
        case sessionDate = "session_date"
        case assessor
        case bloodPressure = "blood_pressure"
        case screened
        /// `start` (the session begins a new episode of care) or `discharge` (its last).
        case episode
        // The long layout's reading.
        case test, side, unit, value, trial, note

        /// The attribute it becomes in the measurement format, and its element.
        var attribute: (element: String, name: String) {
            switch self {
            case .patientID: ("patient", "id")
            case .patientName: ("patient", "name")
            case .sex: ("patient", "sex")
            case .birthDate: ("patient", "birthDate")
            case .bodyMassKg: ("patient", "bodyMassKg")
            case .heightCm: ("patient", "heightCm")
            case .conditions: ("condition", "code")
            case .sessionDate: ("session", "date")
            case .assessor: ("session", "assessor")
            case .bloodPressure: ("session", "bloodPressure")
            case .screened: ("session", "screened")
            case .episode: ("session", "episode")
            case .test: ("measure", "test")
            case .side: ("measure", "side")
            case .unit: ("measure", "unit")
            case .value: ("measure", "value")
            case .trial: ("measure", "trial")
            case .note: ("measure", "note")
            }
        }

        static let patientDetails: [Detail] = [.patientName, .sex, .birthDate, .bodyMassKg, .heightCm, .conditions]

        /// Its place in `allCases`, for tables indexed by detail (a dictionary hashed the key
        /// on every cell of every row).
        var ordinal: Int {
            switch self {
            case .patientID: 0
            case .sex: 1
            case .birthDate: 2
            case .bodyMassKg: 3
            case .heightCm: 4
            case .conditions: 5
            case .sessionDate: 6
            case .assessor: 7
            case .bloodPressure: 8
            case .test: 9
            case .side: 10
            case .unit: 11
            case .value: 12
            case .trial: 13
            case .note: 14
            case .screened: 15
            case .patientName: 16
            case .episode: 17
            }
        }
        static let longReading: [Detail] = [.test, .side, .unit, .value, .trial, .note]
    }

    /// A wide layout's reading column: `hip-abduction-strength L (N)`, `... t2`.
    struct ReadingColumn: Sendable, Equatable {
        var test: String
        var side: String?
        var unit: String
        /// 1-based trial, nil for a single value.
        var trial: Int?
        var column: Int
    }

    /// The columns of one test and side in a wide sheet: a single value column, trial columns
    /// (in trial order), or both.
    struct MeasureGroup: Sendable {
        var test: String
        var side: String?
        var unit: String
        var valueColumn: Int?
        var trialColumns: [Int] = []
        /// A device's export: read only on rows whose test name is this (`ColumnMap`).
        var when: String? = nil
        /// The column positions point at when the measure as a whole is meant.
        var firstColumn: Int { valueColumn ?? trialColumns.first ?? 0 }
    }

    /// A wide layout's patient-reported outcome column: `odi (items)`, `nprs (score)`,
    /// `psfs (activities)`.
    struct OutcomeColumn: Sendable, Equatable {
        enum Kind: String, Sendable {
            /// A value, or a total where the protocol takes one: `value=`.
            case score
            /// The answers in order, '-' for one not answered: `items=`.
            case items
            /// `sitting 1 hour: 4; lifting a child: 2`: an `<activity>` each.
            case activities
        }

        var instrument: String
        var kind: Kind
        var column: Int
        /// A device's export: read only on rows whose test name is this (`ColumnMap`).
        var when: String? = nil
    }

    var details: [Detail: Int] = [:]
    var groups: [MeasureGroup] = []
    var outcomes: [OutcomeColumn] = []

    /// Reads a header cell of an outcome column: `<instrument> (score|items|activities)`; nil if
    /// it is not one.
    static func outcomeColumn(_ header: String, column: Int) -> OutcomeColumn? {
        let words = SheetCells.trimmed(header).split(separator: " ").map(String.init)
        guard words.count == 2, let last = words.last, last.hasPrefix("("), last.hasSuffix(")"),
            let kind = OutcomeColumn.Kind(rawValue: String(last.dropFirst().dropLast()).lowercased()),
            SheetCells.forbiddenCharacter(words[0]) == nil
        else { return nil }
        return OutcomeColumn(instrument: words[0], kind: kind, column: column)
    }

    /// The header of an outcome column (what `mbt template` writes).
    static func outcomeHeader(instrument: String, kind: OutcomeColumn.Kind) -> String { "\(instrument) (\(kind.rawValue))" }

    /// Reads a header cell of the wide layout: `<test> [L|R] (<unit>) [t<n>]`; nil if it is not.
    static func readingColumn(_ header: String, column: Int) -> ReadingColumn? {
        var words = SheetCells.trimmed(header).split(separator: " ").map(String.init)
        var trial: Int?
        if let last = words.last, last.count >= 2, last.first == "t" || last.first == "T", let n = Int(last.dropFirst()), n >= 1 {
            trial = n
            words.removeLast()
        }
        guard let unitWord = words.last, unitWord.count >= 3, unitWord.first == "(", unitWord.last == ")",
            let unit = SheetCells.unit(String(unitWord.dropFirst().dropLast()))
        else { return nil }
        words.removeLast()
        var side: String?
        if let last = words.last, ["l", "r", "left", "right"].contains(last.lowercased()) {
            side = last.lowercased().hasPrefix("l") ? "left" : "right"
            words.removeLast()
        }
        guard words.count == 1, let test = words.first, !test.isEmpty, SheetCells.forbiddenCharacter(test) == nil else { return nil }
        return ReadingColumn(test: test, side: side, unit: unit, trial: trial, column: column)
    }

    /// For a column mbt does not read whose name looks clinical (`medical_history`,
    /// `Condition_codes`, `comorbidities`, `BP`), the column it should be: its data is for the
    /// safety screen, and a screen that never sees it would offer what it must refuse. nil for a
    /// plainly foreign column (`Notes`).
    static func clinicalColumn(_ header: String) -> Detail? {
        let name = header.lowercased()
        let words = name.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let conditionStems = ["condition", "contraindic", "histor", "comorbid", "diagnos", "medical", "illness", "disease", "medication", "precaution", "allerg"]
        if conditionStems.contains(where: name.contains) { return .conditions }
        if name.contains("pressure") || words.contains("bp") || words.contains("rr") || name.contains("systolic") || name.contains("diastolic") { return .bloodPressure }
        if name.contains("screen") { return .screened }
        return nil
    }

    /// The error for such a column, naming what to do.
    static func clinicalColumnMessage(_ header: String, _ detail: Detail) -> String {
        let what: String
        switch detail {
        case .bloodPressure: what = "'blood_pressure' (systolic/diastolic, e.g. 128/84)"
        case .screened: what = "'screened' (the date the conditions were screened)"
        default: what = "'conditions' (the protocol's condition codes separated by ';', or 'none' when screened with nothing found)"
        }
        return "column '\(header)' looks clinical but is not one of mbt's columns, so the safety screen would never see it; rename it \(what), or remove the column"
    }

    /// For a header mbt cannot read that looks like a reading column (a unit in brackets, or a
    /// side at its end), what is wrong and what to write instead: a typo there would drop the
    /// patient's main finding with nothing but a warning. Nil for a plainly foreign column.
    static func readingLookalike(_ header: String) -> String? {
        let text = SheetCells.trimmed(header)
        var words = text.split(separator: " ").map(String.init)
        var trial = ""
        if let last = words.last, last.count >= 2, last.first == "t" || last.first == "T", Int(last.dropFirst()) != nil {
            trial = " " + last.lowercased()
            words.removeLast()
        }
        var unit: String?
        var unitWritten: String?
        if let last = words.last, last.hasPrefix("("), last.hasSuffix(")"), last.count >= 2 {
            unitWritten = String(last.dropFirst().dropLast())
            unit = SheetCells.unit(unitWritten ?? "")
            words.removeLast()
        }
        var side: String?
        if let last = words.last, ["l", "r", "left", "right"].contains(last.lowercased()) {
            side = last.lowercased().hasPrefix("l") ? "L" : "R"
            words.removeLast()
        }
        guard unitWritten != nil || side != nil, !words.isEmpty else { return nil }
        // The test as one id: words joined by hyphens, lower case, as the protocol writes ids.
        let test = ConditionWords.fold(words.joined(separator: " "))
        // A patient's own detail with its unit ("Weight (kg)", "Height (cm)"): its column name.
        if ["weight", "mass", "body-mass", "body-weight"].contains(test) {
            return "column '\(text)' looks like the body mass but is not read: name it 'body_mass_kg' (in kg)"
        }
        if ["height", "stature", "body-height"].contains(test) {
            return "column '\(text)' looks like the height but is not read: name it 'height_cm' (in cm)"
        }
        let suggestion = "\(test)\(side.map { " " + $0 } ?? "") (\(unit ?? "UNIT"))\(trial)"
        if let written = unitWritten, unit == nil {
            let units = MeasurementUnit.allCases.map(\.rawValue)
            let near = units.min { editDistance($0.lowercased(), written.lowercased()) < editDistance($1.lowercased(), written.lowercased()) }
            return "column '\(text)' looks like a reading, but its unit '\(written)' is not one mbt reads (N, kgf, lbf, deg, cm, mm, in, s)\(near.map { "; did you mean '\($0)'" } ?? ""): write it '\(suggestion.replacing("(UNIT)", with: "(\(near ?? "UNIT"))"))'"
        }
        if unitWritten == nil {
            return "column '\(text)' looks like a reading but has no unit in brackets: write it '\(suggestion)' with the unit it was measured in"
        }
        return "column '\(text)' looks like a reading but is not written as mbt reads one (the test's id, L or R, the unit in brackets): did you mean '\(suggestion)'?"
    }

    /// The header of a wide sheet's reading column (what `mbt template` writes).
    static func header(test: String, side: String?, unit: String, trial: Int?) -> String {
        var text = test
        if let side { text += side == "left" ? " L" : " R" }
        text += " (\(unit))"
        if let trial { text += " t\(trial)" }
        return text
    }
}
