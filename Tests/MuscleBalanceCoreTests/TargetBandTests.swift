import MuscleBalanceCore
import Testing

/// `target-band`: a test scored against a band rather than "more is better". The protocol rules
/// hold the band and the direction together, and the band to its source.
@Suite("TargetBand: the band and the direction go together")
struct TargetBandTests {
    static func diagnostics(direction: ScoreDirection, band: TargetBand?) -> [String] {
        let p = Fixture.balanceProtocol(
            groups: [Fixture.group("flexors", .hip)],
            tests: [Fixture.test("thomas", group: "flexors", quality: .flexibility, unit: .degree, direction: direction, targetBand: band)])
        return ProtocolRules.check(p).filter { $0.severity == .error }.map(\.message)
    }

    @Test("a target-band test with its band, min below max, and a source: no error")
    func valid() {
        #expect(Self.diagnostics(direction: .targetBand, band: TargetBand(min: -10, max: 0, sources: Fixture.refs("s"))) == [])
    }

    @Test("target-band with no band is an error")
    func missingBand() {
        #expect(Self.diagnostics(direction: .targetBand, band: nil) == ["test 'thomas' has direction target-band but no <targetBand>; add one with its source"])
    }

    @Test("a band on a test of another direction is an error")
    func wrongDirection() {
        #expect(Self.diagnostics(direction: .lowerIsBetter, band: TargetBand(min: -10, max: 0, sources: Fixture.refs("s")))
            == ["test 'thomas' has a <targetBand> but its direction is lower-is-better; set direction=\"target-band\" or remove the band"])
    }

    @Test("a band that runs backwards, or has no source, is an error")
    func backwardsOrUnsourced() {
        #expect(Self.diagnostics(direction: .targetBand, band: TargetBand(min: 5, max: 5, sources: Fixture.refs("s")))
            == ["target band of 'thomas' runs backwards (min 5 is not below max 5)"])
        #expect(Self.diagnostics(direction: .targetBand, band: TargetBand(min: -10, max: 0, sources: Fixture.refs())).count == 1)
    }
}
