/// Three slots per protocol test, in the protocol's order: the test with no side, on the left,
/// on the right. The scorer and the rules key a (test, side) on this one integer, an index into
/// a flat array, instead of hashing the test's id with its side for every measure.
public enum SideSlot {
    public static let perTest = 3

    /// The slot of the protocol's test `index` on `side` (nil: a midline test).
    @inlinable
    public static func of(test index: Int, side: BodySide?) -> Int {
        perTest * index + (side == nil ? 0 : side == .left ? 1 : 2)
    }

    /// How many slots a protocol of `tests` tests needs.
    @inlinable
    public static func count(tests: Int) -> Int { perTest * tests }
}
