import TestSupport
@testable import ClinicFiles
import MuscleBalance
import MuscleBalanceCore
import Testing

/// The bundled protocol and example: valid, and holding the figures of the reference tables.
@Suite("Bundled protocol and example")
struct DefaultProtocolTests {
    let loaded = ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema)

    @Test("the default protocol validates without a single diagnostic")
    func validates() {
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.balanceProtocol?.id == "lumbopelvic-balance")
    }

    @Test("the example clinic file validates (warnings only: strata with no norm)")
    func exampleValidates() {
        let result = FileValidator(library: sharedLibrary, today: testToday).validate(path: Paths.example)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        #expect(result.patients == 3)
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning && $0.message.contains("modified-schober") })
    }

    @Test("the fixed test ids of the brief are all there, with their sides and units")
    func testIDs() throws {
        let p = try #require(loaded.balanceProtocol)
        let expected: [(String, TestSides, MeasurementUnit)] = [
            ("hip-abduction-strength", .bilateral, .newton), ("hip-adduction-strength", .bilateral, .newton),
            ("hip-extension-strength", .bilateral, .newton), ("hip-flexion-strength", .bilateral, .newton),
            ("knee-extension-strength", .bilateral, .newton), ("knee-flexion-strength", .bilateral, .newton),
            ("trunk-flexor-endurance", .midline, .second), ("trunk-extensor-endurance", .midline, .second),
            ("side-bridge-endurance", .bilateral, .second), ("thomas-hip-angle", .bilateral, .degree),
            ("thomas-knee-angle", .bilateral, .degree), ("straight-leg-raise", .bilateral, .degree),
            ("ober-angle", .bilateral, .degree), ("sit-and-reach", .midline, .centimetre),
            ("modified-schober", .midline, .centimetre),
        ]
        #expect(p.tests.map(\.id) == expected.map(\.0))
        for (id, sides, unit) in expected {
            #expect(p.test(id)?.sides == sides, "\(id)")
            #expect(p.test(id)?.unit == unit, "\(id)")
        }
    }

    @Test("figures are the published ones (norms-tables.md)")
    func figures() throws {
        let p = try #require(loaded.balanceProtocol)
        // Alvarenga 2019 adductors: 16.89 [16.11-17.68] %BW, n = 52.
        // SD = (17.68 - 16.11) / (2 x 1.96) x sqrt(52) = 0.4005102 x 7.2111026 = 2.8881202
        let adduction = try #require(p.test("hip-adduction-strength")?.norms.first)
        guard case .meanSD(let m) = adduction.kind else { Issue.record("not mean/SD"); return }
        #expect(m.mean == 16.89)
        #expect(abs(try #require(m.standardDeviation) - 2.8881202) < 0.0000001)
        #expect(adduction.unit == .percentOfBodyWeight)
        #expect(adduction.stratum == NormStratum(sex: .female, ageMin: 20, ageMax: 29))
        // McKay 2017 (code transcription), hip abduction in N by sex, 20-59 and 60+.
        let abduction = try #require(p.test("hip-abduction-strength"))
        #expect(abduction.norms.count == 4)
        #expect(abduction.norms.contains { $0.kind == .meanSD(MeanSD(mean: 170.7, spread: .sd(43.9))) && $0.stratum == NormStratum(sex: .male, ageMin: 20, ageMax: 59) })
        #expect(abduction.norms.contains { $0.kind == .meanSD(MeanSD(mean: 83.8, spread: .sd(23.5))) && $0.stratum == NormStratum(sex: .female, ageMin: 60, ageMax: nil) })
        #expect(abduction.norms.allSatisfy { $0.sources.ids == ["mckay-2017"] && $0.unit == .absolute(.newton) })
        #expect(p.source("mckay-2017")?.kind == .code)
        // Mbada 2009, Biering-Sorensen men 21-62 119 (49.8) s; MDC 43.2 s (Shirley Ryan AbilityLab).
        let extensor = try #require(p.test("trunk-extensor-endurance"))
        #expect(extensor.norms.contains { $0.kind == .meanSD(MeanSD(mean: 119, spread: .sd(49.8))) && $0.stratum == NormStratum(sex: .male, ageMin: 21, ageMax: 62) })
        #expect(extensor.minimalDetectableChange(sex: .male, side: nil)?.value == 43.2)
        // The Norwegian cohort's static back extension, women 65-69: 73.4 (58.1-88.6) s, n = 36:
        // SD = (88.6 - 58.1) / (2 x 1.96) x sqrt(36) = 46.683673. Ages 63-64 lie between the
        // two cohorts and are left without a norm, not bridged.
        let older = try #require(extensor.norms.first { $0.stratum == NormStratum(sex: .female, ageMin: 65, ageMax: 69) })
        guard case .meanSD(let o) = older.kind else { Issue.record("not mean/SD"); return }
        #expect(abs(try #require(o.standardDeviation) - 46.683673) < 0.000001)
        #expect(older.sources.ids == ["norway-2016-older-adults"])
        #expect(!extensor.norms.contains { $0.stratum.covers(sex: .female, age: 63, side: nil) && $0.kind.name == "meanSD" })
        #expect(extensor.minimalDetectableChanges.first?.sources.ids == ["sralab-sorensen"])
        // Janik 2021, trunk flexors women 20-59 120.0 (67.8) s.
        #expect(p.test("trunk-flexor-endurance")?.norms.contains { $0.kind == .meanSD(MeanSD(mean: 120, spread: .sd(67.8))) && $0.stratum.sex == .female } == true)
        // SLR MDC by sex and side (J Sports Sci Med 2009): men 8, women right 11, left 12 deg.
        let slr = try #require(p.test("straight-leg-raise"))
        #expect(slr.minimalDetectableChange(sex: .male, side: .left)?.value == 8)
        #expect(slr.minimalDetectableChange(sex: .female, side: .right)?.value == 11)
        #expect(slr.minimalDetectableChange(sex: .female, side: .left)?.value == 12)
        // Hip dynamometry: Thorborg 2010's between-session variation per muscle group
        // (abduction and flexion under 5%, adduction under 6%, extension under 8%); the knee,
        // which it did not measure: van der Ploeg's week-to-week band 0.82-1.23.
        for (id, percent) in [("hip-abduction-strength", 5.0), ("hip-adduction-strength", 6), ("hip-extension-strength", 8), ("hip-flexion-strength", 5)] {
            let hip = try #require(p.test(id)?.minimalDetectableChange(sex: .female, side: .left))
            #expect(hip.percent == percent && hip.measure == .variation && hip.sources.ids == ["thorborg-2010"] && hip.value == nil && hip.ratioBelow == nil, "\(id)")
        }
        let hhd = try #require(p.test("knee-extension-strength")?.minimalDetectableChange(sex: .female, side: .left))
        #expect(hhd.value == nil && hhd.ratioBelow == 0.82 && hhd.ratioAbove == 1.23 && hhd.sources.ids == ["van-der-ploeg-1991"])
        // The lower reference limit: the 5th centile (van der Ploeg 1991).
        #expect(p.normGrading?.thresholds.map { ($0.grade, $0.percentileBelow) }.first.map { $0 == (.mild, 5) } == true)
        // McGill's three ratio criteria.
        #expect(p.ratios.first { $0.id == "mcgill-flexion-extension" }?.acceptable?.below == 1.0)
        #expect(p.ratios.first { $0.id == "mcgill-side-bridge-right-left" }?.acceptable.map { ($0.min, $0.max) } ?? (nil, nil) == (0.95, 1.05))
        #expect(p.ratios.first { $0.id == "mcgill-side-bridge-extension" }?.acceptable?.below == 0.75)
        // Inversion: 140/90.
        #expect(p.adjuncts.first { $0.id == "inversion-table" }?.bloodPressureLimit.map { [$0.systolic, $0.diastolic] } == [140, 90])
    }

    @Test("strata with no published figure are left out, not invented")
    func noInventedNorms() throws {
        let p = try #require(loaded.balanceProtocol)
        #expect(p.test("knee-extension-strength")?.norms.isEmpty == true)
        #expect(p.test("knee-flexion-strength")?.norms.isEmpty == true)
        #expect(p.test("straight-leg-raise")?.norms.allSatisfy { $0.stratum.sex == .male } == true)
        #expect(p.ratios.first { $0.id == "hip-flexion-extension" }?.acceptable == nil)
        // Hip adduction, extension and flexion: Alvarenga's women 20-29 only.
        for id in ["hip-adduction-strength", "hip-extension-strength", "hip-flexion-strength"] {
            #expect(p.test(id)?.norms.map(\.stratum) == [NormStratum(sex: .female, ageMin: 20, ageMax: 29)], "\(id)")
        }
    }

    @Test("every source the protocol cites is defined, and every figure cites one")
    func sourcesEverywhere() throws {
        let p = try #require(loaded.balanceProtocol)
        for test in p.tests {
            for norm in test.norms {
                #expect(!norm.sources.isEmpty, "\(test.id) \(norm.stratum.label)")
                for id in norm.sources.ids { #expect(p.source(id) != nil, "\(id)") }
            }
        }
    }
}
