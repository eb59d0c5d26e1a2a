import MBXML
import MuscleBalanceCore

/// A clinic file read one patient at a time, with schema validation on the stream. Each patient
/// comes with the schema problems that belong to it: those on its lines, up to the line where
/// the next child of the root starts. libxml2 validates each element right after the builder
/// has seen it, so once a chunk is parsed every problem of the children it completed is known.
public final class MeasurementStream {
    public struct Item {
        public var patient: Patient
        /// Its schema problems, placed on the lines a person looks at.
        public var schemaProblems: [XMLDiagnostic]
        /// A spreadsheet's problems in the patient's own cells (text in a number cell, a date in
        /// another format), placed on those cells already.
        public var cellProblems: [Diagnostic] = []
        public var hasSchemaErrors: Bool { schemaProblems.contains { $0.severity == .error } }
    }

    let root: XMLElement
    public let header: MeasurementFileHeader
    /// Problems outside any patient (the root element, trailing content).
    public private(set) var looseProblems: [XMLDiagnostic] = []
    private let reader: XMLEventReader
    private let builder: PatientBuilder
    private var pending: PatientBuilder.Child?
    private var problems: [XMLDiagnostic] = []
    private var ready: [Item] = []
    private var nextReady = 0
    private var ended = false

    public convenience init(path: String, schema: XMLSchema) throws(XMLReadError) {
        let builder = PatientBuilder()
        try self.init(reader: try XMLEventReader(path: path, schema: schema, vocabulary: PatientBuilder.Word.vocabulary, handler: builder), builder: builder)
    }

    public convenience init(bytes: [UInt8], url: String, schema: XMLSchema) throws(XMLReadError) {
        let builder = PatientBuilder()
        try self.init(reader: try XMLEventReader(bytes: bytes, url: url, schema: schema, vocabulary: PatientBuilder.Word.vocabulary, handler: builder), builder: builder)
    }

    /// Reads the document `producer` makes (a spreadsheet imported on the fly), patient by
    /// patient, through the same schema and builder as a file.
    public convenience init(producer: any XMLByteProducer, url: String, schema: XMLSchema) throws(XMLReadError) {
        let builder = PatientBuilder()
        try self.init(reader: XMLEventReader(producer: producer, url: url, schema: schema, vocabulary: PatientBuilder.Word.vocabulary, handler: builder), builder: builder)
    }

    private init(reader: XMLEventReader, builder: PatientBuilder) throws(XMLReadError) {
        self.reader = reader
        self.builder = builder
        // The reader throws at the end of a document with no element, so a root is there.
        while builder.root == nil, try reader.step() {}
        guard let root = builder.root else {
            throw XMLReadError([XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: "the file has no root element; expected an XML document")])
        }
        self.root = root
        // Under any other root the schema validates nothing below it: refuse the file here,
        // for every caller, rather than read unvalidated patients.
        guard root.name == "measurements", root.namespace == MBTNamespace.measurements else {
            let found = "<\(root.name)>" + (root.namespace.map { " in namespace \($0)" } ?? " with no namespace")
            throw XMLReadError([XMLDiagnostic(
                severity: .error, stage: .schema, line: root.line, column: 0,
                message: "expected <measurements xmlns=\"\(MBTNamespace.measurements)\">, found \(found)", element: root.name)])
        }
        header = PatientBuilder.header(root)
        settleCompleted()
    }

    /// The next patient, or nil at the end of the file. Throws when the file turns out not to
    /// be well-formed XML, with every libxml2 problem not yet handed out (those of the patients
    /// in the chunk that broke included): the caller decides what to keep.
    public func next() throws(XMLReadError) -> Item? {
        while true {
            if nextReady < ready.count {
                defer { nextReady += 1 }
                return ready[nextReady]
            }
            ready.removeAll(keepingCapacity: true)
            nextReady = 0
            if ended { return nil }
            let more: Bool
            do {
                more = try reader.step()
            } catch {
                ended = true
                throw error
            }
            settleCompleted()
            if !more {
                settle(upTo: Int.max)
                ended = true
            }
        }
    }

    private func settleCompleted() {
        problems += reader.drainDiagnostics()
        for child in builder.takeCompleted() {
            settle(upTo: child.line)
            if child.patient != nil { pending = child }
        }
    }

    private func settle(upTo bound: Int) {
        let mine = problems.filter { $0.line < bound }
        problems = problems.filter { $0.line >= bound }
        guard let child = pending, let patient = child.patient else {
            looseProblems += mine
            return
        }
        pending = nil
        let before = mine.filter { $0.line < patient.location.line }
        looseProblems += before
        let own = mine.filter { $0.line >= patient.location.line }.map { SchemaErrorPlacement.place($0, in: child.elements) }
        ready.append(Item(patient: patient, schemaProblems: own))
    }
}
