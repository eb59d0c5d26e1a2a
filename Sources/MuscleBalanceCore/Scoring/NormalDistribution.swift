#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution, for percentiles of a mean/SD norm.
public enum NormalDistribution {
    /// P(Z <= z), from the complementary error function (accurate in the tails).
    public static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }
}
