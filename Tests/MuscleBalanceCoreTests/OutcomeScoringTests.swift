import MuscleBalanceCore
import Testing

/// The worked examples of issue 30, every number by hand, on the instruments as the default
/// protocol defines them (clinical-reference.md, "Patient-reported outcomes").
@Suite("Outcome scoring")
struct OutcomeScoringTests {
    static let here = SourceLocation(line: 1, element: "instrument")
    static func cite(_ id: String) -> SourceReferences { SourceReferences(ids: [id], location: here) }

    static let odi = OutcomeInstrument(
        id: "odi", name: "Oswestry Disability Index", version: "2.1a", copyright: "(c) Jeremy Fairbank 1980. All Rights Reserved.",
        method: .percentOfAnswered, direction: .lowerIsBetter, range: 0...100, items: Array(repeating: 0...5, count: 10), minimumAnswered: 9,
        acceptsTotal: true, decimals: 1,
        bands: [.init(upTo: 20, label: "minimal", sources: cite("fairbank-2000")), .init(upTo: 40, label: "moderate", sources: cite("fairbank-2000"))],
        change: OutcomeChangeRule(kind: .minimalImportant, amount: 10, percentOfBaseline: 30, sources: cite("ostelo-2008")), sources: cite("fairbank-2000"), location: here)
    static let nprs = OutcomeInstrument(
        id: "nprs", name: "Pain NRS", method: .value, direction: .lowerIsBetter, range: 0...10,
        change: OutcomeChangeRule(kind: .minimalImportant, amount: 2, percentOfBaseline: 30, sources: cite("ostelo-2008")),
        recovered: RecoveredRule(atMost: 0, sources: cite("kamper-2010")), sources: cite("ostelo-2008"), location: here)
    static let rmdq = OutcomeInstrument(
        id: "rmdq", name: "Roland-Morris", method: .sum, direction: .lowerIsBetter, range: 0...24, items: Array(repeating: 0...1, count: 24),
        change: OutcomeChangeRule(kind: .minimalImportant, amount: 5, percentOfBaseline: 30, sources: cite("ostelo-2008")),
        recovered: RecoveredRule(atMost: 2, sources: cite("kamper-2010")), sources: cite("roland"), location: here)
    static let psfs = OutcomeInstrument(
        id: "psfs", name: "Patient-Specific Functional Scale", method: .mean, direction: .higherIsBetter, range: 0...10, activities: 1...5,
        activityRange: 0...10, decimals: 1, change: OutcomeChangeRule(kind: .detectable, amount: 2, sources: cite("stratford-1995")),
        sources: cite("stratford-1995"), location: here)
    static let startBack = OutcomeInstrument(
        id: "start-back", name: "Keele STarT Back", method: .stratification, direction: .lowerIsBetter, range: 0...9,
        items: Array(repeating: 0...1, count: 8) + [0...4],
        stratification: StratificationRule(subscale: 5...9, positiveFrom: [9: 3], highFrom: 4, lowUpTo: 3, sources: cite("hill-2008")),
        sources: cite("hill-2008"), location: here)

    static func items(_ text: String) -> [Int?] { text.split(separator: " ").map { Int($0) } }
    static func entry(_ instrument: String, items text: String) -> OutcomeEntry { OutcomeEntry(instrument: instrument, items: items(text), location: here) }

    @Test("ODI: 2 1 3 0 2 1 1 2 3 1 is 16 of 50, 32.0; one section unanswered 16 of 45, 35.6 (35.555... half up); too few answered is not scored")
    func oswestry() {
        let full = OutcomeScoring.score(Self.entry("odi", items: "2 1 3 0 2 1 1 2 3 1"), by: Self.odi)
        #expect(full.score == 32.0 && full.answered == 10 && full.band == "moderate")
        let missing = OutcomeScoring.score(Self.entry("odi", items: "2 1 3 0 2 1 1 - 3 3"), by: Self.odi)
        #expect(missing.score == 35.6 && missing.answered == 9)
        let few = OutcomeScoring.score(Self.entry("odi", items: "2 1 - 0 2 - 1 - 3 3"), by: Self.odi)
        #expect(few.score == nil && few.notScored == "7 of 10 items answered; the protocol scores Oswestry Disability Index from 9 answered")
        // Exactly on a band's edge: 10 of 50 is 20.0, "minimal" (up to and including 20).
        #expect(OutcomeScoring.score(Self.entry("odi", items: "1 1 1 1 1 1 1 1 1 1"), by: Self.odi).band == "minimal")
        // A total from the clinic's own form, where the protocol allows one.
        let total = OutcomeScoring.score(OutcomeEntry(instrument: "odi", value: 40, valueText: "40", location: Self.here), by: Self.odi)
        #expect(total.score == 40 && total.enteredAsTotal)
    }

