@testable import ClinicFiles
import MuscleBalanceCore
import TestSupport
import Testing

/// Values placed exactly on every threshold of the default protocol, as a clinic would type
/// them, are judged as README says: a grade threshold is "at least", an acceptable range's
/// min and max are inside and its above and below outside, a change of exactly the minimal
/// detectable change is within it. Generated from the protocol: each threshold's decimal is
/// multiplied out in integers, so the readings are exact decimals whose computed figure lands
/// on the threshold, whatever binary arithmetic makes of it (issue 26; `SettledFigure`).
@Suite("Values exactly on every threshold")
struct ThresholdBoundaryTests {
    static let p = AdjunctScreeningTests.defaultProtocol
    static let here = SourceLocation(line: 1, element: "measure")
    /// Readings to build on, as written (tenths): 63, 70.7, 123.4, 99.9, 56.3, 110.
    static let bases = [630, 707, 1234, 999, 563, 1100]

    /// A decimal as integer digits and a count of decimal places: "0.47" -> (47, 2).
    static func digits(_ x: Double) -> (Int, Int) {
        let text = "\(x)"
        guard let dot = text.firstIndex(of: ".") else { return (Int(text) ?? 0, 0) }
        let fraction = text[text.index(after: dot)...]
        let places = fraction == "0" ? 0 : fraction.count
        return (Int(text.replacingOccurrences(of: ".", with: "").dropLast(fraction == "0" ? 1 : 0)) ?? 0, places)
    }

