/// A seeded generator (SplitMix64) for the randomised tests below the clinical layers: the same
/// seed gives the same sequence on every machine, so a failure names an input that can be
/// made again. A target of its own with no dependency, so that any test target may use it.
/// (The clinical tests use the synthetic clinic's generator, the same algorithm.)
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int {
        Int(next() % UInt64(n))
    }

    /// A string of up to 11 pieces of `alphabet`.
    public mutating func string(from alphabet: [String]) -> String {
        (0..<below(12)).map { _ in alphabet[below(alphabet.count)] }.joined()
    }
}
