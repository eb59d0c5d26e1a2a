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
    /// The stored text, a line a thing; split into lines only when asked (a refused session's
    /// differences, a measurement file given back): a session is mostly found unchanged, and
    /// splitting and decoding every one was a tenth of `mbt score --history`.
    public let bytes: [UInt8]

    public var lines: [Line] {
        bytes.split(separator: 10).map { Line(text: String(decoding: $0, as: UTF8.self)) }
    }

    public struct Line: Sendable, Hashable {
        public var text: String

        public init(text: String) {
            self.text = text
        }

        /// What the line is about, for a difference's words: "patient", "condition hypertension",
        /// "session", "measure hip-abduction-strength left". Worked out when asked: only a
        /// refused session's words need it.
        public var subject: String { SessionInputs.subject(of: text) }
    }

    /// The session `session` of `patient`: the patient's details as the file gives them now.
    /// Written straight into the stored bytes, a line at a time (no string a line, no list of
    /// attributes joined): an import makes some 30 lines for every session it reads, and
    /// `mbt score --history` makes them for every session it scores.
    public init(patient: Patient, session: AssessmentSession) {
        var out: [UInt8] = []
        out.reserveCapacity(160 * (3 + patient.conditions.count + session.measures.count))
        func attribute(_ name: StaticString, _ value: String) {
            out.append(32)
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out += [61, 34]  // ="
            out.append(contentsOf: Self.escaped(value).utf8)
            out.append(34)
        }
        func literal(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        literal("<patient")
        attribute("id", patient.id)
        if let name = patient.name { attribute("name", name) }
        if let sex = patient.sex { attribute("sex", sex.rawValue) }
        if let birth = patient.birthDate { attribute("birthDate", birth.description) }
        if let mass = patient.bodyMassKg { attribute("bodyMassKg", Self.number(mass)) }
        if let height = patient.heightCm { attribute("heightCm", Self.number(height)) }
        literal(">")
        for condition in patient.conditions {
            literal("\n<condition")
            attribute("code", condition.code)
            if let onset = condition.onset { attribute("onset", onset.description) }
            if let resolved = condition.resolved { attribute("resolved", resolved.description) }
            literal("/>")
        }
        literal("\n<session")
        attribute("date", session.date?.description ?? session.dateText)
        if let assessor = session.assessor { attribute("assessor", assessor) }
        if let bp = session.bloodPressure { attribute("bloodPressure", bp.description) }
        if let screened = session.screened { attribute("screened", screened.description) }
        if let episode = session.episode { attribute("episode", episode.rawValue) }
        literal(">")
        for measure in session.measures {
            literal("\n<measure")
            attribute("test", measure.test)
            if let side = measure.side { attribute("side", side.rawValue) }
            attribute("unit", measure.unitText)
            if let value = measure.value { attribute("value", Self.number(value)) }
            if let note = measure.note { attribute("note", note) }
            if measure.trials.isEmpty {
                literal("/>")
            } else {
                literal(">")
                for trial in measure.trials {
                    literal("<trial>")
                    out.append(contentsOf: Self.number(trial).utf8)
                    literal("</trial>")
                }
                literal("</measure>")
            }
        }
        for outcome in session.outcomes {
            literal("\n<outcome")
            attribute("instrument", outcome.instrument)
            if let value = outcome.value { attribute("value", outcome.valueText ?? Self.number(value)) }
            if let items = outcome.items { attribute("items", items.map { $0.map(String.init) ?? "-" }.joined(separator: " ")) }
            if outcome.activities.isEmpty {
                literal("/>")
            } else {
                literal(">")
                for activity in outcome.activities {
                    literal("<activity")
                    attribute("name", activity.name)
                    attribute("score", Self.number(activity.score))
                    literal("/>")
                }
                literal("</outcome>")
            }
        }
        bytes = out
    }

    /// Lines as stored.
    public init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// The text stored: the lines, one a line.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Lines read back from stored bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The hash that says whether a session is new, unchanged or changed: of the lines sorted
    /// (after the patient line, which comes first whatever the order), so the order of entry
    /// does not count.
    public var hash: String {
        let all = bytes
        var hash = SHA256()
        all.withUnsafeBufferPointer { buffer in
            // The lines as slices of the bytes, in byte order (for text in Unicode's composed
            // form, as mbt reads it, the order of its characters).
            let lines = buffer.split(separator: 10).sorted { $0.lexicographicallyPrecedes($1) }
            for (i, line) in lines.enumerated() {
                if i > 0 { hash.update(byte: 10) }
                hash.update(UnsafeBufferPointer(rebasing: line))
            }
        }
        return hash.finalHex()
    }

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
        var out = "  " + (first.first { $0.text.hasPrefix("<patient") }?.text ?? "<patient>") + "\n"
        for line in first where line.text.hasPrefix("<condition") { out += "    " + line.text + "\n" }
        for entry in sessions {
            for line in entry.lines where line.text.hasPrefix("<session") { out += "    " + line.text + "\n" }
            for line in entry.lines where line.text.hasPrefix("<measure") { out += "      " + line.text + "\n" }
            for line in entry.lines where line.text.hasPrefix("<outcome") { out += "      " + line.text + "\n" }
            out += "    </session>\n"
        }
        return out + "  </patient>\n"
    }

    static func subject(of text: String) -> String {
        if text.hasPrefix("<patient") { return "patient" }
        if text.hasPrefix("<session") { return "session" }
        if text.hasPrefix("<condition") { return "condition \((attribute("code", in: text) ?? "").lowercased())" }
        if text.hasPrefix("<outcome") { return "outcome \(attribute("instrument", in: text) ?? "")" }
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

    /// XML attribute text, as every hand-written attribute of mbt (`xmlAttributeText`): line
    /// breaks escaped, so a stored line is one line.
    public static func escaped(_ text: String) -> String { xmlAttributeText(text) }

    /// A reading as the shortest decimal that reads back as the same number (150, not 150.0).
    static func number(_ value: Double) -> String { shortestDecimalText(value) }
}
