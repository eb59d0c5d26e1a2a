import ClinicFiles
import Foundation
@testable import MuscleBalance
import MuscleBalanceTestSupport
import TestSupport
import Testing

/// Any protocol that passes validate gives reports a clinic can trust: the default protocol with
/// its figures changed at random (to negative, zero, tiny, huge and unreadable values), and
/// whatever of it is accepted scores a patient into a schema-valid XML report with no NaN or
/// infinity. A broken protocol must be refused, never scored wrong.
@Suite("Protocol properties")
struct ProtocolPropertyTests {
    static let hostileValues = [
        "-1000000", "-144", "-5", "-1", "0", "0.001", "0.5", "1", "7", "30", "100", "1441", "100000", "2147483647",
        "99999999999999999999", "1e3", "-0",
    ]

    @Test("any protocol that passes validate yields schema-valid reports (700 mutated protocols, at least 100 accepted)")
    func acceptedProtocolsScoreCleanly() throws {
        let harness = try #require(RobustnessHarness.forCheckout())
        let text = try String(contentsOfFile: Paths.defaultProtocol, encoding: .utf8)
        // Every attribute whose value is a number: the figures a protocol author types.
        let pattern = try NSRegularExpression(pattern: #"([A-Za-z0-9]+)="(-?[0-9]+(\.[0-9]+)?)""#)
        let ns = text as NSString
        let numbers = pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { $0.range(at: 2) }
        #expect(numbers.count > 300)
        var r = SyntheticClinic.Random(state: 17)
        var accepted = 0
        for iteration in 0..<700 {
            let picks = Set((0..<r.int(1...3)).map { _ in r.int(0...(numbers.count - 1)) }).sorted(by: >)
            let mutated = NSMutableString(string: text)
            for pick in picks {
                // Half hostile, half a plausible slip (the figure scaled), which validate
                // accepts more often: the property needs accepted protocols to bite.
                let original = Double(ns.substring(with: numbers[pick])) ?? 1
                let factor = [0.5, 0.9, 1.1, 1.5, 2][r.int(0...4)]
                let scaled = original * factor
                let value = r.int(0...1) == 0
                    ? Self.hostileValues[r.int(0...(Self.hostileValues.count - 1))]
                    : (scaled == scaled.rounded() && abs(scaled) < 1e9 ? String(Int(scaled)) : String(format: "%.3f", scaled))
                mutated.replaceCharacters(in: numbers[pick], with: value)
            }
            let bytes = Array((mutated as String).utf8)
            let broken = harness.protocolDefinition(bytes)
            if !broken.isEmpty {
                let lines = picks.map { pick in ns.substring(to: numbers[pick].location).split(separator: "\n", omittingEmptySubsequences: false).count }
                Issue.record("mutation \(iteration) (lines \(lines)) was accepted and broke: \(broken)")
            }
            if ProtocolLoader.load(bytes: bytes, url: "mutated.xml", schema: harness.library.protocolSchema).balanceProtocol != nil { accepted += 1 }
        }
        // The property is only as strong as the share of mutations that pass validate.
        #expect(accepted > 100, "\(accepted) of 700 accepted")
    }
}
