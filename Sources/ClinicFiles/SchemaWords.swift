import MuscleBalanceCore

/// libxml2's schema errors in a person's words: the element and attribute as they are written
/// in the file (no namespace in braces), the value, what is allowed, and, where one value is
/// close, "did you mean" it, as the rules' own messages say it.
///
/// `Element '{urn:...}measure', attribute 'side': [facet 'enumeration'] The value 'L' is not
/// an element of the set {'left', 'right'}.` becomes `side="L" on <measure> is not one of
/// left, right; did you mean side="left"?`. A message of a shape not known here keeps
/// libxml2's words, its namespaces taken out.
public enum SchemaWords {
    public static func plain(_ message: String) -> String {
        guard let parsed = Parsed(message) else { return withoutNamespaces(message) }
        let element = parsed.element
        let rest = parsed.rest
        // What the value is: an attribute's, or the element's text.
        func subject(_ value: String) -> String {
            if let attribute = parsed.attribute { return "\(attribute)=\"\(value)\" on <\(element)>" }
            return "<\(element)> '\(value)'"
        }
        func suggestion(_ value: String) -> String {
            if let attribute = parsed.attribute { return "\(attribute)=\"\(value)\"" }
            return "<\(element)>\(value)</\(element)>"
        }
        if rest.hasPrefix("[facet 'enumeration'] The value '"), let value = quoted(rest, after: "The value '"),
            let open = rest.range(of: "the set {")
        {
            let set = rest[open.upperBound...].prefix { $0 != "}" }
            let allowed = set.split(separator: ",").map { trimmed($0, of: " '") }
            var out = "\(subject(value)) is not one of \(allowed.joined(separator: ", "))"
            if let near = nearest(value, in: allowed) { out += "; did you mean \(suggestion(near))?" }
            return out
        }
        if rest.hasPrefix("'"), let value = quoted(rest, after: "'"), let type = quoted(rest, after: "atomic type '") {
            let kind = type.split(separator: "}").last.map(String.init) ?? type
            switch kind {
            case "xs:date":
                let written = value.count == 10 && value.split(separator: "-").map(\.count) == [4, 2, 2]
                var out = written
                    ? "\(subject(value)) is not a day of the calendar; check the day and the month"
                    : "\(subject(value)) is not a date written yyyy-mm-dd (e.g. 2026-11-02)"
                if let dates = DateGuess.readings(of: value) {
                    out += dates.count == 1
                        ? "; did you mean \(suggestion(dates[0]))?"
                        : "; did you mean \(suggestion(dates[0])) (day first) or \(suggestion(dates[1])) (month first)?"
                }
                return out
            case "xs:decimal", "Reading", "PositiveDecimal", "xs:double", "xs:float":
                var out = "\(subject(value)) is not a number written with a decimal point, e.g. 12.5"
                let comma = value.replacingOccurrences(of: ",", with: ".")
                if comma != value, comma.filter({ $0 == "." }).count == 1, Double(comma) != nil { out += "; did you mean \(suggestion(comma))?" }
                return out
            case "xs:integer", "xs:positiveInteger", "xs:nonNegativeInteger", "xs:int", "Count", "Age":
                let digits = !value.isEmpty && value.allSatisfy { $0.isASCII && $0.isNumber }
                return digits
                    ? "\(subject(value)) is too large a number for it"
                    : "\(subject(value)) is not a whole number"
            case "xs:boolean":
                return "\(subject(value)) is neither true nor false"
            default:
                return "\(subject(value)) is not a valid \(kind)"
            }
        }
        if rest.hasPrefix("[facet 'pattern'] The value '"), let value = quoted(rest, after: "The value '") {
            switch parsed.attribute {
            case "bloodPressure":
                let slash = value.map { "0123456789".contains($0) ? $0 : "/" }
                let parts = String(slash).split(separator: "/")
                var out = "\(subject(value)) is not systolic/diastolic in mmHg, e.g. 128/84"
                if parts.count == 2 { out += "; did you mean \(suggestion(parts.joined(separator: "/")))?" }
                return out
            case "test":
                // Which id is meant, the rules say once the name is written as one (they know the protocol).
                return "\(subject(value)) is not a test id, lower-case words joined by hyphens as the protocol names it (e.g. hip-abduction-strength; mbt template lists them)"
            case "protocol":
                return "\(subject(value)) is not a protocol id, lower-case words joined by hyphens (e.g. lumbopelvic-balance)"
            default:
                let pattern = quoted(rest, after: "pattern '") ?? ""
                return "\(subject(value)) is not written as this value must be (the pattern \(pattern))"
            }
        }
        if rest.hasPrefix("[facet 'minExclusive'] The value '"), let value = quoted(rest, after: "The value '"),
            let limit = quoted(rest, after: "greater than '")
        {
            return "\(subject(value)) must be greater than \(limit)"
        }
        if rest.hasPrefix("[facet 'minInclusive'] The value '"), let value = quoted(rest, after: "The value '"),
            let limit = quoted(rest, after: "allowed ('")
        {
            return "\(subject(value)) must be at least \(limit)"
        }
        if rest.hasPrefix("[facet 'maxInclusive'] The value '"), let value = quoted(rest, after: "The value '"),
            let limit = quoted(rest, after: "allowed ('")
        {
            return "\(subject(value)) must be at most \(limit)"
        }
        if rest.hasPrefix("[facet 'totalDigits'] The value '"), let value = quoted(rest, after: "The value '"),
            let limit = quoted(rest, after: "allowed ('")
        {
            return "\(subject(value)) has more than \(limit) digits"
        }
        if rest.hasPrefix("[facet 'maxLength']"), let limit = quoted(rest, after: "maximum length of '") {
            let what = parsed.attribute.map { "\($0) on <\(element)>" } ?? "<\(element)>"
            return "\(what) is longer than \(limit) characters; shorten it"
        }
        if rest.hasPrefix("[facet 'minLength']") {
            let what = parsed.attribute.map { "\($0) on <\(element)>" } ?? "<\(element)>"
            return "\(what) is empty; write it or leave it out"
        }
        if rest.hasPrefix("The attribute '"), let name = quoted(rest, after: "The attribute '") {
            if rest.hasSuffix("is required but missing.") { return "<\(element)> has no \(name)=\"...\", which it needs" }
            if rest.hasSuffix("is not allowed.") { return "<\(element)> has an attribute \(name)=\"...\" that mbt does not read; remove it or check its spelling" }
        }
        if rest.hasPrefix("This element is not expected.") {
            let expected = elements(in: rest)
            return expected.isEmpty
                ? "<\(element)> is not expected here"
                : "<\(element)> is not expected here; expected \(expected.map { "<\($0)>" }.joined(separator: " or "))"
        }
        if rest.hasPrefix("Missing child element(s).") {
            let expected = elements(in: rest)
            // libxml2 lists what may come next, optional children included: the last is needed.
            return "<\(element)> ends before a child it needs: add \(expected.last.map { "<\($0)>" } ?? "it")"
        }
        if rest.hasPrefix("Character content other than whitespace is not allowed") {
            return "<\(element)> holds text; only elements go inside it"
        }
        return withoutNamespaces(message)
    }

