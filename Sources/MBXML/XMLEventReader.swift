#if canImport(Glibc)
import FastText
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibXML2

/// Receives a document's elements and text as libxml2 parses them, on the thread that calls
/// `XMLEventReader.step()`. What a call is handed is borrowed: it is valid during the call only.
public protocol XMLEventHandler: AnyObject {
    func startElement(_ tag: borrowing XMLStartTag)
    /// `name` is the vocabulary index of the element that ends (`XMLVocabulary.unknown` if none).
    func endElement(name: Int, depth: Int)
    /// Character data of the innermost open element, in one or more pieces; only for the
    /// elements the vocabulary asks text of.
    func characters(_ text: borrowing XMLCharacters)
}

/// A document made as it is read (a spreadsheet turned into measurement XML on the fly): the
/// reader asks for the next bytes when it needs them, so the document is never whole in memory.
public protocol XMLByteProducer: AnyObject {
    /// Writes up to `buffer.count` bytes of the document; 0 at its end. Throws, with positions
    /// of its own input, when that input cannot be turned into a document.
    func produce(into buffer: UnsafeMutableRawBufferPointer) throws(XMLReadError) -> Int
}

/// Reads a document of any size with libxml2's push parser and its schema validator plugged
/// into the same SAX stream: no tree is built, not even one node at a time, and memory depends
/// on the chunk size, not on the file. Names are reported as indices into a vocabulary given up
/// front, so a handler compares integers rather than strings. Not shareable between threads.
public final class XMLEventReader {
    /// Bytes handed to libxml2 per `step()`.
    public static let chunkSize = 64 * 1024
    /// Deeper documents are refused (libxml2's own limit without XML_PARSE_HUGE).
    public static let maximumDepth = 256

    public let path: String
    private let handler: any XMLEventHandler
    private let names: XMLNameTable
    private let schema: XMLSchema?
    /// Problems of one chunk at most: taken out by `drainDiagnostics` after every step.
    private let collector = ErrorCollector(limit: XMLEventReader.problemsPerChunk)
    /// More problems than this in one chunk refuse the file: some would otherwise be lost, and
    /// a patient whose schema errors were lost would be scored on data the schema refused.
    public static let problemsPerChunk = 10_000
    private var source: Source
    private let chunk: UnsafeMutablePointer<CChar>
    /// The current start tag's attribute names as vocabulary indices (see `XMLStartTag`).
    private var attributeNames: UnsafeMutablePointer<Int>
    private var attributeNamesCapacity = 16
    /// Set up by the first step (libxml2 wants the first bytes to detect the encoding).
    private var parser: xmlParserCtxtPtr?
    private var sax: UnsafeMutablePointer<xmlSAXHandler>?
    private var validation: xmlSchemaValidCtxtPtr?
    private var plug: xmlSchemaSAXPlugPtr?
    private var depth = 0
    /// Per depth of the open elements, whether the handler wants its character data (a fixed
    /// block: depth never passes `maximumDepth`).
    private let textWanted: UnsafeMutablePointer<Bool>
    /// Why the parse was stopped from inside a callback (a DOCTYPE, too deep).
    private var refusal: XMLDiagnostic?
    private var started = false
    private var ended = false

    private enum Source {
        case descriptor(Int32)
        case memory(UnsafeMutableBufferPointer<CChar>, offset: Int)
        case producer(any XMLByteProducer)
    }

    /// Opens `path` for streaming; with `schema`, every element is validated as it is read.
    public convenience init(path: String, schema: XMLSchema?, vocabulary: XMLVocabulary, handler: any XMLEventHandler) throws(XMLReadError) {
        LibXML.ensureInitialized()
        self.init(source: .descriptor(try FileBytes.openForStreaming(path)), path: path, schema: schema, vocabulary: vocabulary, handler: handler)
    }

