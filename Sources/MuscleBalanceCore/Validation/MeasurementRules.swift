import FastText
/// The rules of a clinic measurement file that its schema cannot state, checked against the
/// protocol the file names. Fed one patient at a time, so a file of any size is checked in
/// memory that does not grow with it (only the patient ids seen so far are kept).
public struct MeasurementRules: Sendable {
    /// The protocol's lookups, shared with the scorer and the reports: a measure is looked up
    /// once, and the duplicate check keys on its (test, side) slot instead of a string made per
    /// measure.
    public let index: ProtocolIndex
    public var balanceProtocol: BalanceProtocol { index.balanceProtocol }
    /// The day the check runs: sessions after it are in the future.
    public let today: CivilDate
    private var firstLineOfPatient = PatientIDLines()
    /// Patient ids by sex and birth date (the day, doubled, plus the sex), for "the same
    /// person?": a few per key. Grows with the patients, as the duplicate check's ids do
    /// (measured: Benchmarks/RESULTS.md).
    private var alike: [Int: [String]] = [:]
    private let tests: [TestDefinition]
    /// "hip-abduction-strength (left)": each test with no side, left and right (in `SideSlot`'s
    /// order, so a slot indexes it), as the warnings name a measure; made once, not for every
    /// measure that has no norm.
    private let measureLabels: [String]
    /// "acute-inflammation, acute-infection, ...": every condition code, for the message that
    /// refuses an unknown one.
    private let conditionCodeList: String

    public init(protocol balanceProtocol: BalanceProtocol, today: CivilDate) {
        self.init(index: ProtocolIndex(balanceProtocol), today: today)
    }

    public init(index: ProtocolIndex, today: CivilDate) {
        self.index = index
        self.today = today
        self.tests = index.balanceProtocol.tests
        self.measureLabels = index.balanceProtocol.tests.flatMap { [$0.id, "\($0.id) (left)", "\($0.id) (right)"] }
        self.conditionCodeList = index.balanceProtocol.conditions.map(\.code).joined(separator: ", ")
    }

    public func check(_ header: MeasurementFileHeader) -> [Diagnostic] {
        guard header.protocolID == balanceProtocol.id else {
            return [header.location.error("the file asks for protocol '\(header.protocolID)' but it is being checked against '\(balanceProtocol.id)'; fix protocol=\"...\" or pass the right --protocol", attribute: "protocol")]
        }
        return []
    }

    /// Records a patient's id without checking the patient (one whose schema errors are
    /// already reported), so that a later duplicate is still found.
    public mutating func record(patientID id: String, line: Int) {
        firstLineOfPatient.record(id, line: line)
    }

