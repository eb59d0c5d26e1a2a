import MBXML
import MuscleBalanceCore

/// A clinic file read one patient at a time, with schema validation on the stream. Each patient
/// comes with the schema problems that belong to it: libxml2 validates as it parses, ahead of
/// (or, near a buffer edge, behind) the element the reader hands out, so a patient is handed
/// on only once the next one has started, and owns the problems on the lines in between.
final class MeasurementStream {
    struct Item {
        var patient: Patient
        var tree: XMLElement
        /// Its schema problems, placed on the lines a person looks at.
        var schemaProblems: [XMLDiagnostic]
        var hasSchemaErrors: Bool { schemaProblems.contains { $0.severity == .error } }
    }

    let root: XMLElement
    let header: MeasurementFileHeader
    /// Problems outside any patient (the root element, trailing content).
    private(set) var looseProblems: [XMLDiagnostic] = []
    private let reader: XMLStreamReader
    private var pending: (patient: Patient, tree: XMLElement)?
    private var problems: [XMLDiagnostic] = []
    private var ended = false

    convenience init(path: String, schema: XMLSchema) throws(XMLReadError) {
        try self.init(reader: try XMLStreamReader(path: path, schema: schema))
    }

    convenience init(bytes: [UInt8], url: String, schema: XMLSchema) throws(XMLReadError) {
        try self.init(reader: try XMLStreamReader(bytes: bytes, url: url, schema: schema))
    }

    private init(reader: XMLStreamReader) throws(XMLReadError) {
        self.reader = reader
        root = try reader.readRoot()
        // Under any other root the schema validates nothing below it: refuse the file here,
        // for every caller, rather than read unvalidated patients.
        guard root.name == "measurements", root.namespace == MBTNamespace.measurements else {
            let found = "<\(root.name)>" + (root.namespace.map { " in namespace \($0)" } ?? " with no namespace")
            throw XMLReadError([XMLDiagnostic(
                severity: .error, stage: .schema, line: root.line, column: 0,
                message: "expected <measurements xmlns=\"\(MBTNamespace.measurements)\">, found \(found)", element: root.name)])
        }
        header = PatientBuilder.header(root)
        problems = reader.drainDiagnostics()
    }

    /// The next patient, or nil at the end of the file. Throws when the file turns out not to
    /// be well-formed XML: the caller decides what to keep.
    func next() throws(XMLReadError) -> Item? {
        while !ended {
            let child = try reader.nextChild()
            problems += reader.drainDiagnostics()
            let bound = child?.line ?? Int.max
            if child == nil { ended = true }
            let settled = settle(upTo: bound)
            if let child, child.name == "patient" {
                pending = (PatientBuilder.patient(child), child)
            }
            if let settled { return settled }
        }
        return nil
    }

    private func settle(upTo bound: Int) -> Item? {
        let mine = problems.filter { $0.line < bound }
        problems = problems.filter { $0.line >= bound }
        guard let (patient, tree) = pending else {
            looseProblems += mine
            return nil
        }
        pending = nil
        let before = mine.filter { $0.line < patient.location.line }
        looseProblems += before
        let own = mine.filter { $0.line >= patient.location.line }.map { SchemaErrorPlacement.place($0, in: tree) }
        return Item(patient: patient, tree: tree, schemaProblems: own)
    }
}
