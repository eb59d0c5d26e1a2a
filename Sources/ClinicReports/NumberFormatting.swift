import FastText
import MBXML
import MuscleBalanceCore

/// Numbers in reports: decimal notation, at most six decimals, no trailing zeros ("63.74",
/// "-1.8", "100"). Never an exponent, so every value is a valid xs:decimal.
public func decimal(_ value: Double, digits: Int = 6) -> String {
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

/// `decimal(value, digits:)` written straight into a byte buffer, with no `String` made: the
/// reports print tens of numbers per measure. The same text as `decimal()` (PropertyTests
/// compares them): a value rounded to at most six decimals and under 10^15 units of its last
/// decimal has at most 15 significant digits, and for such a decimal the shortest round-trip
/// form is the decimal itself with its trailing zeros dropped.
public func appendDecimal<Out: ByteAppending & ~Copyable>(_ value: Double, digits: Int = 6, to out: inout Out) {
    guard value.isFinite else {
        out.append(UInt8(ascii: "0"))
        return
    }
    guard digits >= 0 && digits <= 6 else {
        out.appendBytes(decimal(value, digits: digits))
        return
    }
    // `(x).rounded()` (half away from zero) without the call into libm: for 0 <= x < 2^63 the
    // conversion truncates, and x minus its integer part is exact, so the half is decided
    // exactly. Past 10^15 units the slow path takes over, as before.
    let raw = abs(value) * decimalScale(digits)
    guard raw < 1e15 else {
        out.appendBytes(decimal(value, digits: digits))
        return
    }
    let whole = UInt64(raw)
    let units = raw - Double(whole) >= 0.5 ? whole + 1 : whole
    if units == 0 {
        out.append(UInt8(ascii: "0"))
        return
    }
    // The whole text is made right to left in a stack buffer and appended at once: the
    // decimals without their trailing zeros, the point, the integer part, two digits at a
    // time, the sign. Each division is by a constant (a multiply): the reports print some 380
    // numbers per patient, and the generic version (a division by the scale, one digit per
    // step, three appends) cost 250 instructions each.
    let (integer, decimals) = splitUnits(units, digits)
    var fraction = decimals
    var places = fraction == 0 ? 0 : digits
    if places > 0 {
        while fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
    }
    var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    withUnsafeMutableBytes(of: &storage) { raw in
        let buffer = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // 32 bytes: a sign, 16 integer digits, a point and 6 decimals fit.
        let end = raw.count
        var index = end
        if places > 0 {
            index = writeDigitsBackward(fraction, count: places, before: index, in: buffer)
            index -= 1
            buffer[index] = UInt8(ascii: ".")
        }
        index = writeDigitsBackward(integer, count: decimalDigitCount(integer), before: index, in: buffer)
        if value < 0 {
            index -= 1
            buffer[index] = UInt8(ascii: "-")
        }
        out.appendBytes(UnsafeBufferPointer(start: buffer + index, count: end - index))
    }
}

/// 10^digits (0...6) as a Double, with no table to look up.
@inline(__always)
private func decimalScale(_ digits: Int) -> Double {
    switch digits {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    default: 1_000_000
    }
}

/// `units` split at `digits` decimals (0...6): each case divides by a constant.
@inline(__always)
private func splitUnits(_ units: UInt64, _ digits: Int) -> (UInt64, UInt64) {
    switch digits {
    case 0: (units, 0)
    case 1: (units / 10, units % 10)
    case 2: (units / 100, units % 100)
    case 3: (units / 1_000, units % 1_000)
    case 4: (units / 10_000, units % 10_000)
    case 5: (units / 100_000, units % 100_000)
    default: (units / 1_000_000, units % 1_000_000)
    }
}

/// The digits 00 to 99 in pairs: a static string's bytes are read with no lazy global.
private let digitPairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

/// How many decimal digits `value` has (at least one), by comparisons, with no division.
@inline(__always)
private func decimalDigitCount(_ value: UInt64) -> Int {
    var count = 1
    var limit: UInt64 = 10
    while value >= limit {
        count += 1
        if count == 20 { break }  // 10^20 is past UInt64
        limit &*= 10
    }
    return count
}

/// Writes exactly `count` digits of `value` (zero-padded; `value` < 10^count) ending just
/// before `index`, two at a time; returns where they start.
@inline(__always)
private func writeDigitsBackward(_ value: UInt64, count: Int, before index: Int, in buffer: UnsafeMutablePointer<UInt8>) -> Int {
    var index = index
    var rest = value
    var left = count
    while left >= 2 {
        index -= 2
        writePair(rest % 100, at: index, in: buffer)
        rest /= 100
        left -= 2
    }
    if left == 1 {
        index -= 1
        buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
    }
    return index
}

/// Writes the two digits of `pair` (below 100) at `index` and the byte after.
@inline(__always)
private func writePair(_ pair: UInt64, at index: Int, in buffer: UnsafeMutablePointer<UInt8>) {
    let at = Int(truncatingIfNeeded: pair) &* 2
    buffer[index] = digitPairs.utf8Start[at]
    buffer[index + 1] = digitPairs.utf8Start[at + 1]
}

/// `fixed(value, digits)` ("-1.20": exactly `digits` decimals) written straight into a byte
/// buffer from the same `fixedParts`, so the same text (PropertyTests compares them). Values
/// `fixed` spells out another way (not finite, beyond 2^53) go through it.
func appendFixed<Out: ByteAppending & ~Copyable>(_ value: Double, _ digits: Int, to out: inout Out) {
    guard digits >= 0, let (negative, whole, fraction) = fixedParts(value, digits) else {
        out.appendBytes(fixed(value, digits))
        return
    }
    if negative { out.append(UInt8(ascii: "-")) }
    appendInteger(UInt64(whole), to: &out)
    if digits > 0 {
        out.append(UInt8(ascii: "."))
        appendInteger(UInt64(fraction), width: digits, to: &out)
    }
}

/// The decimal digits of an integer, zero-padded to `width`, written into a byte buffer.
func appendInteger<Out: ByteAppending & ~Copyable>(_ value: UInt64, width: Int = 1, to out: inout Out) {
    // Most integers in a report (sets, days, ages, the digits after a point) are one or two
    // digits: written directly.
    if value < 100 && width <= 2 {
        if value >= 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10))
        } else if width == 2 {
            out.append(UInt8(ascii: "0"))
        }
        out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
        return
    }
    // Up to 20 digits, filled from the right in a stack buffer, then appended at once (any
    // padding past the buffer's 24 bytes first).
    if width > 24 {
        for _ in 0..<(width - 24) { out.append(UInt8(ascii: "0")) }
    }
    withDecimalDigits(value, width: min(width, 24)) { out.appendBytes($0) }
}

/// A signed integer into a byte buffer.
func appendInteger<Out: ByteAppending & ~Copyable>(_ value: Int, to out: inout Out) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    appendInteger(UInt64(value.magnitude), to: &out)
}

extension CivilDate {
    /// `description` ("2026-11-02") written into a byte buffer.
    public func appendISO8601<Out: ByteAppending & ~Copyable>(to out: inout Out) {
        guard year >= 0, month >= 0, day >= 0 else {
            out.appendBytes(description)
            return
        }
        appendInteger(UInt64(year), width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendInteger(UInt64(month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendInteger(UInt64(day), width: 2, to: &out)
    }
}
