import CLibXML2
import Synchronization

/// A compiled XSLT 1.0 stylesheet (libxslt), applied to documents held as bytes. Compile once
/// per run and share it: libxslt only reads a compiled stylesheet while it transforms, and every
/// transformation gets a context of its own.
///
/// Locked down, whoever wrote the stylesheet: it is parsed as any input is (no DOCTYPE, no
/// entity, no network), and while it compiles or runs it can read no file and no URL
/// (`document()`, `xsl:import`, `xsl:include` load nothing) and write none (`xsl:document`),
/// by libxslt's security preferences and a document loader that loads nothing.
public final class XSLTStylesheet: @unchecked Sendable {
    // @unchecked: the stylesheet is never changed after init; transformations only read it
    // (libxslt's documented contract), each with its own transform context.
    private let pointer: xsltStylesheetPtr
    /// Where the stylesheet came from, for messages.
    public let path: String

    /// Templates nested deeper than this stop the transformation (libxslt's own bound, 3,000 by
    /// default, told the user of an `xsltproc --maxdepth` mbt does not have).
    public static let templateDepthLimit = 1_000
    /// How long one transformation may run: mbt's pages are made a batch of patients at a time,
    /// each in milliseconds (`TransformWatch`).
    public static let timeLimit = 60
    /// How much the process may grow while a transformation runs (`TransformWatch`).
    public static let memoryLimit = 256 << 20

    /// Compiles the stylesheet at `path` (at most 4 MiB: a stylesheet is hand-written).
    public convenience init(contentsOf path: String) throws(XMLReadError) {
        let bytes = try FileBytes.read(path, limit: 4 * 1024 * 1024)
        try self.init(bytes: bytes, path: path)
    }