    /// Records the patient's id (for duplicates) and checks everything about the patient.
    public mutating func check(_ patient: Patient) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if patient.id.isEmpty {
            out.append(patient.location.error("patient has no id; give every patient a unique id", attribute: "id"))
        } else if VisibleText.containsHidden(patient.id) {
            // An id is printed on every page and names the patient's rows: a line break or a
            // control in it (legal XML as `&#13;`) would hide or fake what a person reads.
            let first = patient.id.unicodeScalars.first(where: VisibleText.isHidden).map(VisibleText.notation) ?? ""
            out.append(patient.location.error("patient id '\(patient.id)' holds a control character (\(first)); an id must be plain printable text: remove it", attribute: "id"))
        }
        if let name = patient.name, VisibleText.containsHidden(name) {
            // The name is printed on the handout the patient takes home.
            let first = name.unicodeScalars.first(where: VisibleText.isHidden).map(VisibleText.notation) ?? ""
            out.append(patient.location.error("the name of patient '\(patient.id)' holds a control character (\(first)); write it as plain text", attribute: "name"))
        }
        if patient.sessions.isEmpty {
            out.append(patient.location.error("patient '\(patient.id)' has no session", attribute: "id"))
        }
        if let line = firstLineOfPatient.record(patient.id, line: patient.location.line) {
            out.append(patient.location.error("duplicate patient id '\(patient.id)' (first on line \(line)); each patient appears once, with all sessions inside", attribute: "id"))
        }
        checkConditions(patient, &out)
        checkDetails(patient, &out)
        // One session a day: progress compares sessions by date, and --session picks one by it.
        var sessionDates: [(CivilDate, Int)] = []
        for session in patient.sessions {
            check(session, of: patient, &out)
            guard let date = session.date else { continue }
            if let first = sessionDates.first(where: { $0.0 == date }) {
                out.append(session.location.error("patient '\(patient.id)' has a second session on \(date) (first on line \(first.1)); put all measures of one day in one session, or fix the date", attribute: "date"))
            } else {
                sessionDates.append((date, session.location.line))
            }
        }
        return out
    }

    /// A patient's details against the protocol's population: a body mass or height outside its
    /// plausible range is a typing slip (an error, with the range); an age outside the ages the
    /// protocol is for, at any session, a warning. A new id one character from an earlier
    /// patient's with the same sex and birth date may be the same person: a warning.
    private mutating func checkDetails(_ patient: Patient, _ out: inout [Diagnostic]) {
        if let population = balanceProtocol.population {
            if let mass = patient.bodyMassKg, !population.bodyMassKg.contains(mass) {
                out.append(patient.location.error("body mass \(format(mass)) kg is outside the plausible \(format(population.bodyMassKg.lowerBound))-\(format(population.bodyMassKg.upperBound)) kg (\(population.basis)); check the value and its unit", attribute: "bodyMassKg"))
            }
            if let height = patient.heightCm, !population.heightCm.contains(height) {
                out.append(patient.location.error("height \(format(height)) cm is outside the plausible \(format(population.heightCm.lowerBound))-\(format(population.heightCm.upperBound)) cm (\(population.basis)); check the value and its unit", attribute: "heightCm"))
            }
            if let birth = patient.birthDate {
                for session in patient.sessions {
                    // A session before birth or in the future is an error of its own.
                    guard let date = session.date, !(date < birth), !(today < date) else { continue }
                    let age = date.age(bornOn: birth)
                    if !population.ages.contains(age) {
                        out.append(patient.location.warning("patient '\(patient.id)' is \(age) at the session of \(date), outside the ages this protocol is for (\(population.ages.lowerBound)-\(population.ages.upperBound)); check the birth date", attribute: "birthDate"))
                        break
                    }
                }
            }
        }
        if let sex = patient.sex, let birth = patient.birthDate, !patient.id.isEmpty {
            let key = birth.daysSinceEpoch * 2 + (sex == .female ? 0 : 1)
            // The last `Self.alikeChecked` ids of the same sex and birth date: a clinic has a
            // handful, a file of one birth date 100,000, and comparing each with every one
            // before it took minutes (Benchmarks/RESULTS.md, issue 27).
            var near: String?
            var seen = false
            if let others = alike[key] {
                for other in others.suffix(Self.alikeChecked) {
                    switch Self.bytesApart(other, patient.id) {
                    case 0: seen = true
                    case 1: near = near ?? other
                    default: continue
                    }
                    if seen { break }
                }
            }
            // An id seen before is a duplicate (an error of its own), not a near miss.
            if !seen {
                if let other = near {
                    out.append(patient.location.warning("patient '\(patient.id)' has the sex and birth date of '\(other)', whose id differs by one character: the same person as \(other)? If so, use one id", attribute: "id"))
                }
                alike[key, default: []].append(patient.id)
            }
        }
    }

    /// Each condition names one of the protocol's (by code or synonym, in any case), once;
    /// `none` stands alone; an onset comes before a resolution and neither is in the future.
    private func checkConditions(_ patient: Patient, _ out: inout [Diagnostic]) {
        var seen: [String: Int] = [:]
        let noneCount = patient.conditions.filter { ConditionWords.fold($0.code) == PatientCondition.noneCode }.count
        for condition in patient.conditions {
            if ConditionWords.fold(condition.code) == PatientCondition.noneCode {
                if noneCount < patient.conditions.count {
                    out.append(condition.location.error("'none' (screened, nothing found) is listed beside conditions of patient '\(patient.id)'; remove 'none' or the conditions", attribute: "code"))
                }
                continue
            }
            guard let code = index.conditionCode(for: condition.code) else {
                out.append(condition.location.error("unknown condition '\(condition.code)' for protocol '\(balanceProtocol.id)'\(conditionSuggestion(condition.code)); the protocol's codes are \(conditionCodeList), or 'none' when screened with nothing found", attribute: "code"))
                continue
            }
            if let line = seen[code] {
                out.append(condition.location.warning("condition '\(condition.code)' (\(code)) is listed twice for patient '\(patient.id)' (first on line \(line))", attribute: "code"))
            } else {
                seen[code] = condition.location.line
            }
            if let onset = condition.onset, let resolved = condition.resolved, resolved < onset {
                out.append(condition.location.error("condition '\(condition.code)' resolved on \(resolved), before its onset on \(onset); check both dates", attribute: "resolved"))
            }
            if let onset = condition.onset, today < onset {
                out.append(condition.location.error("condition '\(condition.code)' has its onset on \(onset), in the future (today is \(today))", attribute: "onset"))
            }
        }
    }

    /// "; did you mean 'arrhythmia'?": the nearest code or synonym (folded, as matched), named
    /// with the code it stands for.
    private func conditionSuggestion(_ written: String) -> String {
        let folded = ConditionWords.fold(written)
        let close = index.conditionWords.map { ($0.key, $0.value, editDistance($0.key, folded)) }
            .filter { $0.2 <= max(2, folded.count / 4) }
            .min { ($0.2, $0.0) < ($1.2, $1.0) }
        guard let close else { return "" }
        return close.0 == close.1 ? "; did you mean '\(close.1)'?" : "; did you mean '\(close.0)' (\(close.1))?"
    }

    private func check(_ session: AssessmentSession, of patient: Patient, _ out: inout [Diagnostic]) {
        // The schema says so too; the rules do not rely on it for what scoring needs.
        if session.date == nil {
            out.append(session.location.error("session date '\(session.dateText)' is not a date; write yyyy-mm-dd", attribute: "date"))
        }
        if let date = session.date {
            if let birth = patient.birthDate, date < birth {
                out.append(session.location.error("session on \(date) is before the patient's birth date \(birth); check both dates", attribute: "date"))
            }
            if date > today {
                out.append(session.location.error("session date \(date) is in the future (today is \(today))", attribute: "date"))
            }
        }
        if let screened = session.screened {
            if today < screened {
                out.append(session.location.error("screened date \(screened) is in the future (today is \(today))", attribute: "screened"))
            } else if let date = session.date, date < screened {
                out.append(session.location.warning("the screen on \(screened) is after the session of \(date), so it does not count for it: adjunct therapies will say 'screen first'", attribute: "screened"))
            }
        }
        if let bp = session.bloodPressure, !(bp.systolic > bp.diastolic) {
            out.append(session.location.error("blood pressure \(bp) has the diastolic at or above the systolic; write systolic/diastolic", attribute: "bloodPressure"))
        } else if let bp = session.bloodPressure, let plausible = balanceProtocol.bloodPressurePlausible,
                  !plausible.systolic.contains(bp.systolic) || !plausible.diastolic.contains(bp.diastolic) {
            out.append(session.location.error(
                "blood pressure \(bp) mmHg is outside the plausible \(plausible.systolic.lowerBound)-\(plausible.systolic.upperBound) / \(plausible.diastolic.lowerBound)-\(plausible.diastolic.upperBound) (\(plausible.basis)); check the reading",
                attribute: "bloodPressure"))
        }

        // The first line of each (test, side) in this session: three slots per test (no side,
        // left, right); 0 is not seen yet.
        var firstLine = [Int](repeating: 0, count: index.slotCount)
        // Norms are chosen by sex and age at the session, the same for every measure.
        // No sex recorded: only norms for both sexes apply, as the scorer uses them.
        var stratum: (sex: Sex?, age: Int)?
        if let birth = patient.birthDate, let date = session.date, date >= birth {
            stratum = (patient.sex, date.age(bornOn: birth))
        }
        var withoutNorm: [String] = []
        var needsBodyMass: [String] = []
        // Each measure is read where it lies, not copied (a copy is a reference count for each
        // of its strings and arrays; lending it `borrowing` still copied it: see
        // `Array.forEachInPlace`; re-measured and kept: Benchmarks/RESULTS.md, "Pointer-level
        // loops").
        // Where each (test, side) first is among the measures, for the two-sides check: filled
        // by the loop that looks every measure up anyway, so no second lookup per measure.
        var position = [Int](repeating: -1, count: index.slotCount)
        var i = 0
        session.measures.forEachInPlace { measure in
            let t = check(measure, in: session, of: patient, stratum, &firstLine, &withoutNorm, &needsBodyMass, &out)
            if let t, let side = measure.pointee.side {
                let k = index.slot(test: t, side: side)
                if position[k] < 0 { position[k] = i }
            }
            i += 1
        }
        checkSides(session, position, &out)
        if !session.outcomes.isEmpty { OutcomeRules.check(session, protocol: balanceProtocol, &out) }
        if !withoutNorm.isEmpty, let birth = patient.birthDate, let date = session.date {
            let who = patient.sex.map { "a \($0.rawValue)" } ?? "both sexes (sex not recorded)"
            out.append(session.location.warning("no norm for \(who) aged \(date.age(bornOn: birth)) for \(withoutNorm.joined(separator: ", ")): these will be reported as \"no reference\"", attribute: "date"))
        }
        if !needsBodyMass.isEmpty {
            out.append(patient.location.warning("patient '\(patient.id)' has no bodyMassKg, which the norms of \(Set(needsBodyMass).sorted().joined(separator: ", ")) need (percent of body weight); they will be reported without a reference", attribute: "id"))
        }
        if patient.birthDate == nil, session.measures.contains(where: { index.testOrder[$0.test].map { tests[$0].norms.isEmpty == false } ?? false }) {
            let missing = [patient.sex == nil ? "sex" : nil, "birthDate"].compactMap { $0 }
            out.append(patient.location.warning("patient '\(patient.id)' has no \(missing.joined(separator: " or ")); norms are chosen by sex and age, so no figure can be compared with one", attribute: "id"))
        } else if patient.sex == nil, session.measures.contains(where: { index.testOrder[$0.test].map { tests[$0].norms.contains { $0.stratum.sex != nil } } ?? false }) {
            out.append(patient.location.warning("patient '\(patient.id)' has no sex; only the norms for both sexes can be used, the others are reported as \"no reference\"", attribute: "id"))
        }
    }

    private func check(
        _ measure: UnsafePointer<Measure>, in session: AssessmentSession, of patient: Patient, _ stratum: (sex: Sex?, age: Int)?,
        _ firstLine: inout [Int], _ withoutNorm: inout [String], _ needsBodyMass: inout [String], _ out: inout [Diagnostic]
    ) -> Int? {
        guard let t = index.testOrder[measure.pointee.test] else {
            out.append(measure.pointee.location.error("unknown test '\(measure.pointee.test)' for protocol '\(balanceProtocol.id)'\(suggestion(measure.pointee.test, in: index.testIDs))", attribute: "test"))
            return nil
        }
        let test = tests[t]
        let side = measure.pointee.side
        switch (test.sides, side) {
        case (.midline, .some(let side)):
            out.append(measure.pointee.location.error("'\(test.id)' is a midline test; remove side=\"\(side.rawValue)\"", attribute: "side"))
        case (.bilateral, nil):
            out.append(measure.pointee.location.error("'\(test.id)' is done on each side; add side=\"left\" or side=\"right\"", attribute: "test"))
        default:
            break
        }
        let key = index.slot(test: t, side: side)
        if case let line = firstLine[key], line > 0 {
            let what = side.map { "\(test.id) (\($0.rawValue))" } ?? test.id
            out.append(measure.pointee.location.error("\(what) is measured twice in the session of \(session.dateText) (first on line \(line)); put all trials in one <measure>", attribute: "test"))
        } else {
            firstLine[key] = measure.pointee.location.line
        }
        if measure.pointee.unit == nil {
            out.append(measure.pointee.location.error("unknown unit '\(measure.pointee.unitText)'; use N, kgf, lbf, deg, cm, mm, in or s", attribute: "unit"))
        }
        if let unit = measure.pointee.unit, unit.dimension != test.dimension {
            out.append(measure.pointee.location.error("unit '\(unit.rawValue)' measures \(unit.dimension.rawValue), but '\(test.id)' measures \(test.dimension.rawValue) (in \(test.unit.rawValue))", attribute: "unit"))
        }
        let hasValue = measure.pointee.value != nil
        if hasValue && !measure.pointee.trials.isEmpty {
            out.append(measure.pointee.location.error("measure of '\(test.id)' has both a value attribute and <trial> elements; keep one", attribute: "value"))
        } else if !hasValue && measure.pointee.trials.isEmpty {
            out.append(measure.pointee.location.error("measure of '\(test.id)' has no reading; add value=\"...\" or <trial> elements", attribute: "test"))
        }
        if let unit = measure.pointee.unit, unit.dimension == test.dimension {
            // The readings in `readings` order (the value, then the trials), without the
            // array `readings` allocates.
            if let value = measure.pointee.value, !test.plausibleRange.contains(unit.toCanonical(value)) {
                out.append(implausible(value, unit, test, measure.pointee.location, hasValue: hasValue))
            }
            for t in measure.pointee.trials.indices where !test.plausibleRange.contains(unit.toCanonical(measure.pointee.trials[t])) {
                out.append(implausible(measure.pointee.trials[t], unit, test, measure.pointee.location, hasValue: hasValue, trial: t))
            }
        }
        if !test.norms.isEmpty, let (sex, age) = stratum {
            let covers = { (norm: ReferenceNorm) in norm.stratum.covers(sex: sex, age: age, side: side ?? norm.stratum.side) }
            if !test.norms.contains(where: covers) {
                withoutNorm.append(measureLabels[key])
            } else if patient.bodyMassKg == nil && test.norms.contains(where: { covers($0) && $0.unit == .percentOfBodyWeight }) {
                needsBodyMass.append(test.id)
            }
        }
        return t
    }

    /// The two sides of each bilateral test in one session: typed in different units, or
    /// apart by a unit's conversion factor, they are probably a unit slip ("check the unit").
    private func checkSides(_ session: AssessmentSession, _ position: [Int], _ out: inout [Diagnostic]) {
        session.measures.withUnsafeBufferPointer { measures in
            guard let base = measures.baseAddress else { return }
            for t in tests.indices where tests[t].sides == .bilateral {
                let left = position[index.slot(test: t, side: .left)], right = position[index.slot(test: t, side: .right)]
                guard left >= 0, right >= 0 else { continue }
                checkSides(tests[t], base + left, base + right, session.dateText, &out)
            }
        }
    }

    /// `left` and `right` point into the session's measures: read in place, not copied.
    private func checkSides(_ test: TestDefinition, _ left: UnsafePointer<Measure>, _ right: UnsafePointer<Measure>, _ date: String, _ out: inout [Diagnostic]) {
        guard let lu = left.pointee.unit, let ru = right.pointee.unit, lu.dimension == test.dimension, ru.dimension == test.dimension else { return }
        let later = left.pointee.location.line > right.pointee.location.line ? left.pointee.location : right.pointee.location
        if lu != ru {
            out.append(later.warning("'\(test.id)' is in \(lu.rawValue) on the left and \(ru.rawValue) on the right in the session of \(date); check the unit", attribute: "unit"))
            return
        }
        func value(_ m: UnsafePointer<Measure>) -> Double? {
            if let v = m.pointee.value { return lu.toCanonical(v) }
            return test.combine.combine(m.pointee.trials).map(lu.toCanonical)
        }
        if let a = value(left), let b = value(right), let slip = UnitSlip.suspected(a, b, test.dimension) {
            let larger = a > b ? "left" : "right"
            out.append(later.warning("'\(test.id)': the \(larger) side is \(format((max(a, b) / min(a, b) * 100).rounded() / 100)) times the other, close to the \(slip.units) factor \(format((slip.factor * 100).rounded() / 100)) in the session of \(date); check the unit", attribute: "unit"))
        }
    }

    private func implausible(_ reading: Double, _ unit: MeasurementUnit, _ test: TestDefinition, _ location: SourceLocation, hasValue: Bool, trial: Int? = nil) -> Diagnostic {
        let canonical = unit.toCanonical(reading)
        let shown = unit == test.unit ? "\(format(reading)) \(unit.rawValue)" : "\(format(reading)) \(unit.rawValue) (\(format(canonical)) \(test.unit.rawValue))"
        let message = "\(shown) is outside the plausible range of '\(test.id)', \(format(test.plausibleRange.min))-\(format(test.plausibleRange.max)) \(test.unit.rawValue) (\(test.plausibleRange.basis)); check the value and the unit"
        // A trial's own position where the file has one (a spreadsheet's row, a trial's column).
        if let trial, !hasValue { return location.trialError(message, index: trial) }
        return location.error(message, attribute: hasValue ? "value" : "test")
    }

    /// "; did you mean 'x'?" when one known id is one or two edits away.
    private func suggestion(_ text: String, in candidates: Set<String>) -> String {
        let close = candidates.map { ($0, editDistance($0, text)) }.filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        return close.map { "; did you mean '\($0.0)'?" } ?? ""
    }
}

/// Levenshtein distance on the bytes, for "did you mean".
extension MeasurementRules {
    /// How many of the ids last seen with a sex and birth date a new one is compared with.
    static let alikeChecked = 512

    /// 0 for the same id, 1 for ids one character apart (one replaced by another: the same
    /// length, one byte differing), 2 for anything else.
    static func bytesApart(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return 2 }
                var differ = 0
                for i in 0..<x.count where x[i] != y[i] {
                    differ += 1
                    if differ > 1 { return 2 }
                }
                return differ
            }
        }
    }
}

public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
