import MuscleBalanceCore
import Testing

@Suite("UnitSlip: two sides apart by a unit's conversion factor")
struct UnitSlipTests {
    @Test("within 5% of a factor of at least 4 of the test's dimension", arguments: [
        (145.0, 1422.0, Dimension.force, "kgf/N"),  // 1422 / 145 = 9.807: newtons typed as kgf
        (100.0, 445.0, .force, "lbf/N"),
        (30.0, 300.0, .length, "cm/mm"),
        (2.0, 50.8, .length, "in/mm"),
    ])
    func slips(a: Double, b: Double, dimension: Dimension, units: String) {
        #expect(UnitSlip.suspected(a, b, dimension)?.units == units)
        #expect(UnitSlip.suspected(b, a, dimension)?.units == units, "either side")
    }

    @Test("real differences and other dimensions are not flagged", arguments: [
        (100.0, 220.0, Dimension.force),  // 2.2: kgf/lbf is left out, a real deficit can be that large
        (100.0, 254.0, .length),  // 2.54: in/cm, left out likewise
        (100.0, 850.0, .force),  // 8.5: more than 5% from 9.81
        (10.0, 98.0, .time),  // time has one unit
        (10.0, 98.0, .angle),
        (0.0, 98.0, .force),  // a side at 0 has no ratio
    ])
    func noSlip(a: Double, b: Double, dimension: Dimension) {
        #expect(UnitSlip.suspected(a, b, dimension) == nil)
    }
}
