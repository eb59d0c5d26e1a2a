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

    /// The z below which a share `p` (0 < p < 1) lies: the inverse of `cdf`, by bisection on
    /// it (-1.6448536 for 0.05). Only for drawing a normal limit, never for grading: a grade
    /// compares the percentile of the value, not a value with this limit.
    public static func quantile(_ p: Double) -> Double {
        guard p > 0 && p < 1 else { return p <= 0 ? -.infinity : .infinity }
        var low = -40.0
        var high = 40.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if cdf(mid) < p { low = mid } else { high = mid }
            if high - low < 1e-13 { break }
        }
        return (low + high) / 2
    }
}
