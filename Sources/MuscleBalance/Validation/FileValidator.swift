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

    public var hasErrors: Bool { unreadable || diagnostics.contains { $0.severity == .error } }
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

    public init(library: ProtocolLibrary, protocolOverride: String? = nil, schemaOnly: Bool = false, today: CivilDate) {
        self.library = library
        self.protocolOverride = protocolOverride
        self.schemaOnly = schemaOnly
        self.today = today
    }

    public func validate(path: String) -> FileValidation {
        // The root element's namespace says what the file is; reading it costs one buffer.
        let root: XMLElement
        do {
            root = try XMLEventReader.readRoot(path: path)
        } catch {
            return failed(path, error)
        }
        switch root.namespace {
        case MBTNamespace.protocolDefinition:
            let result = ProtocolLoader.load(path: path, schema: library.protocolSchema, schemaOnly: schemaOnly)
            let unreadable = result.diagnostics.contains { $0.line == 0 && $0.message.hasPrefix("cannot ") }
            return FileValidation(path: path, kind: .protocolDefinition, diagnostics: result.diagnostics, unreadable: unreadable, patients: 0)
        case MBTNamespace.measurements:
            return validateMeasurements(path: path)
        default:
            let found = root.namespace.map { "namespace \($0)" } ?? "no namespace"
            let diagnostic = Diagnostic(
                .error, file: path, line: root.line,
                message: "<\(root.name)> in \(found) is neither a protocol (\(MBTNamespace.protocolDefinition)) nor a measurement file (\(MBTNamespace.measurements)); set the xmlns of the root element",
                anchor: .element(root.name))
            return FileValidation(path: path, kind: .unknown, diagnostics: ColumnResolver.resolve([diagnostic], path: path), unreadable: false, patients: 0)
        }
    }

    private func failed(_ path: String, _ error: XMLReadError) -> FileValidation {
        let unreadable = error.diagnostics.contains { $0.stage == .io }
        return FileValidation(
            path: path, kind: .unknown, diagnostics: error.diagnostics.map { $0.asDiagnostic(file: path) },
            unreadable: unreadable, patients: 0)
    }

    /// Streams the file one patient at a time, with the schema validating the stream.
    private func validateMeasurements(path: String) -> FileValidation {
        var engine = DiagnosticsEngine(file: path)
        var patients = 0
        do {
            let stream = try MeasurementStream(path: path, schema: library.measurementSchema)
            var rules = schemaOnly ? nil : measurementRules(for: stream.header, &engine)
            if let rules { engine.emit(contentsOf: rules.check(stream.header)) }
            while let item = try stream.next() {
                patients += 1
                if rules != nil {
                    engine.emit(contentsOf: item.problems(file: path, rules: &rules!))
                } else {
                    // --schema-only: the schema's problems alone.
                    engine.emit(contentsOf: item.schemaProblems.map { $0.asDiagnostic(file: path) })
                }
            }
            engine.emit(contentsOf: stream.looseProblems.map { $0.asDiagnostic(file: path) })
        } catch {
            engine.emit(contentsOf: error.diagnostics.map { $0.asDiagnostic(file: path) })
            if error.diagnostics.contains(where: { $0.stage == .io }) {
                return FileValidation(path: path, kind: .measurements, diagnostics: engine.sorted, unreadable: true, patients: patients)
            }
        }
        engine.resolveColumns { ColumnResolver.resolve($0, path: path) }
        return FileValidation(path: path, kind: .measurements, diagnostics: engine.sorted, unreadable: false, patients: patients)
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
