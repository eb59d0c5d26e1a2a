#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibXML2

/// Reads a large document one child of the root at a time (one patient of a clinic file), with
/// schema validation on the stream, so that memory depends on the largest child, not on the
/// file. Not shareable between threads: one reader per file, on one thread at a time.
public final class XMLStreamReader {
    private let reader: xmlTextReaderPtr
    /// -1 when reading from memory.
    private let descriptor: Int32
    /// The document when reading from memory: libxml2 reads it in place, so it lives as long
    /// as the reader.
    private let memory: UnsafeMutableBufferPointer<CChar>?
    private var validation: xmlSchemaValidCtxtPtr?
    private let collector = ErrorCollector()
    private var drained = 0
    private var finished = false
    public let path: String

    /// Opens `path` for streaming; with `schema`, every node is validated as it is read.
    public init(path: String, schema: XMLSchema?) throws(XMLReadError) {
        LibXML.ensureInitialized()
        let descriptor = try FileBytes.openForStreaming(path)
        guard let reader = xmlReaderForFd(descriptor, path, nil, mbxmlSafeParseOptions) else {
            close(descriptor)
            throw XMLReadError(io: "libxml2 could not open a reader for '\(path)'")
        }
        self.reader = reader
        self.descriptor = descriptor
        self.memory = nil
        self.path = path
        try attach(schema)
    }

