import MuscleBalanceCore
import Testing

/// A region's index is the mean of its graded indices' points; overall, the weighted mean over
/// the regions that have a value.
@Suite("ImbalanceIndex: per region and overall, from grade points and region weights")
struct ImbalanceIndexTests {
    static func protocolWith(weights: [(BodyRegion, Double)]) -> BalanceProtocol {
        Fixture.balanceProtocol(
            groups: [Fixture.group("abductors", .hip), Fixture.group("extensors", .spine)],
            tests: [
                Fixture.test("abduction", group: "abductors"),
                Fixture.test("extension", group: "extensors", quality: .endurance, unit: .second, sides: .midline,
                    norms: [Fixture.meanSD(100, 10)]),
            ],
            asymmetryRules: [Fixture.asymmetryRule(.strength, .percentOfStronger, grades: [(.mild, 10), (.moderate, 20), (.severe, 30)])],
            regionWeights: weights)
    }

    static func session(abduction: (Double, Double), back: Double?) -> AssessmentSession {
        Fixture.session("2026-01-05", [Fixture.measure("abduction", .left, abduction.0), Fixture.measure("abduction", .right, abduction.1)]
            + (back.map { [Fixture.measure("extension", nil, $0, unit: .second)] } ?? []))
    }

    @Test("hip: one mild asymmetry (1 point) -> 1; spine not measured -> no value; overall 1")
    func oneRegion() throws {
        let s = Fixture.latest(Self.protocolWith(weights: [(.hip, 2), (.spine, 1)]), Self.session(abduction: (180, 200), back: nil))
        let hip = try #require(s.regions.first { $0.region == .hip })
        #expect(hip.value == 1 && hip.gradedIndices == 1 && hip.weight == 2)
        #expect(s.regions.first { $0.region == .spine }?.value == nil)
        #expect(s.overallIndex == 1 && s.overallGrade == .mild)
    }

    @Test("weights: hip 1 point x 2, spine 0 points x 1 (a normal result graded by no cut-off counts nothing) -> overall 1")
    func ungradedResultCountsNothing() throws {
        // A mean/SD norm grades nothing without <normGrades>: the spine has no graded index.
        let s = Fixture.latest(Self.protocolWith(weights: [(.hip, 2), (.spine, 1)]), Self.session(abduction: (180, 200), back: 70))
        #expect(s.regions.first { $0.region == .spine }?.gradedIndices == 0)
        #expect(s.overallIndex == 1)
    }

    @Test("a region weighted 0 has its index but does not count overall")
    func zeroWeight() throws {
        let s = Fixture.latest(Self.protocolWith(weights: [(.hip, 0), (.spine, 1)]), Self.session(abduction: (130, 200), back: nil))
        #expect(s.regions.first { $0.region == .hip }?.value == 3)
        #expect(s.overallIndex == nil && s.overallGrade == .severe)
    }
}