    public init(bytes: [UInt8], path: String) throws(XMLReadError) {
        XSLT.ensureInitialized()
        if bytes.isEmpty {
            throw XMLReadError([
                XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: "the stylesheet is empty")
            ])
        }
        let document = try XMLDocumentReader.parseTree(bytes: bytes, url: path)
        // libxslt reports compile problems through one process-wide function: one compile at a time.
        // The pointer crosses the lock as an address: a C pointer is not Sendable.
        let (address, messages) = XSLT.compileLock.withLock { _ -> (Int, String) in
            var collected = CLibXML2_Messages(text: nil, length: 0, capacity: 0)
            CLibXML2_collectStylesheetMessages(&collected)
            defer {
                CLibXML2_collectStylesheetMessages(nil)
                free(collected.text)
            }
            let compiled = xsltParseStylesheetDoc(document)
            return (Int(bitPattern: compiled), collected.text.map { String(cString: $0) } ?? "")
        }
        let compiled = xsltStylesheetPtr(bitPattern: address)
        guard let compiled else {
            xmlFreeDoc(document)
            throw XSLT.failure(messages, fallback: "'\(path)' is not a usable XSLT stylesheet")
        }
        if compiled.pointee.errors != 0 {
            xsltFreeStylesheet(compiled)  // frees the document too
            throw XSLT.failure(messages, fallback: "'\(path)' is not a usable XSLT stylesheet")
        }
        pointer = compiled
        self.path = path
    }

    deinit {
        xsltFreeStylesheet(pointer)
    }

    /// Applies the stylesheet to the XML document `input` and returns the result serialised as
    /// the stylesheet's `xsl:output` says. `parameters` are passed as strings (quoted for
    /// XPath by libxslt, as `xsltproc --stringparam` does).
    /// `timeLimit` in seconds and `memoryLimit` in bytes, the type's own unless a test wants
    /// them otherwise (the memory bound is the process's growth, which a test process's other
    /// tests share). `hidden`: characters replaced with U+FFFD in the document's text and
    /// attributes before the stylesheet reads it.
    public func transform(
        _ input: [UInt8], url: String, parameters: [(String, String)] = [], hidden: HiddenCharacters? = nil,
        timeLimit: Int = XSLTStylesheet.timeLimit, memoryLimit: Int = XSLTStylesheet.memoryLimit
    ) throws(XMLReadError) -> [UInt8] {
        if input.isEmpty { throw XMLReadError(io: "nothing to transform: the document is empty") }
        let document = try XMLDocumentReader.parseTree(bytes: input, url: url)
        defer { xmlFreeDoc(document) }
        hidden?.replace(in: document)
        guard let context = xsltNewTransformContext(pointer, document) else {
            throw XMLReadError(io: "libxslt could not allocate a transformation (out of memory)")
        }
        defer { xsltFreeTransformContext(context) }
        var messages = CLibXML2_Messages(text: nil, length: 0, capacity: 0)
        defer { free(messages.text) }
        CLibXML2_collectTransformMessages(context, &messages)
        if xsltSetCtxtSecurityPrefs(XSLT.securityPrefs.pointer, context) != 0 {
            throw XMLReadError(io: "libxslt refused its security preferences")
        }
        context.pointee.maxTemplateDepth = Int32(Self.templateDepthLimit)

        // The parameters as a NULL-terminated list of C strings: name, value, name, value.
        var strings: [UnsafeMutablePointer<CChar>?] = parameters.flatMap { [strdup($0.0), strdup($0.1)] }
        strings.append(nil)
        defer { for s in strings { free(s) } }
        let collector = ErrorCollector()
        let ticket = TransformWatch.shared.begin(context, timeLimit: timeLimit, memoryLimit: memoryLimit)
        let result: xmlDocPtr? = withThreadErrorHandler(collector) {
            strings.withUnsafeMutableBufferPointer { list -> xmlDocPtr? in
                list.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: list.count) { params in
                    if !parameters.isEmpty && xsltQuoteUserParams(context, params) != 0 { return nil }
                    return xsltApplyStylesheetUser(pointer, document, nil, nil, nil, context)
                }
            }
        }
        let stopped = TransformWatch.shared.end(ticket)
        if let stopped {
            if let result { xmlFreeDoc(result) }
            switch stopped {
            case .time(let seconds):
                throw XMLReadError(io: "the stylesheet '\(path)' ran for more than \(seconds) s on one page and was stopped (a template that calls itself without end?)")
            case .memory(let mebibytes):
                throw XMLReadError(io: "the stylesheet '\(path)' took more than \(mebibytes) MiB of memory on one page and was stopped (text doubled without end?)")
            }
        }
        let text = messages.text.map { String(cString: $0) } ?? ""
        if text.contains("xsltMaxDepth") {
            if let result { xmlFreeDoc(result) }
            throw XMLReadError(io: "the stylesheet '\(path)' nests templates or variables more than \(Self.templateDepthLimit) deep and was stopped (a template that calls itself without end?)")
        }
        guard let result else {
            throw XSLT.failure(text, more: collector.diagnostics, fallback: "the stylesheet '\(path)' failed")
        }
        defer { xmlFreeDoc(result) }
        // Any message of the transformation fails it: a refused read or write is reported
        // and then skipped by libxslt, which would otherwise go on with an empty result.
        if context.pointee.state != XSLT_STATE_OK || collector.hasErrors || !text.isEmpty {
            throw XSLT.failure(text, more: collector.diagnostics, fallback: "the stylesheet '\(path)' stopped")
        }
        var output: UnsafeMutablePointer<xmlChar>?
        var length: Int32 = 0
        guard xsltSaveResultToString(&output, &length, result, pointer) == 0 else {
            throw XMLReadError(io: "the result of '\(path)' could not be serialised")
        }
        guard let output else { return [] }
        defer { CLibXML2_xmlFree(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}

/// libxslt's process-wide set-up, done once.
enum XSLT {
    static let compileLock = Mutex(())

    /// Forbids every file and network access, for every transformation and compile.
    final class SecurityPrefs: @unchecked Sendable {
        // @unchecked: set up once here, then only read by libxslt.
        let pointer: xsltSecurityPrefsPtr
        init() {
            pointer = xsltNewSecurityPrefs()
            for option in [XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE, XSLT_SECPREF_CREATE_DIRECTORY,
                           XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK] {
                xsltSetSecurityPrefs(pointer, option, xsltSecurityForbid)
            }
        }
    }

    private static let initialized: SecurityPrefs = {
        LibXML.ensureInitialized()
        xsltInit()
        let prefs = SecurityPrefs()
        // Also the default, for what libxslt does outside a transform context (compiling imports).
        xsltSetDefaultSecurityPrefs(prefs.pointer)
        CLibXML2_refuseStylesheetDocuments()
        return prefs
    }()

    static var securityPrefs: SecurityPrefs { initialized }

    static func ensureInitialized() {
        _ = initialized
    }

    /// libxslt's messages, one diagnostic per line, plus libxml2's.
    static func failure(_ messages: String, more: [XMLDiagnostic] = [], fallback: String) -> XMLReadError {
        var diagnostics = messages.split(separator: "\n").map {
            XMLDiagnostic(severity: .error, stage: .parse, line: 0, column: 0, message: String($0))
        }
        diagnostics += more
        if diagnostics.isEmpty {
            diagnostics.append(XMLDiagnostic(severity: .error, stage: .parse, line: 0, column: 0, message: fallback))
        }
        return XMLReadError(diagnostics)
    }
}
