import MuscleBalanceCore
import Testing

/// The protocol rules for conditions and the screen that a schema cannot state (issue 26): a
/// category safer than its members is said; a synonym names one condition; `none` is reserved;
/// a time limit and the user limits need their source and a figure.
@Suite("Condition rules of a protocol")
struct ConditionRulesTests {
    static let here = Fixture.here

    static func protocolWith(_ conditions: [ScreeningCondition], adjunct contraindications: [(String, Contraindication.Kind)], userLimits: UserLimits? = nil) -> BalanceProtocol {
        var p = Fixture.balanceProtocol(groups: [Fixture.group("g", .hip)], tests: [Fixture.test("t", group: "g")])
        p.conditions = conditions
        p.adjuncts = [AdjunctTherapy(
            id: "table", name: "Table", evidence: "", alongsideExercise: true,
            contraindications: contraindications.map { Contraindication(condition: $0.0, kind: $0.1, sources: Fixture.refs("s"), location: here) },
            bloodPressureLimit: nil, userLimits: userLimits,
            dose: DoseLimits(startMinutes: nil, maxMinutesPerSession: nil, maxMinutesPerDay: nil, maxSessionsPerWeek: nil, sources: SourceReferences(ids: [], location: here), location: here),
            cautions: [], sources: Fixture.refs("s"), location: here)]
        return p
    }

    static let heart = [
        ScreeningCondition(code: "heart-disease", label: "Heart disease", location: here),
        ScreeningCondition(code: "heart-failure", label: "Heart failure", within: ["heart-disease"], synonyms: ["chf"], location: here),
    ]

    @Test("a category its list does not name, though it names a member, is warned about; named, it is not")
    func categorySaferThanMembers() {
        let unsafe = ProtocolRules.check(Self.protocolWith(Self.heart, adjunct: [("heart-failure", .absolute)]))
        #expect(unsafe.count == 1)
        #expect(unsafe.first?.severity == .warning)
        #expect(unsafe.first?.message.contains("names heart-failure but not the category 'heart-disease'") == true, "\(unsafe)")
        #expect(ProtocolRules.check(Self.protocolWith(Self.heart, adjunct: [("heart-failure", .absolute), ("heart-disease", .relative)])).isEmpty)
    }

    @Test("a synonym naming two conditions, or 'none' as a code or synonym, is an error")
    func words() {
        var clash = Self.heart
        clash[0].synonyms = ["CHF"]
        let found = ProtocolRules.check(Self.protocolWith(clash, adjunct: [("heart-disease", .absolute)]))
        #expect(found.contains { $0.severity == .error && $0.message.contains("already names") }, "\(found)")
        var none = Self.heart
        none[0].synonyms = ["None"]
        #expect(ProtocolRules.check(Self.protocolWith(none, adjunct: [("heart-disease", .absolute)])).contains { $0.message.contains("reserved") })
    }

    @Test("a time limit needs a source; user limits need a figure and a source")
    func limits() {
        var timed = Self.heart
        timed[1].lasts = ConditionDuration(amount: 12, unit: .weeks, sources: SourceReferences(ids: [], location: Self.here))
        let unsourced = ProtocolRules.check(Self.protocolWith(timed, adjunct: [("heart-disease", .absolute)]))
        #expect(unsourced.contains { $0.severity == .error && $0.message.contains("how long condition 'heart-failure' lasts (12 weeks)") }, "\(unsourced)")
        let empty = UserLimits(heightCmMax: nil, bodyMassKgMax: nil, sources: Fixture.refs("s"), location: Self.here)
        #expect(ProtocolRules.check(Self.protocolWith(Self.heart, adjunct: [("heart-disease", .absolute)], userLimits: empty)).contains { $0.message.contains("give no figure") })
    }

    @Test("a span in weeks or months ends on its last day, a short month taking its last day")
    func spans() {
        let refs = Fixture.refs("s")
        #expect(ConditionDuration(amount: 12, unit: .weeks, sources: refs).lastDay(from: CivilDate("2026-01-01")!) == CivilDate("2026-03-26"))
        #expect(ConditionDuration(amount: 6, unit: .months, sources: refs).lastDay(from: CivilDate("2026-08-31")!) == CivilDate("2027-02-28"))
        #expect(ConditionDuration(amount: 6, unit: .months, sources: refs).lastDay(from: CivilDate("2027-08-31")!) == CivilDate("2028-02-29"))
        #expect(CivilDate("2026-03-15")!.adding(months: -3) == CivilDate("2025-12-15"))
    }

    @Test("clinicians' words fold to one form: case, spaces, underscores")
    func folding() {
        #expect(ConditionWords.fold("Atrial Fibrillation") == "atrial-fibrillation")
        #expect(ConditionWords.fold("  atrial__fibrillation ") == "atrial-fibrillation")
        #expect(ConditionWords.fold("HTN") == "htn")
        // Beyond ASCII, Unicode's lowercasing (the byte path hands over).
        #expect(ConditionWords.fold("Ödem  Grad_II") == "ödem-grad-ii")
        #expect(ConditionWords.fold("-lead-") == "lead")
        let index = ProtocolIndex(Self.protocolWith(Self.heart, adjunct: [("heart-disease", .absolute)]))
        #expect(index.conditionCode(for: "CHF") == "heart-failure")
        #expect(index.conditionCode(for: "Heart Disease") == "heart-disease")
        #expect(index.conditionCode(for: "heart") == nil)
    }

    @Test("a percentile table whose points are all one value is refused (no percentile can be told from another)")
    func flatPercentileTable() {
        let here = Self.here
        let flat = ReferenceNorm(
            kind: .percentiles([PercentilePoint(percentile: 10, value: 20, location: here), PercentilePoint(percentile: 50, value: 20, location: here), PercentilePoint(percentile: 90, value: 20, location: here)]),
            stratum: NormStratum(sex: nil, ageMin: 18, ageMax: nil), unit: .absolute(.newton), sources: Fixture.refs("s"), note: nil, location: here)
        var p = Fixture.balanceProtocol(groups: [Fixture.group("g", .hip)], tests: [Fixture.test("t", group: "g", norms: [flat])])
        #expect(ProtocolRules.check(p).contains { $0.message.contains("every point of the percentile table has the value 20") })
        // One step in the table is enough to tell percentiles apart.
        let stepped = ReferenceNorm(
            kind: .percentiles([PercentilePoint(percentile: 10, value: 20, location: here), PercentilePoint(percentile: 90, value: 21, location: here)]),
            stratum: NormStratum(sex: nil, ageMin: 18, ageMax: nil), unit: .absolute(.newton), sources: Fixture.refs("s"), note: nil, location: here)
        p.tests = [Fixture.test("t", group: "g", norms: [stepped])]
        #expect(!ProtocolRules.check(p).contains { $0.message.contains("percentile table") })
    }
}
