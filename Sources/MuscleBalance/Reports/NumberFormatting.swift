import MuscleBalanceCore

/// Numbers in reports: decimal notation, at most six decimals, no trailing zeros ("63.74",
/// "-1.8", "100"). Never an exponent, so every value is a valid xs:decimal.
func decimal(_ value: Double, digits: Int = 6) -> String {
    guard value.isFinite else { return "0" }
    var text = fixed(value, digits)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
}
