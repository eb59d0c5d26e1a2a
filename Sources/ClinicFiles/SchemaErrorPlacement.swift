import MBXML

/// Puts a streaming schema error on the line a person looks at. libxml2 finds a missing child
/// only at the end tag and reports that line; the element starts earlier, and that start is
/// what whole-document validation (and xmllint) reports.
enum SchemaErrorPlacement {
    static func place(_ diagnostic: XMLDiagnostic, in elements: [PatientBuilder.ElementStart]) -> XMLDiagnostic {
        guard diagnostic.stage == .schema, diagnostic.message.contains("Missing child element"),
            let name = elementName(in: diagnostic.message),
            let start = elements.lazy.filter({ $0.name == name && $0.line <= diagnostic.line }).map(\.line).max()
        else { return diagnostic }
        var placed = diagnostic
        placed.line = start
        placed.column = 0
        placed.element = name
        return placed
    }

    /// "Element '{urn:...}patient': ..." -> "patient"
    static func elementName(in message: String) -> String? {
        guard let open = message.firstIndex(of: "}") else { return nil }
        let rest = message[message.index(after: open)...]
        guard let quote = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<quote])
    }
}
