import CLibXML2

/// A small document read whole: its root as Swift values, plus schema validity problems.
public struct XMLParsedDocument: Sendable {
    public var root: XMLElement
    /// Schema validity problems (empty when no schema was given or the document is valid).
    public var validity: [XMLDiagnostic]
    /// The document's bytes, kept so that callers can find columns for their own messages.
    public var source: [UInt8]

    public var isValid: Bool { !validity.contains { $0.severity == .error } }
}

/// Parses whole documents (protocol definitions: small, read once) into `XMLElement` trees.
/// The libxml2 tree is converted and freed before returning; no C pointer escapes.
public enum XMLDocumentReader {
    /// Protocol definitions are hand-written files; anything bigger is a mistake or an attack.
    public static let maximumSize = 16 * 1024 * 1024

    public static func read(path: String, schema: XMLSchema?) throws(XMLReadError) -> XMLParsedDocument {
        let bytes = try FileBytes.read(path, limit: maximumSize)
        return try parse(bytes: bytes, url: path, schema: schema)
    }

    public static func parse(bytes: [UInt8], url: String, schema: XMLSchema?) throws(XMLReadError) -> XMLParsedDocument {
        LibXML.ensureInitialized()
        if bytes.isEmpty {
            throw XMLReadError([
                XMLDiagnostic(
                    severity: .error, stage: .parse, line: 1, column: 1,
                    message: "the file is empty; expected an XML document")
            ])
        }
        let document = try parseTree(bytes: bytes, url: url)
        defer { xmlFreeDoc(document) }
        guard let rootNode = xmlDocGetRootElement(document) else {
            throw XMLReadError(nonEmpty([], "the document has no root element"))
        }

        var validity: [XMLDiagnostic] = []
        if let schema {
            let validation = ErrorCollector()
            validation.stage = .schema
            guard let validator = xmlSchemaNewValidCtxt(schema.pointer) else {
                throw XMLReadError(io: "libxml2 could not allocate a schema validator (out of memory)")
            }
            defer { xmlSchemaFreeValidCtxt(validator) }
            xmlSchemaSetValidStructuredErrors(validator, mbxmlCollectError, validation.opaque)
            let status = withThreadErrorHandler(validation) { xmlSchemaValidateDoc(validator, document) }
            validity = validation.diagnostics
            if status != 0 && !validation.hasErrors {
                validity.append(
                    XMLDiagnostic(
                        severity: .error, stage: .schema, line: 0, column: 0,
                        message: "schema validation failed (libxml2 status \(status))"))
            }
        }
        let root = convert(rootNode, document: document)
        return XMLParsedDocument(root: root, validity: validity, source: bytes)
    }

    /// Parses `bytes` (not empty) with mbt's safe options and refusals (no DOCTYPE, no entity
    /// or DTD loading, no network) into a libxml2 tree that the caller frees with xmlFreeDoc.
    /// Shared by the document reader and the stylesheet compiler.
    static func parseTree(bytes: [UInt8], url: String) throws(XMLReadError) -> xmlDocPtr {
        let collector = ErrorCollector()
        guard let context = xmlNewParserCtxt() else {
            throw XMLReadError(io: "libxml2 could not allocate a parser (out of memory)")
        }
        defer { xmlFreeParserCtxt(context) }
        context.pointee._private = collector.opaque
        context.pointee.sax.pointee.serror = mbxmlParserError
        context.pointee.sax.pointee.internalSubset = mbxmlRefuseInternalSubset

        let document: xmlDocPtr? = withThreadErrorHandler(collector) {
            bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                // Never nil: empty input was refused above.
                guard let base = buffer.baseAddress, buffer.count <= Int(Int32.max) else { return nil }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(context, $0, Int32(buffer.count), url, nil, mbxmlSafeParseOptions)
                }
            }
        }
        guard let document else {
            throw XMLReadError(nonEmpty(collector.diagnostics, "the file is not well-formed XML"))
        }
        if context.pointee.wellFormed == 0 || collector.hasErrors {
            xmlFreeDoc(document)
            throw XMLReadError(nonEmpty(collector.diagnostics, "the file is not well-formed XML"))
        }
        if document.pointee.intSubset != nil {
            xmlFreeDoc(document)
            throw XMLReadError([
                XMLDiagnostic(severity: .error, stage: .safety, line: 1, column: 1, message: mbxmlDoctypeRefusal)
            ])
        }
        return document
    }

    static func nonEmpty(_ diagnostics: [XMLDiagnostic], _ fallback: String) -> [XMLDiagnostic] {
        diagnostics.isEmpty
            ? [XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: fallback)]
            : diagnostics
    }

    private static func convert(_ node: xmlNodePtr, document: xmlDocPtr) -> XMLElement {
        var element = XMLElement(
            name: String(cString: node.pointee.name),
            namespace: node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } },
            line: Int(xmlGetLineNo(node)))
        var property = node.pointee.properties
        while let attribute = property {
            var value = ""
            if let raw = xmlNodeListGetString(document, attribute.pointee.children, 1) {
                value = String(cString: raw)
                CLibXML2_xmlFree(raw)
            }
            element.attributes.append(
                XMLAttribute(
                    name: String(cString: attribute.pointee.name),
                    namespace: attribute.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } },
                    value: value))
            property = attribute.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(convert(current, document: document))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    element.text += String(cString: content)
                }
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }
}

/// Parser errors of a whole-document parse: the context's user data is the context itself
/// (libxml2's default handlers expect that), and the collector sits in `_private`.
private func mbxmlParserError(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let userData else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    ErrorCollector.from(context.pointee._private)?.record(error)
}

/// Stops the parse at `<!DOCTYPE`, before any entity declaration in it is looked at.
private func mbxmlRefuseInternalSubset(
    _ userData: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?,
    _ externalID: UnsafePointer<xmlChar>?, _ systemID: UnsafePointer<xmlChar>?
) {
    guard let userData else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    let line = context.pointee.input.map { Int($0.pointee.line) } ?? 1
    ErrorCollector.from(context.pointee._private)?.append(
        XMLDiagnostic(severity: .error, stage: .safety, line: line, column: 1, message: mbxmlDoctypeRefusal))
    xmlStopParser(context)
}