    /// Reads the document in the open file `descriptor` from where it stands, and closes it when
    /// done: a file with no name (unlinked as soon as it was made, so no crash leaves it behind)
    /// is read this way. `url` names it in libxml2's messages.
    public convenience init(descriptor: Int32, url: String, schema: XMLSchema?, vocabulary: XMLVocabulary, handler: any XMLEventHandler) {
        LibXML.ensureInitialized()
        self.init(source: .descriptor(descriptor), path: url, schema: schema, vocabulary: vocabulary, handler: handler)
    }

    /// Reads a document held in memory (fuzzing, tests), with the same safety and validation.
    public convenience init(bytes: [UInt8], url: String, schema: XMLSchema?, vocabulary: XMLVocabulary, handler: any XMLEventHandler) throws(XMLReadError) {
        LibXML.ensureInitialized()
        guard !bytes.isEmpty else {
            throw XMLReadError([XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: "the file is empty (0 bytes); expected an XML document")])
        }
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: bytes.count)
        bytes.withUnsafeBytes { raw in
            _ = copy.initialize(from: raw.bindMemory(to: CChar.self))
        }
        self.init(source: .memory(copy, offset: 0), path: url, schema: schema, vocabulary: vocabulary, handler: handler)
    }

    /// Reads the document `producer` makes, with the same safety and validation; `url` names it
    /// in libxml2's messages.
    public convenience init(producer: any XMLByteProducer, url: String, schema: XMLSchema?, vocabulary: XMLVocabulary, handler: any XMLEventHandler) {
        LibXML.ensureInitialized()
        self.init(source: .producer(producer), path: url, schema: schema, vocabulary: vocabulary, handler: handler)
    }

    /// Takes `source` over: deinit closes or frees it.
    private init(source: Source, path: String, schema: XMLSchema?, vocabulary: XMLVocabulary, handler: any XMLEventHandler) {
        self.source = source
        self.path = path
        self.schema = schema
        self.handler = handler
        names = XMLNameTable(vocabulary)
        chunk = .allocate(capacity: Self.chunkSize)
        textWanted = .allocate(capacity: Self.maximumDepth + 2)
        textWanted.initialize(repeating: false, count: Self.maximumDepth + 2)
        attributeNames = .allocate(capacity: attributeNamesCapacity)
    }

    deinit {
        // The parser context holds a copy of the plug's SAX table, the plug points at ours, and
        // the plug borrows the validation context: freed in that order.
        if let parser { xmlFreeParserCtxt(parser) }
        if let plug { xmlSchemaSAXUnplug(plug) }
        if let validation { xmlSchemaFreeValidCtxt(validation) }
        sax?.deallocate()
        chunk.deallocate()
        textWanted.deallocate()
        attributeNames.deallocate()
        switch source {
        case .descriptor(let fd): close(fd)
        case .memory(let bytes, _): bytes.deallocate()
        case .producer: break
        }
    }

    /// The problems libxml2 has reported and `drainDiagnostics` has not yet taken.
    public var diagnostics: [XMLDiagnostic] { collector.diagnostics }

    /// Problems reported since the last call. Validation runs in step with the handler's
    /// calls (libxml2 calls the handler first, then the validator, for each event), so after a
    /// step these are the problems of everything the handler has been given.
    public func drainDiagnostics() -> [XMLDiagnostic] {
        collector.takeAll()
    }

    /// Parses the next chunk, calling the handler for what it completes. Returns false once the
    /// whole document has been read. Throws on a fatal parse error (not well-formed, truncated)
    /// and on anything refused for safety; the handler has then seen everything before it.
    public func step() throws(XMLReadError) -> Bool {
        if ended { return false }
        let read = try readChunk()
        var count = read
        // Empty is what the read finds, not what stat says: a pipe or a /proc file has no size
        // until it is read.
        if !started && read == 0 {
            ended = true
            throw XMLReadError([XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: "the file is empty (0 bytes); expected an XML document")])
        }
        if !started {
            started = true
            try begin(first: &count)
        }
        guard let parser else { return false }
        // End of input only when the read itself came back empty; the first chunk may be used
        // up by the four bytes that created the parser.
        let terminate: Int32 = read == 0 ? 1 : 0
        let status = withThreadErrorHandler(collector) { xmlParseChunk(parser, chunk, Int32(count), terminate) }
        if let refusal {
            ended = true
            throw XMLReadError([refusal])
        }
        if status != 0 || parser.pointee.wellFormed == 0 {
            ended = true
            throw XMLReadError(failure("the file is not well-formed XML"))
        }
        if collector.truncated {
            ended = true
            throw XMLReadError(firstProblems() + [
                XMLDiagnostic(
                    severity: .error, stage: .schema, line: currentLine, column: 0,
                    message: "more than \(Self.problemsPerChunk) problems in one stretch of the file (before line \(currentLine)); the file is refused rather than read in part: fix the first problems and run again")
            ])
        }
        if terminate == 1 {
            ended = true
            if !names.sawRoot {
                throw XMLReadError(failure("the file has no root element; expected an XML document"))
            }
            return false
        }
        return true
    }

    private func readChunk() throws(XMLReadError) -> Int {
        switch source {
        case .descriptor(let fd):
            let n = retryingOnInterrupt { read(fd, chunk, Self.chunkSize) }
            if n >= 0 { return n }
            throw XMLReadError(io: "cannot read '\(path)': \(String(cString: strerror(errno)))")
        case .memory(let bytes, let offset):
            let n = min(Self.chunkSize, bytes.count - offset)
            if n > 0 { chunk.update(from: bytes.baseAddress! + offset, count: n) }
            source = .memory(bytes, offset: offset + n)
            return n
        case .producer(let producer):
            do {
                return try producer.produce(into: UnsafeMutableRawBufferPointer(start: chunk, count: Self.chunkSize))
            } catch {
                ended = true
                throw error
            }
        }
    }

    /// Creates the push parser with the first four bytes (for the encoding) and plugs the
    /// validator in; `count` becomes what is left of the first chunk.
    private func begin(first count: inout Int) throws(XMLReadError) {
        let table = UnsafeMutablePointer<xmlSAXHandler>.allocate(capacity: 1)
        table.initialize(to: xmlSAXHandler())
        sax = table
        table.pointee.initialized = XML_SAX2_MAGIC
        table.pointee.startElementNs = mbxmlEventStart
        table.pointee.endElementNs = mbxmlEventEnd
        table.pointee.characters = mbxmlEventCharacters
        table.pointee.ignorableWhitespace = mbxmlEventCharacters
        table.pointee.cdataBlock = mbxmlEventCharacters
        table.pointee.internalSubset = mbxmlEventDoctype
        table.pointee.reference = mbxmlEventReference
        var saxPointer: UnsafeMutablePointer<xmlSAXHandler>? = table
        var userData: UnsafeMutableRawPointer? = Unmanaged.passUnretained(self).toOpaque()
        if let schema {
            guard let validation = xmlSchemaNewValidCtxt(schema.pointer) else {
                throw XMLReadError(io: "libxml2 could not allocate a schema validator (out of memory)")
            }
            self.validation = validation
            xmlSchemaSetValidStructuredErrors(validation, mbxmlCollectError, collector.opaque)
            // Workaround: on a SAX stream libxml2 2.9.14's validator knows no position of its own
            // (its errors come out on line 0); xmlTextReader answers it with a locator, and so
            // does this reader: the parser's current line, as the reader's locator gives.
            xmlSchemaValidateSetLocator(validation, mbxmlEventLocator, Unmanaged.passUnretained(self).toOpaque())
            // The plug puts its own SAX table and user data in place of ours and calls ours
            // first for every event, then the validator.
            guard let plug = xmlSchemaSAXPlug(validation, &saxPointer, &userData) else {
                throw XMLReadError(io: "libxml2 refused to attach the schema to the parser")
            }
            self.plug = plug
        }
        let head = min(count, 4)
        guard let parser = xmlCreatePushParserCtxt(saxPointer, userData, chunk, Int32(head), path) else {
            throw XMLReadError(io: "libxml2 could not create a parser for '\(path)'")
        }
        self.parser = parser
        xmlCtxtUseOptions(parser, mbxmlSafeParseOptions)
        names.dictionary = parser.pointee.dict
        if head < count {
            chunk.update(from: chunk + head, count: count - head)
        }
        count -= head
    }

    /// A refused file shows its first problems only: a broken byte can repeat one error for
    /// every character after it, and the first ones are what to fix.
    public static let problemsShownForRefusedFile = 200

    /// The problems not yet handed out (the first `problemsShownForRefusedFile`, then a count),
    /// with a fallback message if libxml2 gave no error.
    private func failure(_ fallback: String) -> [XMLDiagnostic] {
        let pending = firstProblems()
        if pending.contains(where: { $0.severity == .error }) { return pending }
        return pending + [
            XMLDiagnostic(severity: .error, stage: .parse, line: currentLine, column: currentColumn, message: fallback)
        ]
    }

    /// The pending problems for a refused file: the first ones, then (a warning, so the count
    /// of errors stays true to what is shown) how many more there were.
    private func firstProblems() -> [XMLDiagnostic] {
        var pending = drainDiagnostics()
        let shown = Self.problemsShownForRefusedFile
        guard pending.count > shown else { return pending }
        let more = pending.count - shown
        let last = pending[shown - 1]
        pending.removeLast(more)
        pending.append(XMLDiagnostic(
            severity: .warning, stage: last.stage, line: last.line, column: last.column,
            message: "\(more) more problems after this one are not shown; fix these and run again"))
        return pending
    }

    private var currentLine: Int {
        guard let input = parser?.pointee.input else { return 1 }
        return Int(input.pointee.line)
    }

    private var currentColumn: Int {
        guard let input = parser?.pointee.input else { return 1 }
        return Int(input.pointee.col)
    }

    fileprivate func locate(_ file: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ line: UnsafeMutablePointer<UInt>?) -> Int32 {
        file?.pointee = nil
        line?.pointee = 0
        guard let input = parser?.pointee.input else { return -1 }
        file?.pointee = input.pointee.filename
        line?.pointee = UInt(max(input.pointee.line, 0))
        return 0
    }

    /// Stops the parse from inside a callback; `step()` throws `diagnostic`.
    private func refuse(_ diagnostic: XMLDiagnostic) {
        if refusal == nil { refusal = diagnostic }
        if let parser { xmlStopParser(parser) }
    }

    // MARK: events, from the C callbacks below

    fileprivate func start(
        _ localName: UnsafePointer<xmlChar>, _ namespace: UnsafePointer<xmlChar>?, _ count: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        if refusal != nil { return }
        if depth > Self.maximumDepth {
            refuse(XMLDiagnostic(
                severity: .error, stage: .safety, line: currentLine, column: currentColumn,
                message: "Excessive depth in document: \(Self.maximumDepth) levels of nesting; mbt refuses documents nested this deep"))
            return
        }
        names.sawRoot = true
        let name = names.index(of: localName)
        // Each attribute's name is looked up once per tag, however often the handler asks.
        if count > attributeNamesCapacity {
            attributeNames.deallocate()
            attributeNamesCapacity = count
            attributeNames = .allocate(capacity: count)
        }
        if let attributes {
            for i in 0..<count {
                let base = attributes + 5 * i
                // An attribute in a namespace (prefixed) is a different attribute.
                attributeNames[i] = base[2] == nil ? base[0].map { names.index(of: $0) } ?? XMLVocabulary.unknown : XMLVocabulary.unknown
            }
        }
        let tag = XMLStartTag(
            name: name, line: currentLine, depth: depth, localName: localName,
            namespaceURI: namespace, attributes: attributes, attributeCount: count, attributeNames: attributeNames)
        depth += 1
        textWanted[depth - 1] = names.wantsText(name)
        handler.startElement(tag)
    }

    fileprivate func end(_ localName: UnsafePointer<xmlChar>) {
        if refusal != nil { return }
        depth -= 1
        handler.endElement(name: names.index(of: localName), depth: depth)
    }

    fileprivate func characters(_ text: UnsafePointer<xmlChar>, _ count: Int) {
        if refusal != nil || depth == 0 || !textWanted[depth - 1] { return }
        handler.characters(XMLCharacters(bytes: UnsafeBufferPointer(start: text, count: count)))
    }

    fileprivate func doctype() {
        let (line, column) = doctypePosition()
        refuse(XMLDiagnostic(severity: .error, stage: .safety, line: line, column: column, message: mbxmlDoctypeRefusal))
    }

    fileprivate func entityReference() {
        refuse(XMLDiagnostic(
            severity: .error, stage: .safety, line: currentLine, column: 1,
            message: "entity references are not accepted; write the characters themselves"))
    }

    /// Where `<!DOCTYPE` stands: it is in the prolog, so the first 64 KiB hold it. The parser
    /// itself knows only where it stopped, after the declaration's name.
    private func doctypePosition() -> (line: Int, column: Int) {
        var head = [UInt8](repeating: 0, count: 64 * 1024)
        var count: Int
        switch source {
        case .memory(let bytes, _):
            count = min(bytes.count, head.count)
            for i in 0..<count { head[i] = UInt8(bitPattern: bytes[i]) }
        case .descriptor(let fd):
            count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        case .producer:
            // A made document has no DOCTYPE; where the parser stopped is near enough.
            return (currentLine, currentColumn)
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

    /// The root element of `path` with its attributes (no children), read from the first
    /// chunk or so: what a file is, without reading all of it.
    public static func readRoot(path: String) throws(XMLReadError) -> XMLElement {
        final class RootCatcher: XMLEventHandler {
            var root: XMLElement?
            func startElement(_ tag: borrowing XMLStartTag) {
                if root == nil { root = tag.element() }
            }
            func endElement(name: Int, depth: Int) {}
            func characters(_ text: borrowing XMLCharacters) {}
        }
        let catcher = RootCatcher()
        let reader = try XMLEventReader(path: path, schema: nil, vocabulary: XMLVocabulary([], textOf: []), handler: catcher)
        do {
            while catcher.root == nil, try reader.step() {}
        } catch where catcher.root != nil {
            // Broken further on: the caller reads the whole file and reports that.
        }
        guard let root = catcher.root else {
            throw XMLReadError(reader.failure("the file has no root element; expected an XML document"))
        }
        return root
    }
}

/// The names a handler cares about, in the order it numbers them, and the elements whose
/// character data it wants (the rest, whitespace between elements mostly, is never handed over).
public struct XMLVocabulary: Sendable {
    public static let unknown = -1
    let names: [String]
    /// Per name: whether its text goes to the handler; `allText` for every element's.
    let wantsText: [Bool]
    let allText: Bool

    public init(_ names: [String], textOf textNames: Set<String>? = nil) {
        self.names = names
        allText = textNames == nil
        wantsText = names.map { textNames?.contains($0) ?? true }
    }
}

/// One start tag, borrowed from libxml2 for the length of a `startElement` call.
public struct XMLStartTag: ~Copyable {
    /// The local name's index in the vocabulary, or `XMLVocabulary.unknown`.
    public let name: Int
    public let line: Int
    /// 0 for the root element.
    public let depth: Int
    private let localName: UnsafePointer<xmlChar>
    private let namespaceURI: UnsafePointer<xmlChar>?
    /// libxml2's five pointers per attribute: local name, prefix, URI, value, value end.
    private let attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    private let attributeCount: Int
    /// Unretained: the reader owns the table for longer than any tag lives, and a retain per
    /// attribute looked at was 320,000 atomic operations per 1,000 patients.
    /// Each attribute's vocabulary index (`XMLVocabulary.unknown` for other names and for
    /// prefixed ones), worked out by the reader when the tag arrived.
    private let attributeNames: UnsafePointer<Int>

    fileprivate init(
        name: Int, line: Int, depth: Int, localName: UnsafePointer<xmlChar>, namespaceURI: UnsafePointer<xmlChar>?,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int, attributeNames: UnsafeMutablePointer<Int>
    ) {
        self.name = name
        self.line = line
        self.depth = depth
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.attributes = attributes
        self.attributeCount = attributeCount
        self.attributeNames = UnsafePointer(attributeNames)
    }

    /// The local name as written (for messages about names outside the vocabulary).
    public var nameText: String { String(cString: localName) }

    public var namespace: String? { namespaceURI.map { String(cString: $0) } }

    /// Where the value of the unprefixed attribute `name` (a vocabulary index) is, if present.
    private func find(_ name: Int) -> (start: UnsafePointer<xmlChar>, end: UnsafePointer<xmlChar>)? {
        guard let attributes else { return nil }
        for i in 0..<attributeCount {
            let base = attributes + 5 * i
            guard attributeNames[i] == name, let start = base[3], let end = base[4] else { continue }
            return (start, end)
        }
        return nil
    }

    /// Calls `body` with the attribute's value as UTF-8, if the attribute is present.
    /// Inlinable, so the caller's `R` is specialised; the lookup itself is not generic.
    @inlinable
    public func withValue<R>(_ name: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var result: R?
        withValueBytes(name) { result = body($0) }
        return result
    }

    /// `withValue` without a result type, so that it is compiled once, not per caller's type
    /// across the module boundary.
    public func withValueBytes(_ name: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let (start, end) = find(name) else { return }
        let raw = UnsafeBufferPointer(start: start, count: end - start)
        // Without entity substitution libxml2 hands a literal '&' over as "&#38;" (its tree
        // builder decodes it later); nothing else can be escaped, as DOCTYPEs are refused.
        if raw.contains(UInt8(ascii: "&")) {
            let decoded = XMLStartTag.decodeAmpersands(raw)
            decoded.withUnsafeBufferPointer(body)
            return
        }
        body(raw)
    }

    public func string(_ name: Int) -> String? {
        withValue(name) { String(decoding: $0, as: UTF8.self) }
    }

    /// The element with all its attributes as Swift values (no children, no text).
    public func element() -> XMLElement {
        var element = XMLElement(name: nameText, namespace: namespace, line: line)
        if let attributes {
            for i in 0..<attributeCount {
                let base = attributes + 5 * i
                guard let local = base[0], let start = base[3], let end = base[4] else { continue }
                let raw = UnsafeBufferPointer(start: start, count: end - start)
                let value = raw.contains(UInt8(ascii: "&")) ? String(decoding: XMLStartTag.decodeAmpersands(raw), as: UTF8.self) : String(decoding: raw, as: UTF8.self)
                element.attributes.append(XMLAttribute(name: String(cString: local), namespace: base[2].map { String(cString: $0) }, value: value))
            }
        }
        return element
    }

    static func decodeAmpersands(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let escaped = Array("&#38;".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "&"), i + escaped.count <= raw.count, raw[i..<(i + escaped.count)].elementsEqual(escaped) {
                out.append(UInt8(ascii: "&"))
                i += escaped.count
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return out
    }
}

/// A piece of character data, borrowed from libxml2 for the length of a `characters` call.
public struct XMLCharacters: ~Copyable {
    public let bytes: UnsafeBufferPointer<UInt8>

    fileprivate init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    public func append(to text: inout String) {
        text += String(decoding: bytes, as: UTF8.self)
    }
}

/// Maps libxml2's interned names to vocabulary indices. The parser's names live in its
/// dictionary, one copy per distinct name, for as long as the parser: a pointer seen once is
/// the same name every time, so each is compared as text once and then found by address.
final class XMLNameTable {
    private let vocabulary: [[UInt8]]
    private let textOfName: [Bool]
    private let textOfUnknown: Bool
    /// Open addressing on the pointer's bits; 0 is an empty slot.
    private let keys: UnsafeMutablePointer<UInt>
    private let values: UnsafeMutablePointer<Int>
    private static let slots = 512
    private var used = 0
    var dictionary: xmlDictPtr?
    var sawRoot = false

    init(_ vocabulary: XMLVocabulary) {
        self.vocabulary = vocabulary.names.map { Array($0.utf8) }
        textOfName = vocabulary.wantsText
        textOfUnknown = vocabulary.allText
        keys = .allocate(capacity: Self.slots)
        keys.initialize(repeating: 0, count: Self.slots)
        values = .allocate(capacity: Self.slots)
        values.initialize(repeating: XMLVocabulary.unknown, count: Self.slots)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    func wantsText(_ index: Int) -> Bool {
        index == XMLVocabulary.unknown ? textOfUnknown : textOfName[index]
    }

    func index(of name: UnsafePointer<xmlChar>) -> Int {
        let key = UInt(bitPattern: name)
        var slot = Int((key >> 3) & UInt(Self.slots - 1))
        while keys[slot] != 0 {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & (Self.slots - 1)
        }
        let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        let text = UnsafeBufferPointer(start: name, count: length)
        let index = vocabulary.firstIndex { $0.elementsEqual(text) } ?? XMLVocabulary.unknown
        // Only the dictionary's own strings are remembered by address (they outlive the parse,
        // and no other name can ever have that address); the table stays at most half full.
        if used < Self.slots / 2, let dictionary, xmlDictOwns(dictionary, name) == 1 {
            keys[slot] = key
            values[slot] = index
            used += 1
        }
        return index
    }
}

// MARK: C callbacks: the user data is the XMLEventReader (the schema plug passes it through).

private func mbxmlReader(_ context: UnsafeMutableRawPointer?) -> XMLEventReader {
    Unmanaged<XMLEventReader>.fromOpaque(context!).takeUnretainedValue()
}

/// Calls `body` with the reader behind the user data, neither retained nor released: libxml2
/// calls back only from inside the reader's own calls into it (`xmlParseChunk`), so the reader
/// is alive throughout. For the element and text events, a retain and a release each were
/// 375,000 atomic operations per 1,000 patients.
@inline(__always)
private func mbxmlWithReader(_ context: UnsafeMutableRawPointer?, _ body: (XMLEventReader) -> Void) {
    Unmanaged<XMLEventReader>.fromOpaque(context!)._withUnsafeGuaranteedRef(body)
}

private func mbxmlEventStart(
    _ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
    _ uri: UnsafePointer<xmlChar>?, _ namespaceCount: Int32, _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
    _ attributeCount: Int32, _ defaultedCount: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
) {
    guard let localName else { return }
    mbxmlWithReader(context) { $0.start(localName, uri, Int(attributeCount), attributes) }
}

private func mbxmlEventEnd(
    _ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
    _ uri: UnsafePointer<xmlChar>?
) {
    guard let localName else { return }
    mbxmlWithReader(context) { $0.end(localName) }
}

private func mbxmlEventCharacters(_ context: UnsafeMutableRawPointer?, _ text: UnsafePointer<xmlChar>?, _ count: Int32) {
    guard let text, count > 0 else { return }
    mbxmlWithReader(context) { $0.characters(text, Int(count)) }
}

private func mbxmlEventDoctype(
    _ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?, _ externalID: UnsafePointer<xmlChar>?,
    _ systemID: UnsafePointer<xmlChar>?
) {
    mbxmlReader(context).doctype()
}

private func mbxmlEventReference(_ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) {
    mbxmlReader(context).entityReference()
}

private func mbxmlEventLocator(
    _ context: UnsafeMutableRawPointer?, _ file: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ line: UnsafeMutablePointer<UInt>?
) -> Int32 {
    guard context != nil else { return -1 }
    return mbxmlReader(context).locate(file, line)
}
