/// The one place where a figure computed from readings is made comparable with the protocol's
/// thresholds on the decimals it stands for, not on what binary arithmetic left of them:
/// (63 - 56.7) / 63 x 100 is 9.999999999999998 in binary and exactly 10 as a decimal, so a
/// hip abduction asymmetry of exactly 10% graded "normal" where the threshold says "mild";
/// 60.9 - 72.9 is -12.000000000000007, so a change of exactly the MDC read as beyond it.
///
/// Readings carry at most 12 digits (the schema) and clinically no more than three decimals,
/// so a computed figure is rounded to nine decimal places before any rule compares it: far
/// below anything a reading can mean, far above binary's error. A threshold written in the
/// protocol parses to the double nearest its decimal, and so does a settled figure equal to
/// it, so "exactly on the threshold" is exactly equal. Every rule that compares a computed
/// figure (asymmetry grades, ratio ranges, minimal detectable changes, a value converted to a
/// norm's unit) calls this; figures beyond 10^6, where nine decimals no longer fit a double's
/// 53 bits, are left as they are.
public enum SettledFigure {
    /// `value` rounded to nine decimal places (half away from zero).
    @inlinable
    public static func settled(_ value: Double) -> Double {
        guard value.isFinite, abs(value) < 1_000_000 else { return value }
        return (value * 1_000_000_000).rounded() / 1_000_000_000
    }
}
