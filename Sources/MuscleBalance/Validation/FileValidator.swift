import ClinicFiles
import MBXML
import MuscleBalanceCore

/// What `mbt validate` found in one file.
public struct FileValidation: Sendable {
    public enum Kind: String, Sendable {
        case protocolDefinition = "protocol"
        case measurements
        case unknown
    }

    public var path: String
    public var kind: Kind
    public var diagnostics: [Diagnostic]
    /// The file could not be read at all (missing, a directory, no permission): exit status 2.
    public var unreadable: Bool
    public var patients: Int

    /// Problems found, counted as they were handed on (a streamed check keeps none).
    public var errorCount = 0
    public var warningCount = 0

    public var hasErrors: Bool { unreadable || errorCount > 0 }

    public init(path: String, kind: Kind, diagnostics: [Diagnostic], unreadable: Bool, patients: Int) {
        self.path = path
        self.kind = kind
        self.diagnostics = diagnostics
        self.unreadable = unreadable
        self.patients = patients
        count(diagnostics)
    }

    mutating func count(_ batch: [Diagnostic]) {
        for d in batch {
            if d.severity == .error { errorCount += 1 } else { warningCount += 1 }
        }
    }

    /// The same result with its problems handed to `sink` instead of kept.
    func streamed(to sink: ([Diagnostic]) -> Void) -> FileValidation {
        if !diagnostics.isEmpty { sink(diagnostics) }
        var copy = self
        copy.diagnostics = []
        return copy
    }
}

/// Checks protocol definitions and clinic measurement files: the schema through libxml2, then
/// the semantic rules. Safe to use from many threads at once: it holds only shared, read-only
/// state (compiled schemas, loaded protocols).
public struct FileValidator: Sendable {
    public let library: ProtocolLibrary
    /// A protocol file to check every measurement file against, instead of the one it names.
    public let protocolOverride: String?
    public let schemaOnly: Bool
    public let today: CivilDate
    /// How spreadsheets are read; nil reads every file as XML.
    public let sheetOptions: SheetImportOptions?

    public init(library: ProtocolLibrary, protocolOverride: String? = nil, schemaOnly: Bool = false, today: CivilDate, sheetOptions: SheetImportOptions? = nil) {
        self.library = library
        self.protocolOverride = protocolOverride
        self.schemaOnly = schemaOnly
        self.today = today
        self.sheetOptions = sheetOptions
    }

    /// Every problem of the file, in file order.
    public func validate(path: String) -> FileValidation {
        var all: [Diagnostic] = []
        var result = validate(path: path) { all += $0 }
        result.diagnostics = all.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
        return result
    }

    /// Checks the file and hands its problems to `sink` as they are found, a patient at a time
    /// (each batch in file order, columns resolved), so that a file with any number of
    /// problems is checked in bounded memory. The result counts them and holds none.
    public func validate(path: String, sink: ([Diagnostic]) -> Void) -> FileValidation {
        if sheetOptions != nil, ClinicFileStream.isSpreadsheet(path) {
            return validateMeasurements(path: path, sink: sink)
        }
        // The root element's namespace says what the file is; reading it costs one buffer.
        let root: XMLElement
        do {
            root = try XMLEventReader.readRoot(path: path)
        } catch {
            return failed(path, error).streamed(to: sink)
        }
        switch root.namespace {
        case MBTNamespace.protocolDefinition:
            let result = ProtocolLoader.load(path: path, schema: library.protocolSchema, schemaOnly: schemaOnly)
            let unreadable = result.diagnostics.contains { $0.line == 0 && $0.message.hasPrefix("cannot ") }
            return FileValidation(path: path, kind: .protocolDefinition, diagnostics: result.diagnostics, unreadable: unreadable, patients: 0)
                .streamed(to: sink)
        case MBTNamespace.measurements:
            return validateMeasurements(path: path, sink: sink)
        default:
            let found = root.namespace.map { "namespace \($0)" } ?? "no namespace"
            let diagnostic = Diagnostic(
                .error, file: path, line: root.line,
                message: "<\(root.name)> in \(found) is neither a protocol (\(MBTNamespace.protocolDefinition)) nor a measurement file (\(MBTNamespace.measurements)); set the xmlns of the root element",
                anchor: .element(root.name))
            return FileValidation(path: path, kind: .unknown, diagnostics: ColumnResolver.resolve([diagnostic], path: path), unreadable: false, patients: 0)
                .streamed(to: sink)
        }
    }

