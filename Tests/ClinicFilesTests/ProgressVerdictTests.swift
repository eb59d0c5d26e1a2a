@testable import ClinicFiles
import TestSupport
@testable import MuscleBalanceCore
import Testing

/// Progress judged against the minimal detectable change: an amount, by sex and side, or a
/// band of latest / previous; a change exactly at the limit is within it.
@Suite("Progress verdicts and the minimal detectable change")
struct ProgressVerdictTests {
    static let here = SourceLocation(line: 1, element: "measure")
    let scorer: BalanceScorer

    init() throws {
        let p = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        scorer = BalanceScorer(protocol: p)
    }

    func result(_ test: String, _ side: BodySide?, _ value: Double, _ index: Int) -> TestResult {
        TestResult(testID: test, testIndex: index, side: side, trials: [value], unit: .newton, value: value, comparisons: [], noReference: nil)
    }

    func verdict(_ test: String, _ side: BodySide?, _ before: Double, _ now: Double, sex: Sex) throws -> ProgressItem {
        let index = try #require(scorer.balanceProtocol.tests.firstIndex { $0.id == test })
        let items = scorer.progress(from: [result(test, side, before, index)], to: [result(test, side, now, index)], sex: sex)
        return try #require(items.first)
    }

    @Test("an amount: beyond it counts, exactly at it does not (Biering-Sorensen, 43.2 s)")
    func amount() throws {
        #expect(try verdict("trunk-extensor-endurance", nil, 100, 143.2, sex: .male).verdict == .withinMDC)
        #expect(try verdict("trunk-extensor-endurance", nil, 100, 143.3, sex: .male).verdict == .improved)
        #expect(try verdict("trunk-extensor-endurance", nil, 100, 56.7, sex: .male).verdict == .worsened)
    }

    @Test("by sex and side: SLR 8 deg for men, 11 right and 12 left for women")
    func bySexAndSide() throws {
        #expect(try verdict("straight-leg-raise", .left, 50, 59, sex: .male).verdict == .improved)  // +9 > 8
        #expect(try verdict("straight-leg-raise", .left, 50, 59, sex: .female).verdict == .withinMDC)  // +9 <= 12
        #expect(try verdict("straight-leg-raise", .right, 50, 61.5, sex: .female).verdict == .improved)  // +11.5 > 11
        #expect(try verdict("straight-leg-raise", .left, 50, 61.5, sex: .female).mdc == 12)
    }

    @Test("a ratio band: knee extension 145 -> 175 N is 1.207, inside van der Ploeg's 0.82-1.23; 145 -> 180 N is beyond it")
    func ratioBand() throws {
        let within = try verdict("knee-extension-strength", .left, 145, 175, sex: .female)
        #expect(within.verdict == .withinMDC && within.mdc == nil && within.mdcRatioBelow == 0.82 && within.mdcRatioAbove == 1.23 && within.mdcPercent == nil)
        #expect(try verdict("knee-extension-strength", .left, 145, 180, sex: .female).verdict == .improved)  // 1.241 > 1.23
        #expect(try verdict("knee-extension-strength", .left, 145, 118, sex: .female).verdict == .worsened)  // 0.814 < 0.82
    }

    @Test("a percentage: Thorborg's hip figures, abduction 5%, adduction 6%, extension 8%, each either way, with its caveat")
    func percentOfPrevious() throws {
        let abduction = try verdict("hip-abduction-strength", .left, 145, 152.25, sex: .female)  // +7.25 = 5% exactly
        #expect(abduction.verdict == .withinMDC && abduction.mdcPercent == 5 && abduction.mdcRatioBelow == nil && abduction.mdcSources == ["thorborg-2010"])
        #expect(abduction.mdcCaveat == "between-session variation, not an MDC95")
        #expect(try verdict("hip-abduction-strength", .left, 145, 152.3, sex: .female).verdict == .improved)  // +5.03%
        #expect(try verdict("hip-abduction-strength", .left, 145, 137.75, sex: .female).verdict == .withinMDC)  // -5% exactly
        #expect(try verdict("hip-abduction-strength", .left, 145, 137.7, sex: .female).verdict == .worsened)  // -5.03%
        #expect(try verdict("hip-adduction-strength", .right, 100, 106, sex: .male).verdict == .withinMDC)  // 6% exactly
        #expect(try verdict("hip-adduction-strength", .right, 100, 106.1, sex: .male).verdict == .improved)
        #expect(try verdict("hip-extension-strength", .left, 100, 92, sex: .male).verdict == .withinMDC)  // -8% exactly
        #expect(try verdict("hip-extension-strength", .left, 100, 91.9, sex: .male).verdict == .worsened)
        // 145 -> 175 N, +20.7%: the change van der Ploeg's band called measurement error.
        #expect(try verdict("hip-abduction-strength", .left, 145, 175, sex: .female).verdict == .improved)
    }

    @Test("no MDC: not judged; the Thomas knee angle beyond its 4.17 deg")
    func direction() throws {
        #expect(try verdict("trunk-flexor-endurance", nil, 80, 200, sex: .male).verdict == .noMDC)
        // Thomas knee angle is higher-is-better with an MDC of 4.17 deg.
        #expect(try verdict("thomas-knee-angle", .left, 60, 64.2, sex: .male).verdict == .improved)
    }
}
