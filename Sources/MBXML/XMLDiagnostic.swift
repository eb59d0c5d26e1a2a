/// One problem reported by libxml2 while parsing or validating a document, with its 1-based
/// position. Column 0 means libxml2 did not know it (schema validity errors carry a line only).
public struct XMLDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case warning, error
    }

    /// Which stage found the problem; validity problems can be told apart from broken XML.
    public enum Stage: String, Sendable, Hashable {
        case parse, schema, safety, io
    }

    public var severity: Severity
    public var stage: Stage
    public var line: Int
    public var column: Int
    public var message: String
    /// Local name of the element the problem is about, when libxml2 knows it.
    public var element: String?

    public init(
        severity: Severity, stage: Stage, line: Int, column: Int, message: String,
        element: String? = nil
    ) {
        self.severity = severity
        self.stage = stage
        self.line = line
        self.column = column
        self.message = message
        self.element = element
    }

    public var description: String {
        "\(line):\(column): \(severity.rawValue): \(message)"
    }
}

/// Thrown when a document cannot be read at all (missing, unreadable, not XML, hostile).
/// The diagnostics say why, with positions.
public struct XMLReadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [XMLDiagnostic]

    public init(_ diagnostics: [XMLDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public init(io message: String) {
        self.diagnostics = [
            XMLDiagnostic(severity: .error, stage: .io, line: 0, column: 0, message: message)
        ]
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