    @Test("STarT Back: 1 0 1 1 0 1 0 0 3 total 5 subscale 2 medium; 1 1 1 1 1 1 1 0 4 subscale 4 high; 0 0 0 1 0 0 0 0 0 total 1 low")
    func startBack() {
        let medium = OutcomeScoring.score(Self.entry("start-back", items: "1 0 1 1 0 1 0 0 3"), by: Self.startBack)
        #expect(medium.score == 5 && medium.subscale == 2 && medium.risk == .medium)
        let high = OutcomeScoring.score(Self.entry("start-back", items: "1 1 1 1 1 1 1 0 4"), by: Self.startBack)
        #expect(high.subscale == 4 && high.risk == .high && high.score == 8)
        let low = OutcomeScoring.score(Self.entry("start-back", items: "0 0 0 1 0 0 0 0 0"), by: Self.startBack)
        #expect(low.score == 1 && low.subscale == 0 && low.risk == .low)
        // Item 9 counts from "very much" (3): at "moderately" (2) the subscale is 3 and the total
        // 3, low; at 3 the subscale is 4, high.
        #expect(OutcomeScoring.score(Self.entry("start-back", items: "0 0 0 0 1 1 1 0 2"), by: Self.startBack).risk == .low)
        #expect(OutcomeScoring.score(Self.entry("start-back", items: "0 0 0 0 1 1 1 0 3"), by: Self.startBack).risk == .high)
        // A stratification, not a change score: the groups are shown, no verdict.
        #expect(OutcomeScoring.change(from: medium, to: low, by: Self.startBack)?.verdict == .noRule)
    }

    @Test("PSFS: activities 4 and 2 are 3.0; 6 and 5 a visit later 5.5, a change of 2.5 beyond the detectable change of 2; exactly 2 is within it")
    func patientSpecific() {
        let first = OutcomeScoring.score(OutcomeEntry(instrument: "psfs", activities: [.init(name: "sitting 1 hour", score: 4), .init(name: "lifting a child", score: 2)], location: Self.here), by: Self.psfs)
        let later = OutcomeScoring.score(OutcomeEntry(instrument: "psfs", activities: [.init(name: "sitting 1 hour", score: 6), .init(name: "lifting a child", score: 5)], location: Self.here), by: Self.psfs)
        #expect(first.score == 3.0 && later.score == 5.5)
        let change = OutcomeScoring.change(from: first, to: later, by: Self.psfs)
        #expect(change?.change == 2.5 && change?.verdict == .improved)
        let two = OutcomeScoring.score(OutcomeEntry(instrument: "psfs", activities: [.init(name: "a", score: 5), .init(name: "b", score: 5)], location: Self.here), by: Self.psfs)
        #expect(OutcomeScoring.change(from: first, to: two, by: Self.psfs)?.verdict == .withinChange)
    }

    @Test("NPRS 6 -> 2 improved (4 points >= 2, 66.7% >= 30%); ODI 40 -> 32 within (8 < 10); NRS 0 and RMDQ 2 recovered")
    func change() {
        let six = OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 6, valueText: "6", location: Self.here), by: Self.nprs)
        let two = OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 2, valueText: "2", location: Self.here), by: Self.nprs)
        let pain = OutcomeScoring.change(from: six, to: two, by: Self.nprs)
        #expect(pain?.change == -4 && pain?.verdict == .improved)
        #expect(abs((pain?.percentImproved ?? 0) - 66.666666667) < 1e-6)
        // 2 points exactly is the minimal important change; 3 -> 1 is also 67%.
        let three = OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 3, location: Self.here), by: Self.nprs)
        let one = OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 1, location: Self.here), by: Self.nprs)
        #expect(OutcomeScoring.change(from: three, to: one, by: Self.nprs)?.verdict == .improved)
        // 9 -> 7 is 2 points but 22%: short of the 30% of baseline, within.
        let nine = OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 9, location: Self.here), by: Self.nprs)
        let seven = OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 7, location: Self.here), by: Self.nprs)
        #expect(OutcomeScoring.change(from: nine, to: seven, by: Self.nprs)?.verdict == .withinChange)
        // Worse by the amount alone: 2 -> 4.
        #expect(OutcomeScoring.change(from: two, to: OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 4, location: Self.here), by: Self.nprs), by: Self.nprs)?.verdict == .worsened)
        let forty = OutcomeScoring.score(OutcomeEntry(instrument: "odi", value: 40, location: Self.here), by: Self.odi)
        let thirtyTwo = OutcomeScoring.score(Self.entry("odi", items: "2 1 3 0 2 1 1 2 3 1"), by: Self.odi)
        #expect(OutcomeScoring.change(from: forty, to: thirtyTwo, by: Self.odi)?.verdict == .withinChange)
        #expect(OutcomeScoring.score(OutcomeEntry(instrument: "nprs", value: 0, location: Self.here), by: Self.nprs).recovered == true)
        #expect(two.recovered == false)
        let rmdq = OutcomeScoring.score(Self.entry("rmdq", items: "1 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), by: Self.rmdq)
        #expect(rmdq.score == 2 && rmdq.recovered == true)
        let rmdqFull = OutcomeScoring.score(Self.entry("rmdq", items: "1 0 1 1 0 0 1 0 0 1 0 0 0 1 0 0 0 0 1 0 0 0 0 0"), by: Self.rmdq)
        #expect(rmdqFull.score == 7 && rmdqFull.recovered == false)
    }
}
