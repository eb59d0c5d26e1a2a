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

    /// Abductors and adductors in the hip, a strength asymmetry graded 10/20/30% (mild,
    /// moderate, severe: 1, 2, 3 points), adduction:abduction acceptable 0.8-1.2 (outside:
    /// moderate, 2 points); with `norms`, each test has a mean/SD norm graded below the 5th
    /// centile (mild).
    static func hipPair(norms: Bool) -> BalanceProtocol {
        var p = Fixture.balanceProtocol(
            groups: [Fixture.group("abductors", .hip), Fixture.group("adductors", .hip)],
            tests: [
                Fixture.test("abduction", group: "abductors", norms: norms ? [Fixture.meanSD(150, 30)] : []),
                Fixture.test("adduction", group: "adductors", norms: norms ? [Fixture.meanSD(150, 30)] : []),
            ],
            asymmetryRules: [Fixture.asymmetryRule(.strength, .percentOfStronger, grades: [(.mild, 10), (.moderate, 20), (.severe, 30)])],
            ratios: [Fixture.ratio("adduction-abduction", "adduction", "abduction", min: 0.8, max: 1.2)])
        if norms {
            let here = Fixture.here
            p.normGrading = NormGrading(thresholds: [.init(grade: .mild, percentileBelow: 5, sources: Fixture.refs("s"), location: here)], note: nil, location: here)
        }
        return p
    }

    static func hipSession(abduction: (Double, Double), adduction: (Double, Double)) -> AssessmentSession {
        Fixture.session("2026-01-05", [
            Fixture.measure("abduction", .left, abduction.0), Fixture.measure("abduction", .right, abduction.1),
            Fixture.measure("adduction", .left, adduction.0), Fixture.measure("adduction", .right, adduction.1),
        ])
    }

    @Test("one weak muscle is not counted twice: a ratio out of range for the weaker side of a graded asymmetry counts once, at the worse grade")
    func weakMuscleOnce() throws {
        // Abduction 100 L, 160 R: (160 - 100) / 160 = 37.5%, severe (3), left weaker. Adduction
        // 150, 152: 1.3%, normal (0). Left ratio 150/100 = 1.5, above 1.2: moderate, the
        // denominator (left abduction) deficient, the asymmetry's weaker side: counted with it.
        // Right 152/160 = 0.95: normal (0). Hip: (3 + 0 + 0) / 3 = 1 (it was (3 + 0 + 2 + 0) / 4).
        let s = Fixture.latest(Self.hipPair(norms: false), Self.hipSession(abduction: (100, 160), adduction: (150, 152)))
        let left = try #require(s.ratios.first { $0.side == .left })
        #expect(left.grade == .moderate && left.deficient == .denominator && left.notCounted == .sameWeakMuscle)
        let hip = try #require(s.regions.first { $0.region == .hip })
        #expect(hip.gradedIndices == 3 && hip.value == 1)
        // The finding is still reported.
        #expect(s.findings.contains { $0.text.contains("adduction-abduction") }, "\(s.findings.map(\.text))")
        // A ratio out of range on the side the asymmetry does not name counts on its own:
        // abduction 160 L, 100 R (right weaker) and the same adduction: left 150/160 = 0.94
        // normal, right 152/100 = 1.52 moderate with right abduction deficient: counted once.
        let mirrored = Fixture.latest(Self.hipPair(norms: false), Self.hipSession(abduction: (160, 100), adduction: (150, 152)))
        #expect(mirrored.regions.first { $0.region == .hip }?.value == 1)
        // Below the range the numerator is deficient: adduction 90 L, 150 R is 40%, severe (3),
        // left weaker; left ratio 90/150 = 0.6, moderate (2), its left adduction the same weak
        // muscle: once, severe. Abduction 150/150: 0%. Right 150/150 = 1.0: normal.
        // Hip: (0 + 3 + 0) / 3 = 1.
        let other = Fixture.latest(Self.hipPair(norms: false), Self.hipSession(abduction: (150, 150), adduction: (90, 150)))
        #expect(other.regions.first { $0.region == .hip }?.gradedIndices == 3)
        #expect(other.regions.first { $0.region == .hip }?.value == 1)
    }

    @Test("a ratio whose muscles are both within their own norms is reported and adds nothing to the index")
    func ratioWithinNorms() throws {
        // Norms 150 (30): 200 L / 210 R abduction and 150 / 152 adduction are all above the 5th
        // centile (100.65): graded normal. Left ratio 150/200 = 0.75, below 0.8: moderate, but
        // both muscles within their norms, so it adds nothing; right 152/210 = 0.724, the same.
        // Hip: 4 results (0) + 2 asymmetries (4.8% and 1.3%: 0) = 0 over 6.
        let s = Fixture.latest(Self.hipPair(norms: true), Self.hipSession(abduction: (200, 210), adduction: (150, 152)))
        #expect(s.ratios.allSatisfy { $0.grade == .moderate && $0.notCounted == .withinOwnNorms })
        #expect(s.results.allSatisfy { $0.grade == .normal })
        let hip = try #require(s.regions.first { $0.region == .hip })
        #expect(hip.gradedIndices == 6 && hip.value == 0)
        #expect(s.findings.contains { $0.text.contains("adduction-abduction") })
        // One muscle below its norm (adduction 90 on the left, under 150 - 1.645 x 30 = 100.65:
        // mild, 1). Its asymmetry (152 - 90) / 152 = 40.8% is severe (3), left weaker; the left
        // ratio 90/200 = 0.45 (moderate) blames that same left adductor: counted once, with the
        // asymmetry. The right ratio (152/210) is between two muscles within their norms: not
        // counted. Hip: results 0 + 0 + 1 + 0, asymmetries 0 (abduction 4.8%) and 3: 4 / 6.
        let weak = Fixture.latest(Self.hipPair(norms: true), Self.hipSession(abduction: (200, 210), adduction: (90, 152)))
        let weakHip = try #require(weak.regions.first { $0.region == .hip })
        #expect(weakHip.gradedIndices == 6)
        #expect(abs((weakHip.value ?? 0) - 4.0 / 6.0) < 1e-12)
    }
}
