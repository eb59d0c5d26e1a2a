#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBXML
import MuscleBalanceCore

/// Builds `Patient`s from the events of a clinic file as libxml2 parses it, with no tree in
/// between. Reads what the old tree walk read, the same way: direct children by local name,
/// values trimmed of XML whitespace, text of a `<trial>` itself (not of anything inside it).
final class PatientBuilder: XMLEventHandler {
    /// Every element and attribute name the builder reads, numbered by the parser.
    enum Word: Int, CaseIterable {
        case measurements, patient, condition, session, measure, trial, outcome, activity
        case id, sex, birthDate, bodyMassKg, heightCm, code, date, assessor, bloodPressure, test, side, unit, value, note
        case onset, resolved, screened, name, instrument, items, score, episode

        /// The case names are the XML names.
        static let texts: [String] = allCases.map { String(describing: $0) }
        /// Only a `<trial>`'s text is read.
        static let vocabulary = XMLVocabulary(texts, textOf: ["trial"])
    }

    /// A child of the root, complete: a patient, or anything else (which still bounds the
    /// lines of the patient before it).
    struct Child {
        var line: Int
        public var patient: Patient?
        /// Every element of the child, with its start line, for placing schema errors.
        var elements: [ElementStart]
    }

    struct ElementStart {
        var name: String
        var line: Int
    }

    /// The state lives in a struct, so that its fields are not checked one by one at run time
    /// for exclusive access, as a class's stored properties are; and behind a pointer the
    /// builder owns, so that not even the struct is (a runtime access check on every event,
    /// 150,000 per 1,000 patients). Only the parser's thread, one event at a time, touches it.
    private let assembly: UnsafeMutablePointer<PatientAssembly>

    public init() {
        assembly = .allocate(capacity: 1)
        assembly.initialize(to: PatientAssembly())
    }

    deinit {
        assembly.deinitialize(count: 1)
        assembly.deallocate()
    }

    var root: XMLElement? { assembly.pointee.root }

    func takeCompleted() -> [Child] { assembly.pointee.takeCompleted() }

    func startElement(_ tag: borrowing XMLStartTag) { assembly.pointee.startElement(tag) }

    func endElement(name: Int, depth: Int) { assembly.pointee.endElement(name: name, depth: depth) }

    func characters(_ text: borrowing XMLCharacters) { assembly.pointee.characters(text) }

    public static func header(_ root: XMLElement) -> MeasurementFileHeader {
        MeasurementFileHeader(protocolID: root.string("protocol") ?? "", clinic: root.string("clinic"), location: root.location)
    }
}

/// The builder's state while a file is read: the patient, session and measure open now.
private struct PatientAssembly {
    typealias Word = PatientBuilder.Word
    typealias Child = PatientBuilder.Child
    typealias ElementStart = PatientBuilder.ElementStart

    /// What an open element is to the builder.
    private enum Role {
        case root, patient, condition, session, measure, trial, outcome, activity, other
    }

    private(set) var root: XMLElement?
    /// Children of the root completed since the last `takeCompleted()`.
    private var completed: [Child] = []
    private var roles: [Role] = []
    private var patient: Patient?
    private var session: AssessmentSession?
    private var measure: Measure?
    private var outcome: OutcomeEntry?
    /// A `<trial>`'s character data so far, as UTF-8.
    private var trialText: [UInt8] = []
    /// Test ids, condition codes and assessors repeat from patient to patient: kept once.
    private var recent = RecentValues()
    private var childLine = 0
    private var elements: [ElementStart] = []
    private var elementsCapacity = 64

    mutating func takeCompleted() -> [Child] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    mutating func startElement(_ tag: borrowing XMLStartTag) {
        let parent = roles.last
        let name = tag.name
        let role: Role
        switch parent {
        case nil:
            root = tag.element()
            roles.append(.root)
            return
        case .root:
            childLine = tag.line
            elements = []
            elements.reserveCapacity(elementsCapacity)
            role = name == Word.patient.rawValue ? .patient : .other
            if role == .patient { patient = makePatient(tag) }
        case .patient where name == Word.condition.rawValue:
            role = .condition
            let code = Self.trimmedValue(tag, .code) { recent.string($0) } ?? ""
            patient?.conditions.append(PatientCondition(
                code: code, onset: Self.trimmedValue(tag, .onset) { CivilDate(String(decoding: $0, as: UTF8.self)) } ?? nil,
                resolved: Self.trimmedValue(tag, .resolved) { CivilDate(String(decoding: $0, as: UTF8.self)) } ?? nil,
                location: SourceLocation(line: tag.line, element: "condition")))
        case .patient where name == Word.session.rawValue:
            role = .session
            session = makeSession(tag)
        case .session where name == Word.measure.rawValue:
            role = .measure
            measure = makeMeasure(tag)
        case .measure where name == Word.trial.rawValue:
            role = .trial
            trialText.removeAll(keepingCapacity: true)
        case .session where name == Word.outcome.rawValue:
            role = .outcome
            outcome = makeOutcome(tag)
        case .outcome where name == Word.activity.rawValue:
            role = .activity
            outcome?.activities.append(OutcomeEntry.Activity(
                name: Self.trimmedValue(tag, .name) { String(decoding: $0, as: UTF8.self) } ?? "",
                score: (tag.withValue(Word.score.rawValue, parseDecimal) ?? nil) ?? .nan))
        default:
            role = .other
        }
        elements.append(ElementStart(name: name == XMLVocabulary.unknown ? tag.nameText : Word.texts[name], line: tag.line))
        roles.append(role)
    }

