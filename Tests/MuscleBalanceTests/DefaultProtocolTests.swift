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
        // Alvarenga 2019 abductors: 16.85 [16.03-17.66] %BW, n = 52.
        // SD = (17.66 - 16.03) / (2 x 1.96) x sqrt(52) = 0.4158163 x 7.2111026 = 2.9984942
        let abduction = try #require(p.test("hip-abduction-strength")?.norms.first)
        guard case .meanSD(let m) = abduction.kind else { Issue.record("not mean/SD"); return }
        #expect(m.mean == 16.85)
        #expect(abs(try #require(m.standardDeviation) - 2.9984942) < 0.0000001)
        #expect(abduction.unit == .percentOfBodyWeight)
        #expect(abduction.stratum == NormStratum(sex: .female, ageMin: 20, ageMax: 29))
        // McGill 1999 set A, men's extensor 146 (51) s; Biering-Sorensen MDC 43.2 s.
        let extensor = try #require(p.test("trunk-extensor-endurance"))
        #expect(extensor.norms.contains { $0.kind == .meanSD(MeanSD(mean: 146, spread: .sd(51))) && $0.stratum.sex == .male })
        #expect(extensor.minimalDetectableChange?.value == 43.2)
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
        #expect(p.test("hip-abduction-strength")?.norms.contains { $0.stratum.sex == .male } == false)
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
