import CLibXML2
import MBXML

/// libxml2's text writer (indenting by two spaces) behind the same calls as `XMLFragmentWriter`.
/// The reports were written with it until the second round of issue 5; it was half of their
/// cost (a C string and a list node per call). It stays as the reference that
/// `XMLFragmentWriter` is held to, byte for byte, by a differential test over random documents.
/// Test code only (this target is in no product), which is why C pointers live here outside
/// MBXML: the shipped library no longer carries a second XML writer.
public final class LibXMLTextWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr

    public init() throws(XMLReadError) {
        xmlInitParser()
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
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    /// libxml2 reports a value that is not UTF-8 or not an XML character (it writes a
    /// character reference instead) through this thread's error handler; the comparison needs
    /// only the bytes, so the report is dropped instead of printed to stderr.
    private func quietly(_ write: () -> Int32) -> Int32 {
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        CLibXML2_silenceGenericErrors()
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return write()
    }

    private func check(_ status: Int32, _ what: String) throws(XMLReadError) {
        if status < 0 { throw XMLReadError(io: "libxml2 could not write \(what)") }
    }

    /// Scratch space for a formatted attribute value, reused for every one.
    private var value: [UInt8] = []

    public func start(_ name: StaticString) throws(XMLReadError) {
        try check(xmlTextWriterStartElement(writer, name.utf8Start), "an element")
    }

    public func attribute(_ name: StaticString, _ value: String?) throws(XMLReadError) {
        guard let value else { return }
        let w = writer
        // withCString lends a native string's own bytes; passing the String where libxml2 wants
        // `const xmlChar *` (unsigned) would copy it into a new array on every call.
        let status = quietly { value.withCString { xmlTextWriterWriteAttribute(w, name.utf8Start, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) } }
        try check(status, "an attribute")
    }

    /// An attribute whose value `format` writes as UTF-8 bytes (a number, say).
    public func attribute(_ name: StaticString, format: (inout [UInt8]) -> Void) throws(XMLReadError) {
        let w = writer
        value.removeAll(keepingCapacity: true)
        format(&value)
        value.append(0)
        let status = quietly { value.withUnsafeBufferPointer { xmlTextWriterWriteAttribute(w, name.utf8Start, $0.baseAddress) } }
        try check(status, "an attribute")
    }

    /// Text that `format` writes as UTF-8 bytes (a number, say).
    public func text(format: (inout [UInt8]) -> Void) throws(XMLReadError) {
        let w = writer
        value.removeAll(keepingCapacity: true)
        format(&value)
        value.append(0)
        let status = value.withUnsafeBufferPointer { xmlTextWriterWriteString(w, $0.baseAddress) }
        try check(status, "text")
    }

    /// Appends everything written so far to `out` and empties the writer's buffer; open
    /// elements stay open.
    public func take(into out: inout [UInt8]) throws(XMLReadError) {
        try check(xmlTextWriterFlush(writer), "the buffer")
        guard let content = xmlBufferContent(buffer) else { return }
        out.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
        xmlBufferEmpty(buffer)
    }

    public func text(_ value: String) throws(XMLReadError) {
        let w = writer
        let status = value.withCString { xmlTextWriterWriteString(w, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
        try check(status, "text")
    }

    public func end() throws(XMLReadError) {
        try check(xmlTextWriterEndElement(writer), "an end tag")
    }
}