    /// Reads a document held in memory (fuzzing, tests), with the same safety and validation.
    public init(bytes: [UInt8], url: String, schema: XMLSchema?) throws(XMLReadError) {
        LibXML.ensureInitialized()
        guard bytes.count < Int(Int32.max) else {
            throw XMLReadError(io: "'\(url)' is too large to read from memory; read it from a file")
        }
        guard !bytes.isEmpty else {
            throw XMLReadError([XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: "the file is empty (0 bytes); expected an XML document")])
        }
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: bytes.count)
        _ = copy.initialize(from: bytes.map { CChar(bitPattern: $0) })
        guard let base = copy.baseAddress, let reader = xmlReaderForMemory(base, Int32(copy.count), url, nil, mbxmlSafeParseOptions) else {
            copy.deallocate()
            throw XMLReadError(io: "libxml2 could not open a reader for '\(url)'")
        }
        self.reader = reader
        self.descriptor = -1
        self.memory = copy
        self.path = url
        try attach(schema)
    }

    private func attach(_ schema: XMLSchema?) throws(XMLReadError) {
        // Workaround: xmlTextReaderSetStructuredErrorHandler cannot be combined with a schema in
        // libxml2 2.9.14. The schema's SAX plug replaces ctxt->userData, and the reader's error
        // relay casts that plug back to a parser context, so the first fatal parse error (a
        // truncated file, 10,000-deep nesting) calls a garbage function pointer. Instead the
        // schema gets a validation context of ours, with its own structured error handler, and
        // parser errors reach the per-thread handler set around every read (see advance()).
        // (deinit frees the reader, the context and the descriptor or memory if this throws.)
        guard let schema else { return }
        guard let validation = xmlSchemaNewValidCtxt(schema.pointer) else {
            throw XMLReadError(io: "libxml2 could not allocate a schema validator (out of memory)")
        }
        self.validation = validation
        xmlSchemaSetValidStructuredErrors(validation, mbxmlCollectError, collector.opaque)
        if xmlTextReaderSchemaValidateCtxt(reader, validation, 0) != 0 {
            throw XMLReadError(io: "libxml2 refused to attach the schema to the reader")
        }
    }

    deinit {
        // The reader only borrows the validation context, so it goes first.
        xmlFreeTextReader(reader)
        if let validation { xmlSchemaFreeValidCtxt(validation) }
        // xmlReaderForFd leaves the descriptor open: it is ours to close.
        if descriptor >= 0 { close(descriptor) }
        memory?.deallocate()
    }

    /// Every problem libxml2 has reported so far.
    public var diagnostics: [XMLDiagnostic] { collector.diagnostics }

    /// Problems reported since the last call: lets a caller attribute them to the child it
    /// just received.
    public func drainDiagnostics() -> [XMLDiagnostic] {
        let all = collector.diagnostics
        defer { drained = all.count }
        return Array(all[drained...])
    }

    /// True when no schema or parse error has been seen so far.
    public var isValidSoFar: Bool { !collector.hasErrors }

    /// Advances to the root element and returns it with its attributes (no children).
    public func readRoot() throws(XMLReadError) -> XMLElement {
        while true {
            let type = try advance()
            guard let type else {
                throw XMLReadError(failure("the file has no root element; expected an XML document"))
            }
            if type == XML_READER_TYPE_ELEMENT {
                return currentElement()
            }
        }
    }

    /// Returns the next complete child element of the root, or nil once the root has ended
    /// (after reading to the end of the file, so that trailing garbage is still reported).
    public func nextChild() throws(XMLReadError) -> XMLElement? {
        if finished { return nil }
        var stack: [XMLElement] = []
        while let type = try advance() {
            switch type {
            case XML_READER_TYPE_ELEMENT:
                let depth = xmlTextReaderDepth(reader)
                let element = currentElement()
                if depth < 1 { continue }
                if xmlTextReaderIsEmptyElement(reader) == 1 {
                    if stack.isEmpty { return element }
                    stack[stack.count - 1].children.append(element)
                } else {
                    stack.append(element)
                }
            case XML_READER_TYPE_END_ELEMENT:
                if stack.isEmpty {
                    // End of the root: read on to the end, so that errors after it surface.
                    while try advance() != nil {}
                    finished = true
                    return nil
                }
                let element = stack.removeLast()
                if stack.isEmpty { return element }
                stack[stack.count - 1].children.append(element)
            case XML_READER_TYPE_TEXT, XML_READER_TYPE_CDATA, XML_READER_TYPE_SIGNIFICANT_WHITESPACE,
                XML_READER_TYPE_WHITESPACE:
                if !stack.isEmpty, let value = xmlTextReaderConstValue(reader) {
                    stack[stack.count - 1].text += String(cString: value)
                }
            default:
                break
            }
        }
        finished = true
        if let open = stack.last {
            throw XMLReadError(failure("the file ends inside <\(open.name)>; it looks truncated"))
        }
        return nil
    }

    /// One step of the underlying reader; nil at the end of the document. Throws on a fatal
    /// parse error or on anything unsafe.
    private func advance() throws(XMLReadError) -> xmlReaderTypes? {
        let status = withThreadErrorHandler(collector) { xmlTextReaderRead(reader) }
        if status == 0 { return nil }
        if status < 0 {
            throw XMLReadError(failure("the file is not well-formed XML"))
        }
        let type = xmlReaderTypes(UInt32(xmlTextReaderNodeType(reader)))
        switch type {
        case XML_READER_TYPE_DOCUMENT_TYPE:
            let (line, column) = doctypePosition()
            throw XMLReadError([
                XMLDiagnostic(severity: .error, stage: .safety, line: line, column: column, message: mbxmlDoctypeRefusal)
            ])
        case XML_READER_TYPE_ENTITY_REFERENCE, XML_READER_TYPE_ENTITY:
            throw XMLReadError([
                XMLDiagnostic(
                    severity: .error, stage: .safety, line: currentLine(), column: 1,
                    message: "entity references are not accepted; write the characters themselves")
            ])
        default:
            return type
        }
    }

    /// The problems not yet handed out, with a fallback message if libxml2 gave no error.
    private func failure(_ fallback: String) -> [XMLDiagnostic] {
        let pending = drainDiagnostics()
        if pending.contains(where: { $0.severity == .error }) { return pending }
        return pending + [
            XMLDiagnostic(
                severity: .error, stage: .parse, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: fallback)
        ]
    }

    /// Where `<!DOCTYPE` stands: it is in the prolog, so the first 64 KiB hold it. The reader
    /// itself has parsed ahead by then and knows only where it stopped.
    private func doctypePosition() -> (line: Int, column: Int) {
        var head = [UInt8](repeating: 0, count: 64 * 1024)
        var count: Int
        if let memory {
            count = min(memory.count, head.count)
            for i in 0..<count { head[i] = UInt8(bitPattern: memory[i]) }
        } else {
            count = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        }
        guard count > 0 else { return (1, 1) }
        let needle = Array("<!DOCTYPE".utf8)
        var line = 1, lineStart = 0
        for i in 0..<count {
            if head[i] == 10 {
                line += 1
                lineStart = i + 1
            } else if head[i] == needle[0], i + needle.count <= count, Array(head[i..<(i + needle.count)]) == needle {
                return (line, i - lineStart + 1)
            }
        }
        return (1, 1)
    }

    private func currentLine() -> Int {
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = Int(xmlGetLineNo(node))
            if line > 0 { return line }
        }
        return Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// Swift strings for libxml2's interned names. The reader's names and namespace URIs live
    /// in its dictionary for as long as the reader, one copy per distinct name, so the same
    /// pointer always means the same text: converting it once saves an allocation per element
    /// and attribute on the hot path.
    private var internedNames: [UnsafePointer<xmlChar>: String] = [:]

    private func interned(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        if let known = internedNames[pointer] { return known }
        let text = String(cString: pointer)
        if internedNames.count < 4096 { internedNames[pointer] = text }
        return text
    }

    /// The current element's name, namespace, attributes and line.
    private func currentElement() -> XMLElement {
        var element = XMLElement(
            name: interned(xmlTextReaderConstLocalName(reader)) ?? "",
            namespace: interned(xmlTextReaderConstNamespaceUri(reader)),
            line: currentLine())
        if xmlTextReaderMoveToFirstAttribute(reader) == 1 {
            repeat {
                let namespace = interned(xmlTextReaderConstNamespaceUri(reader))
                if namespace == mbxmlXMLNSNamespace { continue }
                element.attributes.append(
                    XMLAttribute(
                        name: interned(xmlTextReaderConstLocalName(reader)) ?? "",
                        namespace: namespace,
                        value: xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""))
            } while xmlTextReaderMoveToNextAttribute(reader) == 1
            xmlTextReaderMoveToElement(reader)
        }
        return element
    }
}
