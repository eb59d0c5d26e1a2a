import CLibXML2

/// Gathers libxml2's structured errors for one parse or validation, instead of letting libxml2
/// print them to stderr. Owned by exactly one parse at a time, so it needs no lock.
final class ErrorCollector {
    private(set) var diagnostics: [XMLDiagnostic] = []
    /// The stage errors are filed under unless libxml2's domain says otherwise.
    var stage: XMLDiagnostic.Stage = .parse
    /// Stops runaway error floods (a binary file can produce one error per byte). A stream
    /// that takes its problems out as it goes is bounded per stretch, not per file.
    let limit: Int
    private(set) var truncated = false

    init(limit: Int = 200) {
        self.limit = limit
    }

    /// The problems collected since the last call, which the collector then forgets: a file of
    /// any size keeps only what one stretch of it produced.
    func takeAll() -> [XMLDiagnostic] {
        defer { diagnostics.removeAll(keepingCapacity: true) }
        return diagnostics
    }

    var hasErrors: Bool {
        diagnostics.contains { $0.severity == .error }
    }

    func append(_ diagnostic: XMLDiagnostic) {
        // libxml2 repeats some errors once per entity expansion; one of each is enough.
        if let last = diagnostics.last, last.line == diagnostic.line, last.column == diagnostic.column,
            last.message == diagnostic.message
        {
            return
        }
        if diagnostics.count >= limit {
            truncated = true
            return
        }
        diagnostics.append(diagnostic)
    }

    func record(_ error: UnsafePointer<xmlError>) {
        let e = error.pointee
        let severity: XMLDiagnostic.Severity = e.level == XML_ERR_WARNING ? .warning : .error
        var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while message.last == "\n" || message.last == " " {
            message.removeLast()
        }
        // One problem, one line: libxml2 puts the offending bytes on a line of their own.
        message = message.split(separator: "\n").joined(separator: "; ")
        // libxml2's advice to lift its limits is the one thing a user must not do here.
        let hugeHint = " use XML_PARSE_HUGE option"
        if message.hasSuffix(hugeHint) {
            message = String(message.dropLast(hugeHint.count)) + " levels of nesting; mbt refuses documents nested this deep"
        }
        let domain = xmlErrorDomain(UInt32(bitPattern: e.domain))
        let stage: XMLDiagnostic.Stage
        switch domain {
        case XML_FROM_SCHEMASV, XML_FROM_SCHEMASP, XML_FROM_VALID: stage = .schema
        case XML_FROM_IO: stage = .io
        default: stage = self.stage
        }
        var element: String?
        if let node = e.node?.assumingMemoryBound(to: xmlNode.self),
            node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name
        {
            element = String(cString: name)
        }
        var line = Int(e.line)
        // A schema error about an element (a missing child, say) is found at its end tag while
        // streaming; the element's own start line is where a reader looks, and what xmllint says.
        if stage == .schema || line == 0, let node = e.node?.assumingMemoryBound(to: xmlNode.self) {
            let nodeLine = Int(xmlGetLineNo(node))
            if nodeLine > 0 { line = nodeLine }
        }
        append(
            XMLDiagnostic(
                severity: severity, stage: stage, line: max(line, 0),
                column: max(Int(e.int2), 0), message: message, element: element))
    }

    var opaque: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> ErrorCollector? {
        guard let pointer else { return nil }
        return Unmanaged<ErrorCollector>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// Structured error callback whose user data is an `ErrorCollector`.
func mbxmlCollectError(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let collector = ErrorCollector.from(userData) else { return }
    collector.record(error)
}

/// Runs `body` with this thread's catch-all structured error handler pointed at `collector`.
/// libxml2 keeps that handler per thread, so concurrent parses on other threads are unaffected;
/// it catches the few errors raised without a parser context.
func withThreadErrorHandler<T>(_ collector: ErrorCollector, _ body: () throws -> T) rethrows -> T {
    xmlSetStructuredErrorFunc(collector.opaque, mbxmlCollectError)
    // The generic error function is per thread too, and this may be the thread's first parse.
    CLibXML2_silenceGenericErrors()
    defer { xmlSetStructuredErrorFunc(nil, nil) }
    return try body()
}
