import MuscleBalanceCore

/// Numbers in reports: decimal notation, at most six decimals, no trailing zeros ("63.74",
/// "-1.8", "100"). Never an exponent, so every value is a valid xs:decimal.
func decimal(_ value: Double, digits: Int = 6) -> String {
    guard value.isFinite else { return "0" }
    // Fast path: rounded to `digits` decimals, Swift's shortest round-trip form is exactly those
    // digits ("66.68522"), with no exponent between 1e-4 and 1e15.
    if digits >= 1 && digits <= 6 {
        let scale = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][digits]
        let rounded = (value * scale).rounded() / scale
        if rounded == 0 { return "0" }
        let magnitude = abs(rounded)
        if magnitude >= 1e-4 && magnitude < 1e15 {
            let text = rounded.description
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
    }
    var text = fixed(value, digits)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
}
