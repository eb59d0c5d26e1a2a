/// The short texts and numbers the scorer writes into findings and reasons.
func rangeText(_ range: AcceptableRange?) -> String {
    guard let range else { return "no reference range" }
    var parts: [String] = []
    if let min = range.min { parts.append(">= \(format(min))") }
    if let above = range.above { parts.append("> \(format(above))") }
    if let max = range.max { parts.append("<= \(format(max))") }
    if let below = range.below { parts.append("< \(format(below))") }
    return "acceptable " + parts.joined(separator: " and ")
}

/// "Heart or circulatory disease" -> "heart or circulatory disease" inside a sentence; a label
/// that starts with an acronym ("TFL ...") is left as it is.
func sentenceCase(_ label: String) -> String {
    let chars = Array(label)
    guard chars.count > 1, chars[0].isUppercase, chars[1].isLowercase else { return label }
    return chars[0].lowercased() + String(chars.dropFirst())
}

/// "a", "a and b", "a, b and c": names in a sentence.
func listText(_ items: [String]) -> String {
    guard items.count > 1, let last = items.last else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + last
}

/// "5th", "2.5th", "1st", "2nd", "3rd", "11th": a centile in words.
func ordinal(_ value: Double) -> String {
    let text = format(value)
    guard value == value.rounded(), let n = Int(exactly: value) else { return text + "th" }
    let tens = n % 100
    if (11...13).contains(tens) { return text + "th" }
    switch n % 10 {
    case 1: return text + "st"
    case 2: return text + "nd"
    case 3: return text + "rd"
    default: return text + "th"
    }
}

func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }

/// A number with exactly `digits` decimals ("-1.80"), for reports.
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    // Beyond 2^53 a double has no fraction; its digits are expanded from Swift's shortest form.
    guard let (negative, whole, fraction) = fixedParts(value, digits) else { return expandedInteger(value) }
    var text = (negative ? "-" : "") + String(whole)
    if digits > 0 {
        let f = String(fraction)
        text += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return text
}

/// What `fixed` prints, in parts: the sign, the whole part and the fraction as an integer of
/// `digits` digits; nil where it spells the value out another way (not finite, beyond 2^53).
/// The byte writer of the reports (`appendFixed`) uses the same parts.
public func fixedParts(_ value: Double, _ digits: Int) -> (negative: Bool, whole: Int, fraction: Int)? {
    guard value.isFinite, abs(value) < 9_007_199_254_740_992 else { return nil }
    let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
    let rounded = (abs(value) * scale).rounded() / scale
    let negative = value < 0 && rounded != 0
    var whole = Int(rounded.rounded(.down))
    var fraction = Int(((rounded - Double(whole)) * scale).rounded())
    if fraction >= Int(scale) {
        whole += 1
        fraction -= Int(scale)
    }
    return (negative, whole, fraction)
}

/// "1.25e+20" -> "125000000000000000000": the integer digits of a large double, no exponent.
func expandedInteger(_ value: Double) -> String {
    let text = String(abs(value))
    let parts = text.split(separator: "e")
    let negative = value < 0 ? "-" : ""
    guard parts.count == 2, let exponent = Int(parts[1].replacing("+", with: "")) else {
        return negative + (text.split(separator: ".").first.map(String.init) ?? text)
    }
    let mantissa = parts[0].split(separator: ".")
    let whole = String(mantissa[0])
    let fraction = mantissa.count > 1 ? String(mantissa[1]) : ""
    let digits = whole + fraction
    let zeros = max(0, exponent - fraction.count)
    return negative + String(digits.prefix(whole.count + exponent)) + String(repeating: "0", count: zeros)
}
