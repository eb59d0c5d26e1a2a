/// Collects the diagnostics of one file and knows whether any was an error.
public struct DiagnosticsEngine: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public let file: String

    public init(file: String) {
        self.file = file
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Records the diagnostic as this file's, unless it names a file of its own (a spreadsheet's
    /// patients file, read beside it).
    public mutating func emit(_ diagnostic: Diagnostic) {
        var diagnostic = diagnostic
        if diagnostic.file.isEmpty { diagnostic.file = file }
        diagnostics.append(diagnostic)
    }

    public mutating func emit(contentsOf diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { emit(diagnostic) }
    }

    /// In file order, so that output reads top to bottom whatever order the rules ran in.
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// Errors, then warnings, each in file order: what the terminal shows, so that an error is
    /// never lost among thousands of warnings.
    public var errorsFirst: [Diagnostic] {
        let inOrder = sorted
        return inOrder.filter { $0.severity == .error } + inOrder.filter { $0.severity == .warning }
    }

    /// Fills in columns with a resolver that knows the source text.
    public mutating func resolveColumns(_ resolve: ([Diagnostic]) -> [Diagnostic]) {
        diagnostics = resolve(diagnostics)
    }
}
