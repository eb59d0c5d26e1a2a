import CLibXML2

/// A compiled W3C XML Schema. Compile once per run, then share it: libxml2 only reads a
/// compiled schema while validating, and every validation gets its own context.
public final class XMLSchema: @unchecked Sendable {
    // @unchecked: the xmlSchema is never mutated after init (libxml2's validation contexts only
    // read it); checked by the concurrent validation test.
    let pointer: xmlSchemaPtr
    public let path: String

    /// Compiles the schema at `path`. Includes and imports are refused by the entity loader:
    /// mbt's schemas are single files.
    public init(contentsOf path: String) throws(XMLReadError) {
        LibXML.ensureInitialized()
        let bytes = try FileBytes.read(path, limit: 16 * 1024 * 1024)
        let collector = ErrorCollector()
        collector.stage = .schema
        let compiled: xmlSchemaPtr? = withThreadErrorHandler(collector) {
            bytes.withUnsafeBufferPointer { buffer -> xmlSchemaPtr? in
                // An empty file has no base address: it is simply not a schema.
                guard let base = buffer.baseAddress else { return nil }
                let text = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                guard let parser = xmlSchemaNewMemParserCtxt(text, Int32(buffer.count)) else {
                    return nil
                }
                defer { xmlSchemaFreeParserCtxt(parser) }
                xmlSchemaSetParserStructuredErrors(parser, mbxmlCollectError, collector.opaque)
                return xmlSchemaParse(parser)
            }
        }
        guard let compiled, !collector.hasErrors else {
            if let compiled { xmlSchemaFree(compiled) }
            var diagnostics = collector.diagnostics
            if diagnostics.isEmpty {
                diagnostics.append(
                    XMLDiagnostic(
                        severity: .error, stage: .schema, line: 0, column: 0,
                        message: "'\(path)' is not a usable XML Schema"))
            }
            throw XMLReadError(diagnostics)
        }
        self.pointer = compiled
        self.path = path
    }

    deinit {
        xmlSchemaFree(pointer)
    }
}