    mutating func endElement(name: Int, depth: Int) {
        guard let role = roles.popLast() else { return }
        switch role {
        case .root, .patient, .condition, .activity, .other:
            break
        case .outcome:
            if let outcome = outcome.take() { session?.outcomes.append(outcome) }
        case .session:
            // take(): moved, not copied, into the parent.
            if let session = session.take() { patient?.sessions.append(session) }
        case .measure:
            if let measure = measure.take() { session?.measures.append(measure) }
        case .trial:
            if let reading = trialText.withUnsafeBufferPointer(parseDecimal) { measure?.trials.append(reading) }
        }
        if depth == 1 {
            elementsCapacity = max(elementsCapacity, elements.count)
            completed.append(Child(line: childLine, patient: role == .patient ? patient.take() : nil, elements: elements))
            elements = []
        }
    }

    mutating func characters(_ text: borrowing XMLCharacters) {
        if roles.last == .trial { trialText.append(contentsOf: text.bytes) }
    }

    private mutating func makePatient(_ tag: borrowing XMLStartTag) -> Patient {
        recent.patientStarted()
        return Patient(
            id: Self.trimmedValue(tag, .id) { String(decoding: $0, as: UTF8.self) } ?? "",
            sex: Self.trimmedValue(tag, .sex) { Self.sexes.match($0) } ?? nil,
            birthDate: Self.trimmedValue(tag, .birthDate) { CivilDate(String(decoding: $0, as: UTF8.self)) } ?? nil,
            bodyMassKg: tag.withValue(Word.bodyMassKg.rawValue, parseDecimal) ?? nil,
            heightCm: tag.withValue(Word.heightCm.rawValue, parseDecimal) ?? nil,
            conditions: [], sessions: [], location: SourceLocation(line: tag.line, element: "patient"),
            name: Self.trimmedValue(tag, .name) { String(decoding: $0, as: UTF8.self) } ?? nil)
    }

    private mutating func makeSession(_ tag: borrowing XMLStartTag) -> AssessmentSession {
        let dateText = Self.trimmedValue(tag, .date) { String(decoding: $0, as: UTF8.self) } ?? ""
        var session = AssessmentSession(
            date: CivilDate(dateText), dateText: dateText, assessor: tag.withValue(Word.assessor.rawValue) { recent.string($0) },
            bloodPressure: Self.trimmedValue(tag, .bloodPressure) { BloodPressure(String(decoding: $0, as: UTF8.self)) } ?? nil,
            screened: Self.trimmedValue(tag, .screened) { CivilDate(String(decoding: $0, as: UTF8.self)) } ?? nil,
            measures: [], location: SourceLocation(line: tag.line, element: "session"))
        // The schema allows only its two words.
        session.episode = Self.trimmedValue(tag, .episode) { EpisodeMark(rawValue: String(decoding: $0, as: UTF8.self)) } ?? nil
        return session
    }

    /// An element's place among those of its name starting on one line (a spreadsheet row made
    /// into XML holds many measures and outcomes; so may a hand-written line).
    struct LineOccurrences {
        private var line = 0
        private var count = 0

        mutating func next(line: Int) -> Int {
            if line == self.line {
                count += 1
            } else {
                self.line = line
                count = 0
            }
            return count
        }
    }
    private var measuresOnLine = LineOccurrences()
    private var outcomesOnLine = LineOccurrences()

    private mutating func makeMeasure(_ tag: borrowing XMLStartTag) -> Measure {
        let unit = Self.trimmedValue(tag, .unit) { Self.units.match($0) } ?? nil
        // A known unit's text is its raw value; only an unknown one needs its own string.
        let unitText = unit?.rawValue ?? Self.trimmedValue(tag, .unit) { String(decoding: $0, as: UTF8.self) } ?? ""
        return Measure(
            test: Self.trimmedValue(tag, .test) { recent.string($0) } ?? "",
            side: Self.trimmedValue(tag, .side) { Self.sides.match($0) } ?? nil,
            unit: unit, unitText: unitText,
            value: tag.withValue(Word.value.rawValue, parseDecimal) ?? nil,
            trials: [], note: tag.string(Word.note.rawValue), location: SourceLocation(line: tag.line, element: "measure", occurrence: measuresOnLine.next(line: tag.line)))
    }

