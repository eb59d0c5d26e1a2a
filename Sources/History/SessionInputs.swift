import FastText
import MuscleBalanceCore

/// One patient session as it was entered: the lines of a measurement file for that patient and
/// that session alone (the patient's attributes, the conditions, the session and each measure
/// with its trials, unit and note), one thing a line, each written one way. The lines are kept
/// in the file's order (a report lists conditions as the file does, so the store gives back a
/// measurement file that scores to the same bytes); the hash is of the lines sorted, so two
/// entries of the same session give the same hash whatever their order or the file's layout
/// (XML, a wide or a long sheet), and says whether a session is new, unchanged or changed; the
/// lines say what changed.
public struct SessionInputs: Sendable, Hashable {
    /// `<patient ...>`, each `<condition .../>`, `<session ...>`, each `<measure>...</measure>`.
    public var lines: [Line]

    public struct Line: Sendable, Hashable {
        /// What the line is about, for a difference's words: "patient", "condition hypertension",
        /// "session", "measure hip-abduction-strength left".
        public var subject: String
        public var text: String
    }

    /// The session `session` of `patient`: the patient's details as the file gives them now.
    public init(patient: Patient, session: AssessmentSession) {
        var lines: [Line] = []
        var attributes = [("id", patient.id)]
        if let name = patient.name { attributes.append(("name", name)) }
        if let sex = patient.sex { attributes.append(("sex", sex.rawValue)) }
        if let birth = patient.birthDate { attributes.append(("birthDate", birth.description)) }
        if let mass = patient.bodyMassKg { attributes.append(("bodyMassKg", Self.number(mass))) }
        if let height = patient.heightCm { attributes.append(("heightCm", Self.number(height))) }
        lines.append(Line(subject: "patient", text: "<patient\(Self.attributes(attributes))>"))
        for condition in patient.conditions {
            var a = [("code", condition.code)]
            if let onset = condition.onset { a.append(("onset", onset.description)) }
            if let resolved = condition.resolved { a.append(("resolved", resolved.description)) }
            lines.append(Line(subject: "condition \(condition.code.lowercased())", text: "<condition\(Self.attributes(a))/>"))
        }
        var s = [("date", session.date?.description ?? session.dateText)]
        if let assessor = session.assessor { s.append(("assessor", assessor)) }
        if let bp = session.bloodPressure { s.append(("bloodPressure", bp.description)) }
        if let screened = session.screened { s.append(("screened", screened.description)) }
        lines.append(Line(subject: "session", text: "<session\(Self.attributes(s))>"))
        let measures = session.measures.map { measure -> Line in
            var a = [("test", measure.test)]
            if let side = measure.side { a.append(("side", side.rawValue)) }
            a.append(("unit", measure.unitText))
            if let value = measure.value { a.append(("value", Self.number(value))) }
            if let note = measure.note { a.append(("note", note)) }
            let trials = measure.trials.map { "<trial>\(Self.number($0))</trial>" }.joined()
            let text = trials.isEmpty ? "<measure\(Self.attributes(a))/>" : "<measure\(Self.attributes(a))>\(trials)</measure>"
            return Line(subject: "measure \(measure.test)\(measure.side.map { " \($0.rawValue)" } ?? "")", text: text)
        }
        lines += measures
        self.lines = lines
    }

    /// Lines as stored.
    public init(text: String) {
        lines = text.split(separator: "\n").map { line in
            let text = String(line)
            return Line(subject: Self.subject(of: text), text: text)
        }
    }

    /// The text stored: the lines, one a line.
    public var text: String { lines.map(\.text).joined(separator: "\n") }

    /// The hash that says whether a session is new, unchanged or changed: of the lines sorted
    /// (after the patient line, which comes first whatever the order), so the order of entry
    /// does not count.
    public var hash: String { SHA256.hex(lines.map(\.text).sorted().joined(separator: "\n").utf8) }

    /// What differs from `stored`, in words: "measure hip-abduction-strength left: was
    /// <measure ...>, now <measure ...>"; empty when nothing does.
    public func differences(from stored: SessionInputs) -> [String] {
        let old = Dictionary(stored.lines.map { ($0.subject, $0.text) }, uniquingKeysWith: { $0 + " " + $1 })
        let new = Dictionary(lines.map { ($0.subject, $0.text) }, uniquingKeysWith: { $0 + " " + $1 })
        var out: [String] = []
        for subject in Set(old.keys).union(new.keys).sorted() {
            switch (old[subject], new[subject]) {
            case let (was?, now?) where was != now: out.append("\(subject): was \(was), now \(now)")
            case (nil, let now?): out.append("\(subject): added \(now)")
            case (let was?, nil): out.append("\(subject): removed \(was)")
            default: break
            }
        }
        return out
    }

    /// The lines as a patient element of a measurement file, with the session inside.
    public func patientElement(sessions: [SessionInputs]) -> String {
        // The patient line and the conditions of the latest entry, each session's own lines.
        guard let first = sessions.last?.lines ?? lines.first.map({ [$0] }) else { return "" }
        var out = "  " + (first.first { $0.subject == "patient" }?.text ?? "<patient>") + "\n"
        for line in first where line.subject.hasPrefix("condition ") { out += "    " + line.text + "\n" }
        for entry in sessions {
            for line in entry.lines where line.subject == "session" { out += "    " + line.text + "\n" }
            for line in entry.lines where line.subject.hasPrefix("measure ") { out += "      " + line.text + "\n" }
            out += "    </session>\n"
        }
        return out + "  </patient>\n"
    }

    static func subject(of text: String) -> String {
        if text.hasPrefix("<patient") { return "patient" }
        if text.hasPrefix("<session") { return "session" }
        if text.hasPrefix("<condition") { return "condition \((attribute("code", in: text) ?? "").lowercased())" }
        if text.hasPrefix("<measure") {
            return "measure \(attribute("test", in: text) ?? "")\(attribute("side", in: text).map { " \($0)" } ?? "")"
        }
        return text
    }

    /// An attribute's value as written in a line this type made (escaped text, returned as is).
    public static func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: " \(name)=\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func attributes(_ list: [(String, String)]) -> String {
        list.map { " \($0.0)=\"\(escaped($0.1))\"" }.joined()
    }

    /// XML attribute text, as every hand-written attribute of mbt (`xmlAttributeText`): line
    /// breaks escaped, so a stored line is one line.
    public static func escaped(_ text: String) -> String { xmlAttributeText(text) }

    /// A reading as the shortest decimal that reads back as the same number (150, not 150.0).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
