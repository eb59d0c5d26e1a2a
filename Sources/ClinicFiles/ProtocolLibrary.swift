import Locks
import MBXML
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where protocols and schemas live, with each schema compiled once per run and each protocol
/// loaded once, shared by every file of a batch (and every thread).
public final class ProtocolLibrary: Sendable {
    public let directory: String
    public let protocolSchema: XMLSchema
    public let measurementSchema: XMLSchema
    private let loaded = Locked<[String: ProtocolLoadResult]>([:])

    public init(directory: String) throws(XMLReadError) {
        self.directory = directory
        self.protocolSchema = try XMLSchema(contentsOf: directory + "/protocol.xsd")
        self.measurementSchema = try XMLSchema(contentsOf: directory + "/measurements.xsd")
    }

    /// The bundled `Protocols/` folder: `$MBT_PROTOCOLS`, then `./Protocols`, then the folder
    /// beside the checkout the running binary was built in (`.build/<config>/mbt`).
    public static func locateDefaultDirectory() -> String? {
        var candidates: [String] = []
        if let env = getenv("MBT_PROTOCOLS") { candidates.append(String(cString: env)) }
        if let cwd = getcwd(nil, 0) {
            candidates.append(String(cString: cwd) + "/Protocols")
            free(cwd)
        }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            var dir = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            for _ in 0..<5 {
                guard let slash = dir.lastIndex(of: "/") else { break }
                dir = String(dir[..<slash])
                candidates.append(dir + "/Protocols")
                candidates.append(dir + "/share/mbt/Protocols")
            }
        }
        return candidates.first { access($0 + "/measurements.xsd", R_OK) == 0 && access($0 + "/protocol.xsd", R_OK) == 0 }
    }

    /// The protocol mbt ships (`Protocols/lumbopelvic-balance.xml`): what a spreadsheet, which
    /// names none, is read against unless --protocol says otherwise.
    public static let defaultProtocolID = "lumbopelvic-balance"

    /// The file a protocol id is found in: `<directory>/<id>.xml`.
    public func path(forProtocolID id: String) -> String {
        directory + "/" + id + ".xml"
    }

    /// The protocol at `path`, loaded before, built again from the same bytes: the same figures
    /// in objects of its own; nil if it was not loaded or is not usable. Each worker scoring a
    /// large file takes one. Sharing one, the workers bumped and dropped the reference counts of
    /// its strings and tables for every patient, and those counts' cache lines went back and
    /// forth between the cores (Benchmarks/RESULTS.md, ninth round).
    public func rebuilt(path: String) -> BalanceProtocol? {
        guard let first = loaded.withLock({ $0[path] }), first.balanceProtocol != nil else { return nil }
        return ProtocolLoader.load(bytes: first.source, url: path, schema: protocolSchema).balanceProtocol
    }

    /// Loads (once) and checks the protocol at `path`.
    public func load(path: String) -> ProtocolLoadResult {
        if let cached = loaded.withLock({ $0[path] }) { return cached }
        let result = ProtocolLoader.load(path: path, schema: protocolSchema)
        loaded.withLock { $0[path] = result }
        return result
    }
}

/// A protocol as loaded: the model when it is usable, and everything found wrong with it.
public struct ProtocolLoadResult: Sendable {
    public var path: String
    public var balanceProtocol: BalanceProtocol?
    public var diagnostics: [Diagnostic]
    /// The bytes a usable protocol was built from (`ProtocolLibrary.rebuilt`).
    var source: [UInt8] = []

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

public enum ProtocolLoader {
    /// Parses, validates against the schema, builds the model and applies the semantic rules.
    /// `schemaOnly` stops after the schema.
    public static func load(path: String, schema: XMLSchema, schemaOnly: Bool = false) -> ProtocolLoadResult {
        let document: XMLParsedDocument
        do {
            document = try XMLDocumentReader.read(path: path, schema: schema)
        } catch {
            return ProtocolLoadResult(path: path, balanceProtocol: nil, diagnostics: error.diagnostics.map { $0.asDiagnostic(file: path) })
        }
        return load(document, path: path, schemaOnly: schemaOnly)
    }

    /// The same, for a protocol held in memory (fuzzing, tests).
    public static func load(bytes: [UInt8], url: String, schema: XMLSchema) -> ProtocolLoadResult {
        do {
            return load(try XMLDocumentReader.parse(bytes: bytes, url: url, schema: schema), path: url, schemaOnly: false)
        } catch {
            return ProtocolLoadResult(path: url, balanceProtocol: nil, diagnostics: error.diagnostics.map { $0.asDiagnostic(file: url) })
        }
    }

    private static func load(_ document: XMLParsedDocument, path: String, schemaOnly: Bool) -> ProtocolLoadResult {
        var engine = DiagnosticsEngine(file: path)
        if document.root.namespace != MBTNamespace.protocolDefinition || document.root.name != "protocol" {
            engine.emit(Diagnostic(.error, line: document.root.line, message: "expected a <protocol> in namespace \(MBTNamespace.protocolDefinition), found <\(document.root.name)>\(document.root.namespace.map { " in \($0)" } ?? " with no namespace")", anchor: .element(document.root.name)))
        }
        engine.emit(contentsOf: document.validity.map { $0.asDiagnostic(file: path) })
        var model: BalanceProtocol?
        if !engine.hasErrors && !schemaOnly {
            var builder = ProtocolBuilder()
            let built = builder.build(document.root)
            engine.emit(contentsOf: builder.diagnostics)
            engine.emit(contentsOf: ProtocolRules.check(built))
            model = built
        }
        engine.resolveColumns { ColumnResolver.resolve($0, bytes: document.source) }
        var result = ProtocolLoadResult(path: path, balanceProtocol: engine.hasErrors ? nil : model, diagnostics: engine.sorted)
        if result.balanceProtocol != nil { result.source = document.source }
        return result
    }
}

public extension XMLDiagnostic {
    /// libxml2's report as an mbt diagnostic; schema errors point at their element, in a
    /// person's words (`SchemaWords`).
    func asDiagnostic(file: String) -> Diagnostic {
        Diagnostic(
            severity == .error ? .error : .warning, file: file, line: line, column: column,
            message: stage == .schema ? SchemaWords.plain(message) : message,
            anchor: stage == .schema ? SchemaWords.anchor(of: message, element: element) : element.map { .element($0) })
    }
}
