import MBXML
import MuscleBalanceCore

/// Typed reads of attributes, for files the schema has already passed. A value the schema
/// should have refused still never crashes: it reads as nil and the rules report it.
extension XMLElement {
    var location: SourceLocation { SourceLocation(line: line, element: name) }

    func string(_ name: String) -> String? { self[attribute: name] }

    func double(_ name: String) -> Double? { self[attribute: name].flatMap(parseDecimal) }

    func int(_ name: String) -> Int? {
        self[attribute: name].flatMap { Int($0.trimmingXMLWhitespace()) }
    }

    func sources(_ name: String = "source") -> SourceReferences {
        let ids = (self[attribute: name] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        return SourceReferences(ids: ids, location: location)
    }

    /// The element's text with runs of whitespace folded, as a reader expects prose.
    var foldedText: String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    func childText(_ name: String) -> String { child(named: name)?.foldedText ?? "" }
}

extension String {
    func trimmingXMLWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}

/// Reads an xs:decimal ("+12", "12.", ".5", "-0.25"); nil for anything else, including the
/// exponents, NaN and INF that Double's own parser would accept.
func parseDecimal(_ text: String) -> Double? {
    var s = text.trimmingXMLWhitespace()
    var sign = ""
    if let first = s.first, first == "+" || first == "-" {
        sign = first == "-" ? "-" : ""
        s = s.dropFirst()
    }
    guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), s.count(where: { $0 == "." }) <= 1,
        s != "."
    else { return nil }
    var body = String(s)
    if body.hasPrefix(".") { body = "0" + body }
    if body.hasSuffix(".") { body += "0" }
    guard let value = Double(sign + body), value.isFinite else { return nil }
    return value
}
