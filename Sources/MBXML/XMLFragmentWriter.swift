import CLibXML2

/// Writes an XML fragment (one patient of a report, say) into memory with libxml2's text
/// writer, which escapes every name and value. The caller owns the file: it appends the bytes
/// and checks every write, so a full disk is an error, never a silently short report.
public final class XMLFragmentWriter {
    private let buffer: xmlBufferPtr
    private var writer: xmlTextWriterPtr?

    public init() throws(XMLReadError) {
        LibXML.ensureInitialized()
        guard let buffer = xmlBufferCreate() else { throw XMLReadError(io: "libxml2 could not allocate an output buffer") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw XMLReadError(io: "libxml2 could not allocate a text writer")
        }
        self.buffer = buffer
        self.writer = writer
        xmlTextWriterSetIndent(writer, 1)
        xmlTextWriterSetIndentString(writer, "  ")
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    private func check(_ status: Int32, _ what: String) throws(XMLReadError) {
        if status < 0 { throw XMLReadError(io: "libxml2 could not write \(what)") }
    }

    private func active() throws(XMLReadError) -> xmlTextWriterPtr {
        guard let writer else { throw XMLReadError(io: "the writer is already finished") }
        return writer
    }

    public func start(_ name: String, namespace: String? = nil) throws(XMLReadError) {
        let w = try active()
        if let namespace {
            try check(xmlTextWriterStartElementNS(w, nil, name, namespace), "<\(name)>")
        } else {
            try check(xmlTextWriterStartElement(w, name), "<\(name)>")
        }
    }

    public func attribute(_ name: String, _ value: String?) throws(XMLReadError) {
        guard let value else { return }
        try check(xmlTextWriterWriteAttribute(try active(), name, value), "attribute \(name)")
    }

    public func text(_ value: String) throws(XMLReadError) {
        try check(xmlTextWriterWriteString(try active(), value), "text")
    }

    public func end() throws(XMLReadError) {
        try check(xmlTextWriterEndElement(try active()), "an end tag")
    }

    /// An element with attributes and optional text, in one call.
    public func element(_ name: String, _ attributes: [(String, String?)] = [], text: String? = nil) throws(XMLReadError) {
        try start(name)
        for (key, value) in attributes { try attribute(key, value) }
        if let text { try self.text(text) }
        try end()
    }

    /// Closes open elements, frees the writer (which flushes it) and returns the bytes.
    public func finish() throws(XMLReadError) -> [UInt8] {
        guard let w = writer else { throw XMLReadError(io: "the writer is already finished") }
        try check(xmlTextWriterEndDocument(w), "the end of the fragment")
        xmlFreeTextWriter(w)
        writer = nil
        guard let content = xmlBufferContent(buffer) else { return [] }
        let length = Int(xmlBufferLength(buffer))
        return Array(UnsafeBufferPointer(start: content, count: length))
    }
}
