import MuscleBalanceCore
import Testing

/// `limb-symmetry-index`: LSI = weaker / stronger x 100, graded on 100 - LSI.
@Suite("LimbSymmetry: the limb symmetry index")
struct LimbSymmetryTests {
    static let p = Fixture.balanceProtocol(
        groups: [Fixture.group("abductors", .hip)], tests: [Fixture.test("abduction", group: "abductors")],
        asymmetryRules: [Fixture.asymmetryRule(.strength, .limbSymmetryIndex, grades: [(.mild, 10), (.moderate, 15), (.severe, 20)])])

    static func asymmetry(left: Double, right: Double) throws -> AsymmetryResult {
        let s = Fixture.latest(p, Fixture.session("2026-01-05", [Fixture.measure("abduction", .left, left), Fixture.measure("abduction", .right, right)]))
        return try #require(s.asymmetries.first)
    }

    @Test("weaker / stronger x 100, graded on what is missing from 100; the weaker side is affected", arguments: [
        // left, right, LSI, grade (100 - LSI against 10 / 15 / 20), affected
        (180.0, 200.0, 90.0, Grade.mild, BodySide.left),
        (200.0, 172.0, 86.0, .mild, .right),
        (170.0, 200.0, 85.0, .moderate, .left),
        (160.0, 200.0, 80.0, .severe, .left),
        (190.0, 200.0, 95.0, .normal, .left),
    ])
    func graded(left: Double, right: Double, lsi: Double, grade: Grade, affected: BodySide) throws {
        let a = try Self.asymmetry(left: left, right: right)
        #expect(a.formula == .limbSymmetryIndex)
        #expect(abs(try #require(a.value) - lsi) < 1e-9)
        #expect(a.grade == grade)
        #expect(a.affectedSide == affected)
        #expect(a.noReference == nil)
    }

    @Test("equal sides: 100, normal, no side affected")
    func equal() throws {
        let a = try Self.asymmetry(left: 200, right: 200)
        #expect(a.value == 100 && a.grade == .normal && a.affectedSide == nil)
    }

    @Test("a side at zero: an LSI of 0, the weakest there is, graded; two zeros: no index")
    func zero() throws {
        // README's formula: weaker / stronger x 100 = 0 / 200 = 0; a 100-point deficit.
        let a = try Self.asymmetry(left: 0, right: 200)
        #expect(a.value == 0 && a.grade != nil && a.grade != .normal && a.affectedSide == .left)
        #expect(a.noReference == nil)
        let none = try Self.asymmetry(left: 0, right: 0)
        #expect(none.value == nil && none.grade == nil)
        #expect(none.noReference?.reason == "a percentage needs a side above zero and none below it")
    }

    @Test("LSI and percent of stronger of the same pair add up to 100")
    func complement() throws {
        let other = Fixture.balanceProtocol(
            groups: [Fixture.group("abductors", .hip)], tests: [Fixture.test("abduction", group: "abductors")],
            asymmetryRules: [Fixture.asymmetryRule(.strength, .percentOfStronger, grades: [(.mild, 10)])])
        let session = Fixture.session("2026-01-05", [Fixture.measure("abduction", .left, 137), Fixture.measure("abduction", .right, 211)])
        let lsi = try #require(Fixture.latest(Self.p, session).asymmetries.first?.value)
        let pos = try #require(Fixture.latest(other, session).asymmetries.first?.value)
        #expect(abs(lsi + pos - 100) < 1e-9)
    }
}