    /// An `<outcome>`: its items as written ('-' not answered; anything else unreadable is the
    /// schema's to report) and value; its activities are elements of their own.
    private mutating func makeOutcome(_ tag: borrowing XMLStartTag) -> OutcomeEntry {
        let items: [Int?]? = Self.trimmedValue(tag, .items) { bytes in
            bytes.split(separator: 0x20).map { word -> Int? in word.elementsEqual("-".utf8) ? nil : Int(String(decoding: word, as: UTF8.self)) }
        } ?? nil
        return OutcomeEntry(
            instrument: Self.trimmedValue(tag, .instrument) { recent.string($0) } ?? "",
            value: tag.withValue(Word.value.rawValue, parseDecimal) ?? nil,
            valueText: Self.trimmedValue(tag, .value) { String(decoding: $0, as: UTF8.self) } ?? nil,
            items: items, location: SourceLocation(line: tag.line, element: "outcome", occurrence: outcomesOnLine.next(line: tag.line)))
    }

    /// Calls `body` with the attribute's value trimmed of XML whitespace, as the tree walk did
    /// (`trimmingXMLWhitespace`): straight from libxml2's bytes when there is nothing to trim,
    /// which is nearly always; through the same String trimming otherwise.
    private static func trimmedValue<R>(_ tag: borrowing XMLStartTag, _ word: Word, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        tag.withValue(word.rawValue) { bytes in
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
            if let first = bytes.first, let last = bytes.last, !isSpace(first), !isSpace(last) { return body(bytes) }
            var text = trimmed(String(decoding: bytes, as: UTF8.self))
            return text.withUTF8(body)
        }
    }

    private static let sexes = RawValueBytes(Sex.allCases)
    private static let units = RawValueBytes(MeasurementUnit.allCases)
    private static let sides = RawValueBytes(BodySide.allCases)
}

/// The value without leading and trailing XML whitespace; the same string when there is none.
private func trimmed(_ text: String) -> String {
    let t = text.trimmingXMLWhitespace()
    return t.startIndex == text.startIndex && t.endIndex == text.endIndex ? text : String(t)
}

/// A few dozen distinct values that recur on every patient (test ids, condition codes,
/// assessors): each is made into a String once and then shared. Bounded, so a file of unique
/// values costs no more memory than one of repeated ones.
///
/// Shared only within a generation of patients about a batch's worth long: the patients go to
/// worker threads, which free them while this thread makes the next ones. One String shared by
/// every patient of the file had its reference count bumped by this thread and dropped by the
/// workers all the time, and the count's cache line went back and forth between the cores
/// (with the protocol's strings, shared the same way: `swift_retain` 13.9% of the CPU on two
/// cores, 7.9% on one). A new generation makes new Strings, which the workers then have to
/// themselves.
struct RecentValues {
    private var keys: [[UInt8]] = []
    private var values: [String] = []
    /// Whether `values[i]` was made in this generation.
    private var current: [Bool] = []
    private var patients = 0
    static let capacity = 128
    /// A batch's worth: the batch scorer hands its workers batches of this many patients, so
    /// each batch's strings come from one generation (a test holds the two equal).
    static let patientsPerGeneration = 32

    mutating func patientStarted() {
        patients += 1
        if patients >= Self.patientsPerGeneration {
            patients = 0
            for index in current.indices { current[index] = false }
        }
    }

    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return "" }
        for index in keys.indices where keys[index].count == bytes.count {
            let same = keys[index].withUnsafeBufferPointer { memcmp($0.baseAddress!, base, bytes.count) == 0 }
            guard same else { continue }
            if !current[index] {
                values[index] = String(decoding: bytes, as: UTF8.self)
                current[index] = true
            }
            return values[index]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if keys.count < Self.capacity {
            keys.append(Array(bytes))
            values.append(text)
            current.append(true)
        }
        return text
    }
}

/// The cases of a string enum by the bytes of their raw values: `match` gives what
/// `init(rawValue:)` would, compared as bytes (no String made, no generic walk of a UTF-8 view).
struct RawValueBytes<T: RawRepresentable & Sendable>: Sendable where T.RawValue == String {
    private let entries: [(bytes: [UInt8], value: T)]

    public init(_ cases: [T]) {
        entries = cases.map { (Array($0.rawValue.utf8), $0) }
    }

    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> T? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return entries.first { $0.bytes.isEmpty }?.value
        }
        for entry in entries where entry.bytes.count == bytes.count {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base, bytes.count) == 0 }) { return entry.value }
        }
        return nil
    }
}
