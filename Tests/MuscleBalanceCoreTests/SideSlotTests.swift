import MuscleBalanceCore
import Testing

@Suite("SideSlot")
struct SideSlotTests {
    @Test("every (test, side) has a slot of its own, in order: no side, left, right; count covers them all")
    func distinctAndDense() {
        let slots = (0..<5).flatMap { t in [BodySide?.none, .left, .right].map { SideSlot.of(test: t, side: $0) } }
        #expect(slots == Array(0..<15))
        #expect(SideSlot.count(tests: 5) == 15)
    }
}