    private func failed(_ path: String, _ error: XMLReadError) -> FileValidation {
        let unreadable = error.diagnostics.contains { $0.stage == .io }
        return FileValidation(
            path: path, kind: .unknown, diagnostics: error.diagnostics.map { $0.asDiagnostic(file: path) },
            unreadable: unreadable, patients: 0)
    }

    /// Streams the file one patient at a time, with the schema validating the stream; each
    /// patient's problems go to `sink` when the patient is read, their columns found by one
    /// forward pass over the file (`ColumnCursor`).
    private func validateMeasurements(path: String, sink: ([Diagnostic]) -> Void) -> FileValidation {
        var result = FileValidation(path: path, kind: .measurements, diagnostics: [], unreadable: false, patients: 0)
        var stream: ClinicFileStream?
        func send(_ diagnostics: [Diagnostic]) {
            guard !diagnostics.isEmpty else { return }
            var engine = DiagnosticsEngine(file: path)
            engine.emit(contentsOf: diagnostics)
            if let stream { engine.resolveColumns { stream.place($0) } }
            let batch = engine.sorted
            result.count(batch)
            sink(batch)
        }
        do {
            let opened = try ClinicFileStream(path: path, schema: library.measurementSchema, sheetOptions: sheetOptions)
            stream = opened
            var headerEngine = DiagnosticsEngine(file: path)
            var rules = schemaOnly ? nil : measurementRules(for: opened.header, &headerEngine)
            if let rules { headerEngine.emit(contentsOf: rules.check(opened.header)) }
            send(headerEngine.diagnostics)
            while let item = try opened.next() {
                result.patients += 1
                if rules != nil {
                    send(item.problems(file: path, rules: &rules!))
                } else {
                    // --schema-only: the schema's problems alone (and a sheet's own cells').
                    send(item.schemaProblems.map { $0.asDiagnostic(file: path) } + item.cellProblems)
                }
            }
            send(opened.looseProblems)
        } catch {
            if error.unreadable {
                result.count(error.diagnostics)
                sink(error.diagnostics)
                result.unreadable = true
            } else {
                send(error.diagnostics)
            }
        }
        return result
    }

    /// The rules for the protocol the file names (or the override); nil, with an error, when
    /// that protocol is missing or broken.
    func measurementRules(for header: MeasurementFileHeader, _ engine: inout DiagnosticsEngine) -> MeasurementRules? {
        loadedProtocol(for: header, &engine).map { MeasurementRules(protocol: $0.balanceProtocol, today: today) }
    }

    /// The protocol the file names (or the override) and the path it was loaded from; nil,
    /// with an error, when that protocol is missing or broken.
    func loadedProtocol(for header: MeasurementFileHeader, _ engine: inout DiagnosticsEngine) -> (path: String, balanceProtocol: BalanceProtocol)? {
        let protocolPath = protocolOverride ?? library.path(forProtocolID: header.protocolID)
        let result = library.load(path: protocolPath)
        guard let loaded = result.balanceProtocol else {
            let missing = result.diagnostics.contains { $0.message.hasPrefix("cannot open") }
            let message =
                missing
                ? "protocol '\(header.protocolID)' was not found (looked for \(protocolPath)); put it there or pass --protocol FILE"
                : "protocol '\(header.protocolID)' (\(protocolPath)) has \(result.diagnostics.count { $0.severity == .error }) errors; run 'mbt validate \(protocolPath)' and fix them first"
            engine.emit(header.location.error(message, attribute: "protocol"))
            return nil
        }
        return (protocolPath, loaded)
    }
}