    /// Where a schema error points: the attribute it names (its column, a sheet's cell), else
    /// the element.
    public static func anchor(of message: String, element: String?) -> SourceAnchor? {
        if let parsed = Parsed(message), let attribute = parsed.attribute {
            return .attribute(element: parsed.element, name: attribute)
        }
        return element.map { .element($0) }
    }

    /// A message of the made XML in a sheet's words: `bloodPressure="118-76" on <session>`
    /// becomes `blood_pressure '118-76'`, the column's name as the sheet's header writes it; an
    /// element is the row's thing (the session, the reading). A sheet's user never sees XML.
    public static func inSheetWords(_ message: String, attribute: (element: String, name: String)?, column: String?) -> String {
        // Nearly every message names no attribute (=") and no element (<): passed over on its bytes.
        guard message.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "=") }) else { return message }
        var text = message
        if let attribute {
            let header = column ?? attribute.name
            text = text.replacingAll(" on <\(attribute.element)>", with: "")
            var out = ""
            var rest = Substring(text)
            let marker = "\(attribute.name)=\""
            while let found = rest.firstUTF8Range(of: marker) {
                out += rest[..<found.lowerBound]
                let value = rest[found.upperBound...]
                guard let close = value.firstIndex(of: "\"") else {
                    out += rest[found.lowerBound...]
                    rest = ""
                    break
                }
                // The first names the column; a suggestion is the value alone.
                out += out.hasSuffix("did you mean ") || out.hasSuffix("or ") ? "'\(value[..<close])'" : "\(header) '\(value[..<close])'"
                rest = value[value.index(after: close)...]
            }
            text = out + rest
        }
        for (xml, words) in [("a value attribute and <trial> elements", "a value and trials"), ("add value=\"...\" or <trial> elements", "fill in its value or its trials"), ("one <measure>", "one reading")] {
            text = text.replacingAll(xml, with: words)
        }
        for (element, words) in [("measure", "the reading"), ("session", "the session"), ("patient", "the patient"), ("trial", "the trial"), ("condition", "the condition")] {
            text = text.replacingAll("<\(element)>", with: words)
        }
        return text
    }

    /// libxml2's "Element '{ns}name', attribute 'a': rest".
    struct Parsed {
        var element: String
        var attribute: String?
        var rest: String

        init?(_ message: String) {
            guard message.hasPrefix("Element '") else { return nil }
            let afterName = message.dropFirst(9)
            guard let nameEnd = afterName.firstIndex(of: "'") else { return nil }
            let name = afterName[..<nameEnd]
            element = String(name.split(separator: "}").last ?? name)
            var rest = afterName[afterName.index(after: nameEnd)...]
            if rest.hasPrefix(", attribute '") {
                let afterAttribute = rest.dropFirst(13)
                guard let end = afterAttribute.range(of: "': ") else { return nil }
                attribute = String(afterAttribute[..<end.lowerBound])
                rest = afterAttribute[end.upperBound...]
            } else if rest.hasPrefix(": ") {
                rest = rest.dropFirst(2)
            } else {
                return nil
            }
            self.rest = String(rest)
        }
    }

    static func trimmed(_ text: Substring, of characters: String) -> String {
        String(text.drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }

    /// The text between `marker` and the next quote.
    static func quoted(_ text: String, after marker: String) -> String? {
        guard let start = text.range(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    /// The element names in "Expected is one of ( {ns}a, {ns}b )."
    static func elements(in text: String) -> [String] {
        guard let open = text.range(of: "( "), let close = text.range(of: " )", range: open.upperBound..<text.endIndex) else { return [] }
        return text[open.upperBound..<close.lowerBound].split(separator: ",").map {
            String(trimmed($0, of: " ").split(separator: "}").last ?? "")
        }.filter { !$0.isEmpty }
    }

    /// `{urn:...}name` -> `name`.
    static func withoutNamespaces(_ message: String) -> String {
        var out = ""
        var inBraces = false
        var braced = ""
        for ch in message {
            if ch == "{" {
                inBraces = true
                braced = "{"
            } else if inBraces {
                braced.append(ch)
                if ch == "}" {
                    inBraces = false
                    // A namespace ("{urn:" or "{http"); an enumeration's set stays.
                    if !(braced.hasPrefix("{urn:") || braced.hasPrefix("{http")) { out += braced }
                }
            } else {
                out.append(ch)
            }
        }
        return inBraces ? out + braced : out
    }

    /// The allowed value meant: the same in another case, the only one it begins (L: left, kg:
    /// kgf), or the one within two edits.
    static func nearest(_ value: String, in allowed: [String]) -> String? {
        let lower = value.lowercased()
        guard !lower.isEmpty else { return nil }
        if let same = allowed.first(where: { $0.lowercased() == lower }) { return same }
        let starting = allowed.filter { $0.lowercased().hasPrefix(lower) }
        if starting.count == 1 { return starting[0] }
        // A longer word for the same (degrees: deg; Newton: N is too short to tell).
        let longer = allowed.filter { $0.count >= 2 && lower.hasPrefix($0.lowercased()) }
        if longer.count == 1 { return longer[0] }
        // One slip in a word of three letters or more (femal, rigth), two in a longer one;
        // never a short unit for another (min is minutes, not in).
        guard lower.count >= 3 else { return nil }
        let near = allowed.filter { $0.count >= 3 && MuscleBalanceCore.editDistance(lower, $0.lowercased()) <= (lower.count >= 5 ? 2 : 1) }
        return near.count == 1 ? near[0] : nil
    }
}

/// What a date written another way may mean: `05/12/2026` read day first and month first,
/// `05.12.2026` (dots: day first, as German and Nordic clinics write it), `2026/12/05`.
enum DateGuess {
    static func readings(of text: String) -> [String]? {
        let parts = text.split { $0 == "/" || $0 == "." || $0 == "-" }.map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else { return nil }
        let numbers = parts.map { Int($0)! }
        func iso(_ y: Int, _ m: Int, _ d: Int) -> String? {
            let days = [31, y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...12).contains(m), (1000...9999).contains(y), (1...days[m - 1]).contains(d) else { return nil }
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(y)-\(two(m))-\(two(d))"
        }
        if parts[0].count == 4 { return iso(numbers[0], numbers[1], numbers[2]).flatMap { $0 == text ? nil : [$0] } }
        guard parts[2].count == 4 else { return nil }
        let dayFirst = iso(numbers[2], numbers[1], numbers[0])
        let monthFirst = text.contains(".") ? nil : iso(numbers[2], numbers[0], numbers[1])
        let found = [dayFirst, monthFirst].compactMap { $0 }
        if found.count == 2 && found[0] == found[1] { return [found[0]] }
        return found.isEmpty ? nil : found
    }
}

extension String {
    /// Every `target` replaced (no Foundation here).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, containsUTF8(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let found = rest.firstUTF8Range(of: target) {
            out += rest[..<found.lowerBound]
            out += replacement
            rest = rest[found.upperBound...]
        }
        return out + rest
    }
}