    /// `units` / 10^`places` read as a clinic file's reading is: parsed from its decimal text.
    static func reading(_ units: Int, _ places: Int) -> Double {
        var text = String(abs(units))
        while text.count <= places { text = "0" + text }
        if places > 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -places)) }
        return Double((units < 0 ? "-" : "") + text)!
    }

    static func power(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }

    static func measure(_ test: TestDefinition, _ side: BodySide?, _ value: Double) -> Measure {
        Measure(test: test.id, side: side, unit: test.unit, unitText: test.unit.rawValue, value: value, trials: [], note: nil, location: here)
    }

    static func score(_ sessions: [[Measure]], sex: Sex = .male) throws -> PatientScore {
        let patient = Patient(
            id: "B", sex: sex, birthDate: CivilDate("1990-01-01"), bodyMassKg: 80, heightCm: 180, conditions: [],
            sessions: sessions.enumerated().map { i, measures in
                let date = CivilDate("2026-10-01")!.adding(days: 28 * i)
                return AssessmentSession(date: date, dateText: date.description, assessor: nil, bloodPressure: nil, screened: date, measures: measures, location: here)
            },
            location: here)
        return BalanceScorer(protocol: p).score(patient)
    }

    @Test("an asymmetry exactly on each grade threshold takes that grade; a thousandth less, the grade below")
    func asymmetryThresholds() throws {
        var checked = 0
        for rule in Self.p.asymmetryRules where rule.formula == .percentOfStronger {
            for test in Self.p.tests where test.quality == rule.quality && test.sides == .bilateral && test.direction == .higherIsBetter {
                for (g, threshold) in rule.grades.enumerated() {
                    let (t, places) = Self.digits(threshold.atLeast)
                    for a in Self.bases {
                        // weak = a/10 x (100 - t) / 100, exactly: integer digits over 10^(3 + places).
                        let scale = 3 + places
                        let weakUnits = a * (100 * Self.power(places) - t)
                        let strong = Self.reading(a, 1), weak = Self.reading(weakUnits, scale)
                        guard test.plausibleRange.contains(weak), test.plausibleRange.contains(strong) else { continue }
                        let on = try #require(Self.score([[Self.measure(test, .left, weak), Self.measure(test, .right, strong)]]).sessions.last)
                        let asymmetry = try #require(on.asymmetries.first { $0.testID == test.id })
                        #expect(asymmetry.grade == threshold.grade, "\(test.id): \(strong) vs \(weak) is \(threshold.atLeast)% exactly")
                        // A thousandth of a unit more on the weak side: just under the threshold.
                        let closer = Self.reading(weakUnits + Self.power(scale - 3), scale)
                        let under = try #require(Self.score([[Self.measure(test, .left, closer), Self.measure(test, .right, strong)]]).sessions.last)
                        let below = g == 0 ? Grade.normal : rule.grades[g - 1].grade
                        #expect(under.asymmetries.first { $0.testID == test.id }?.grade == below, "\(test.id): \(strong) vs \(closer)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked >= 20)
    }

    @Test("a ratio exactly on each bound of its acceptable range: min and max inside, above and below outside")
    func ratioBounds() throws {
        var checked = 0
        for ratio in Self.p.ratios {
            guard let range = ratio.acceptable, let numerator = Self.p.tests.first(where: { $0.id == ratio.numerator }),
                  let denominator = Self.p.tests.first(where: { $0.id == ratio.denominator }), numerator.id != denominator.id
            else { continue }
            let bounds: [(Double, Bool)] = [range.min.map { ($0, true) }, range.max.map { ($0, true) }, range.above.map { ($0, false) }, range.below.map { ($0, false) }].compactMap { $0 }
            for (bound, inside) in bounds {
                let (b, places) = Self.digits(bound)
                for a in Self.bases {
                    let d = Self.reading(a, 1), n = Self.reading(a * b, 1 + places)
                    guard numerator.plausibleRange.contains(n), denominator.plausibleRange.contains(d) else { continue }
                    func sides(_ test: TestDefinition, _ value: Double) -> [Measure] {
                        test.sides == .bilateral ? [Self.measure(test, .left, value), Self.measure(test, .right, value)] : [Self.measure(test, nil, value)]
                    }
                    let s = try #require(Self.score([sides(numerator, n) + sides(denominator, d)]).sessions.last)
                    let results = s.ratios.filter { $0.ratioID == ratio.id }
                    #expect(!results.isEmpty, "\(ratio.id)")
                    for r in results {
                        #expect((r.grade == .normal) == inside, "\(ratio.id): \(n) / \(d) = \(bound) exactly is \(inside ? "inside" : "outside")")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked >= 12)
    }

    @Test("a change of exactly the minimal detectable change is within it; a tenth more is beyond")
    func mdcBoundaries() throws {
        var checked = 0
        for test in Self.p.tests {
            guard let mdc = test.minimalDetectableChange(sex: .male, side: test.sides == .bilateral ? .left : nil) else { continue }
            let side: BodySide? = test.sides == .bilateral ? .left : nil
            for a in Self.bases {
                let before = Self.reading(a, 1)
                var cases: [(Double, ProgressItem.Verdict?)] = []
                if let value = mdc.value {
                    let (m, places) = Self.digits(value)
                    let b = a * Self.power(places)
                    cases.append((Self.reading(b - 10 * m, 1 + places), .withinMDC))
                    cases.append((Self.reading(b + 10 * m, 1 + places), .withinMDC))
                    cases.append((Self.reading(b - 10 * m - Self.power(places), 1 + places), nil))
                } else if let percent = mdc.percent {
                    // before x (100 +- p) / 100, written out: exactly p% either way is within it;
                    // one more in the last place of p% beyond.
                    let (m, places) = Self.digits(percent)
                    let hundred = 100 * Self.power(places)
                    cases.append((Self.reading(a * (hundred + m), 3 + places), .withinMDC))
                    cases.append((Self.reading(a * (hundred - m), 3 + places), .withinMDC))
                    cases.append((Self.reading(a * (hundred + m + 1), 3 + places), nil))
                    cases.append((Self.reading(a * (hundred - m - 1), 3 + places), nil))
                } else if let above = mdc.ratioAbove, let belowRatio = mdc.ratioBelow {
                    for bound in [above, belowRatio] {
                        let (r, places) = Self.digits(bound)
                        cases.append((Self.reading(a * r, 1 + places), .withinMDC))
                    }
                    let (r, places) = Self.digits(above)
                    cases.append((Self.reading(a * (r + 1), 1 + places), nil))
                }
                for (after, expected) in cases {
                    guard test.plausibleRange.contains(before), test.plausibleRange.contains(after) else { continue }
                    let scored = try Self.score([[Self.measure(test, side, before)], [Self.measure(test, side, after)]])
                    let item = try #require(scored.sessions.last?.progress.first { $0.testID == test.id })
                    if let expected {
                        #expect(item.verdict == expected, "\(test.id): \(before) -> \(after), MDC \(mdc)")
                    } else {
                        #expect(item.verdict == .improved || item.verdict == .worsened, "\(test.id): \(before) -> \(after), MDC \(mdc)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked >= 20)
    }

    @Test("the review's cases by value")
    func reviewCases() throws {
        let abduction = try #require(Self.p.tests.first { $0.id == "hip-abduction-strength" })
        let s = try #require(Self.score([[Self.measure(abduction, .left, 56.7), Self.measure(abduction, .right, 63)]]).sessions.last)
        #expect(s.asymmetries.first { $0.testID == abduction.id }?.grade == .mild, "63 vs 56.7 N is 10% exactly")
        let slr = try #require(Self.p.tests.first { $0.id == "straight-leg-raise" })
        // A woman's left side: the MDC is 12 deg.
        let change = try Self.score([[Self.measure(slr, .left, 72.9)], [Self.measure(slr, .left, 60.9)]], sex: .female)
        #expect(change.sessions.last?.progress.first { $0.testID == slr.id }?.verdict == .withinMDC)
        let knee = try #require(Self.p.tests.first { $0.id == "knee-extension-strength" })
        let ratio = try Self.score([[Self.measure(knee, .left, 110)], [Self.measure(knee, .left, 135.3)]])
        #expect(ratio.sessions.last?.progress.first { $0.testID == knee.id }?.verdict == .withinMDC, "110 -> 135.3 is x1.23 exactly")
        // Thorborg's 5% for hip abduction: 140 -> 147 is 5% exactly (7 / 140 x 100 is
        // 5.000000000000001 in binary), within it; 140 -> 147.1 beyond.
        let percent = try Self.score([[Self.measure(abduction, .left, 140)], [Self.measure(abduction, .left, 147)]])
        #expect(percent.sessions.last?.progress.first { $0.testID == abduction.id }?.verdict == .withinMDC, "140 -> 147 is 5% exactly")
        let beyond = try Self.score([[Self.measure(abduction, .left, 140)], [Self.measure(abduction, .left, 147.1)]])
        #expect(beyond.sessions.last?.progress.first { $0.testID == abduction.id }?.verdict == .improved)
    }
}
