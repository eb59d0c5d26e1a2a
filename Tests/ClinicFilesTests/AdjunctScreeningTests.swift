@testable import ClinicFiles
import TestSupport
import MuscleBalanceCore
import Testing

/// The safety screen, generated from the default protocol itself: every adjunct against every
/// condition the protocol defines, one screened patient each, at a blood pressure, height and
/// body mass well inside every limit. What must be refused is worked out here, by walks of the
/// categories written independently of `ConditionCategories` (up for the categories that cover
/// a code, down for the members a category holds), so a category the scorer fails to follow,
/// in either direction, fails a case. A missed contraindication is the worst bug this product
/// can have.
@Suite("Adjunct screening against every condition")
struct AdjunctScreeningTests {
    static let defaultProtocol: BalanceProtocol = {
        guard let p = ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol else {
            preconditionFailure("the default protocol must load")
        }
        return p
    }()

    /// Every (adjunct, condition) pair of the protocol.
    static let pairs: [(String, String)] = defaultProtocol.adjuncts.flatMap { a in defaultProtocol.conditions.map { (a.id, $0.code) } }

    static let here = SourceLocation(line: 1, element: "patient")
    static let day = CivilDate("2026-11-01")!

    /// The codes whose contraindication applies to a patient coded `code`: the code and every
    /// category above it, found by recursion over `within` (a cycle-free protocol: validated).
    static func ancestorsOrSelf(_ code: String, in p: BalanceProtocol, depth: Int = 0) -> Set<String> {
        precondition(depth < 50, "condition categories deeper than 50: a cycle?")
        var out: Set<String> = [code]
        for parent in p.conditions.first(where: { $0.code == code })?.within ?? [] {
            out.formUnion(ancestorsOrSelf(parent, in: p, depth: depth + 1))
        }
        return out
    }

    /// Every condition that lies within `code`, at any depth.
    static func descendants(_ code: String, in p: BalanceProtocol) -> Set<String> {
        Set(p.conditions.map(\.code).filter { $0 != code && ancestorsOrSelf($0, in: p).contains(code) })
    }

    static func patient(
        _ conditions: [PatientCondition], bloodPressure: BloodPressure?, screened: CivilDate? = day,
        heightCm: Double? = 170, bodyMassKg: Double? = 60, date: CivilDate = day
    ) -> Patient {
        Patient(
            id: "S", sex: .female, birthDate: CivilDate("1980-01-01"), bodyMassKg: bodyMassKg, heightCm: heightCm,
            conditions: conditions,
            sessions: [AssessmentSession(
                date: date, dateText: date.description, assessor: nil, bloodPressure: bloodPressure, screened: screened,
                measures: [], location: here)],
            location: here)
    }

    static func decision(
        _ adjunct: String, _ conditions: [String], _ bp: BloodPressure? = BloodPressure(systolic: 110, diastolic: 70),
        _ p: BalanceProtocol = defaultProtocol, screened: CivilDate? = day, heightCm: Double? = 170, bodyMassKg: Double? = 60
    ) throws -> AdjunctDecision {
        try decision(adjunct, conditions.map { PatientCondition(code: $0, location: here) }, bp, screened: screened, heightCm: heightCm, bodyMassKg: bodyMassKg)
    }

    static func decision(
        _ adjunct: String, _ conditions: [PatientCondition], _ bp: BloodPressure? = BloodPressure(systolic: 110, diastolic: 70),
        screened: CivilDate? = day, heightCm: Double? = 170, bodyMassKg: Double? = 60, date: CivilDate = day
    ) throws -> AdjunctDecision {
        let patient = patient(conditions, bloodPressure: bp, screened: screened, heightCm: heightCm, bodyMassKg: bodyMassKg, date: date)
        let session = try #require(BalanceScorer(protocol: defaultProtocol).score(patient).sessions.last)
        return try #require(session.adjuncts.first { $0.adjunctID == adjunct })
    }

    @Test("the protocol defines conditions and adjuncts to screen (the generated cases are not vacuous)")
    func notVacuous() {
        #expect(Self.defaultProtocol.conditions.count >= 60)
        #expect(Self.defaultProtocol.adjuncts.count == 2)
        #expect(Self.pairs.count == Self.defaultProtocol.conditions.count * 2)
        // The categories are in use, in both directions.
        #expect(Self.ancestorsOrSelf("heart-failure", in: Self.defaultProtocol).contains("heart-disease"))
        #expect(Self.ancestorsOrSelf("recent-joint-replacement", in: Self.defaultProtocol).contains("skeletal-implant"))
        #expect(Self.descendants("brain-condition", in: Self.defaultProtocol).contains("tia"))
    }

    @Test("every condition: refused with the source's word and the condition named, or offered when nothing applies", arguments: pairs)
    func everyPair(adjunctID: String, condition: String) throws {
        let p = Self.defaultProtocol
        let adjunct = try #require(p.adjuncts.first { $0.id == adjunctID })
        let covering = Self.ancestorsOrSelf(condition, in: p)
        let applying = adjunct.contraindications.filter { covering.contains($0.condition) }
        let members = Self.descendants(condition, in: p)
        let namedMembers = adjunct.contraindications.filter { members.contains($0.condition) }
        let label = try #require(p.conditions.first { $0.code == condition }?.label)
        let d = try Self.decision(adjunctID, [condition])
        if applying.isEmpty && namedMembers.isEmpty {
            #expect(d.offered, "\(adjunctID) refused for \(condition), which it does not contraindicate: \(d.reasons)")
            #expect(d.verdict == .mayBeOffered && d.reasons.isEmpty)
            return
        }
        #expect(!d.offered, "\(adjunctID) OFFERED to a patient with \(condition), contraindicated through \(applying.map(\.condition)) \(namedMembers.map(\.condition))")
        #expect(d.reasons.count == 1, "\(d.reasons)")
        #expect(d.reasons.first?.hasPrefix(label) == true, "the reason names the patient's condition: \(d.reasons)")
        if applying.isEmpty {
            // Safe in the other direction: the category may be any of its named members.
            #expect(d.verdict == .physicianApproval, "\(adjunctID), \(condition): \(d.verdict)")
            #expect(d.reasons.first?.contains("which covers") == true, "\(d.reasons)")
        } else {
            let absolute = applying.contains { $0.kind == .absolute }
            #expect(d.verdict == (absolute ? .notRecommended : .physicianApproval), "\(adjunctID), \(condition): \(d.verdict)")
            #expect(d.reasons.first?.hasSuffix(absolute ? "(contraindicated)" : "(only with a physician's approval)") == true, "\(d.reasons)")
        }
    }

    @Test("every condition at once: one reason per refused condition, in the patient's order")
    func allConditions() throws {
        let p = Self.defaultProtocol
        for adjunct in p.adjuncts {
            let codes = p.conditions.map(\.code)
            let expected = codes.filter { code in
                let covering = Self.ancestorsOrSelf(code, in: p)
                let members = Self.descendants(code, in: p)
                return adjunct.contraindications.contains { covering.contains($0.condition) || members.contains($0.condition) }
            }
            let d = try Self.decision(adjunct.id, codes)
            #expect(d.verdict == .notRecommended)
            let labels = expected.compactMap { code in p.conditions.first { $0.code == code }?.label }
            #expect(d.reasons.count == labels.count, "\(adjunct.id): \(d.reasons)")
            for (reason, label) in zip(d.reasons, labels) { #expect(reason.hasPrefix(label), "\(reason) / \(label)") }
        }
    }

    /// What a clinical-safety review found offered (issue 26), each now refused.
    @Test("the review's misses are refused", arguments: [
        ("inversion-table", "severe-osteoporosis"), ("inversion-table", "acute-disc-problem"), ("inversion-table", "epilepsy"),
        ("inversion-table", "diabetic-neuropathy"), ("inversion-table", "acute-inflammation"), ("inversion-table", "fresh-surgical-wound"),
        ("whole-body-vibration", "retinal-detachment"), ("whole-body-vibration", "hiatal-hernia"), ("whole-body-vibration", "ventral-hernia"),
        ("whole-body-vibration", "heart-disease"), ("whole-body-vibration", "stroke-history"), ("whole-body-vibration", "iud"),
        ("whole-body-vibration", "vertigo"), ("whole-body-vibration", "spondylolisthesis"), ("whole-body-vibration", "tumour"),
        ("inversion-table", "tia"), ("inversion-table", "conjunctivitis"), ("inversion-table", "extreme-obesity"),
    ])
    func reviewMisses(adjunct: String, condition: String) throws {
        let d = try Self.decision(adjunct, [condition])
        #expect(!d.offered && d.verdict != .screenFirst, "\(adjunct), \(condition): \(d)")
    }

    @Test("clinicians' words reach the screen: any case, synonyms, spaces for hyphens", arguments: [
        ("AFib", "Arrhythmia"), ("HTN", "Hypertension"), ("dvt", "Thrombosis"), ("Glaucoma", "Glaucoma"), ("warfarin", "Taking anticoagulants"),
        ("stroke", "History of stroke"), ("Atrial Fibrillation", "Arrhythmia"), ("osteoporosis", "Osteoporosis"), ("pregnant", "Pregnancy"),
    ])
    func synonyms(written: String, label: String) throws {
        let d = try Self.decision("inversion-table", [written])
        #expect(!d.offered)
        #expect(d.reasons.first?.hasPrefix(label) == true, "\(written): \(d.reasons)")
    }

    @Test("blood pressure: refused at or above the limit (inclusive, as hypertension is defined), every combination around it")
    func bloodPressureGrid() throws {
        for adjunct in Self.defaultProtocol.adjuncts {
            guard let limit = adjunct.bloodPressureLimit else {
                #expect(try Self.decision(adjunct.id, [String](), nil).offered, "\(adjunct.id) has no limit: blood pressure is not needed")
                continue
            }
            let missing = try Self.decision(adjunct.id, [String](), nil)
            #expect(missing.verdict == .screenFirst)
            #expect(missing.reasons == ["blood pressure not recorded at this session; it must be below \(limit.systolic)/\(limit.diastolic) mmHg"])
            for systolic in [limit.systolic - 10, limit.systolic - 1, limit.systolic, limit.systolic + 1] {
                for diastolic in [limit.diastolic - 5, limit.diastolic - 1, limit.diastolic, limit.diastolic + 1] {
                    let d = try Self.decision(adjunct.id, [String](), BloodPressure(systolic: systolic, diastolic: diastolic))
                    let below = systolic < limit.systolic && diastolic < limit.diastolic
                    #expect(d.offered == below, "\(adjunct.id) at \(systolic)/\(diastolic)")
                    #expect(below || d.verdict == .notRecommended)
                }
            }
        }
        // The review's cases, by value.
        for (s, d) in [(140, 90), (140, 89), (139, 90), (140, 85), (130, 90)] {
            #expect(try !Self.decision("inversion-table", [String](), BloodPressure(systolic: s, diastolic: d)).offered, "\(s)/\(d)")
        }
        #expect(try Self.decision("inversion-table", [String](), BloodPressure(systolic: 139, diastolic: 89)).offered)
    }

    @Test("user limits: over either is not recommended, exactly on it is offered, unknown is screen first")
    func userLimits() throws {
        let p = Self.defaultProtocol
        for adjunct in p.adjuncts {
            guard let limits = adjunct.userLimits else { continue }
            if let h = limits.heightCmMax {
                #expect(try Self.decision(adjunct.id, [String](), heightCm: h).offered)
                #expect(try Self.decision(adjunct.id, [String](), heightCm: h + 0.1).verdict == .notRecommended)
                #expect(try Self.decision(adjunct.id, [String](), heightCm: nil).verdict == .screenFirst)
            }
            if let m = limits.bodyMassKgMax {
                #expect(try Self.decision(adjunct.id, [String](), bodyMassKg: m).offered)
                #expect(try Self.decision(adjunct.id, [String](), bodyMassKg: m + 0.1).verdict == .notRecommended)
                #expect(try Self.decision(adjunct.id, [String](), bodyMassKg: nil).verdict == .screenFirst)
            }
        }
        // The review's man of 150 kg, and of 203 cm.
        #expect(try Self.decision("inversion-table", [String](), bodyMassKg: 150).verdict == .notRecommended)
        #expect(try Self.decision("inversion-table", [String](), heightCm: 203).verdict == .notRecommended)
        #expect(try Self.decision("inversion-table", [String](), heightCm: 203).reasons == ["height 203 cm is over the user limit of 198 cm"])
    }

    @Test("an unscreened patient is told to screen first, with what to ask; 'none' is a screen")
    func screening() throws {
        for adjunct in Self.defaultProtocol.adjuncts {
            let unscreened = try Self.decision(adjunct.id, [String](), screened: nil)
            #expect(unscreened.verdict == .screenFirst)
            #expect(unscreened.reasons == ["conditions not screened at this session"])
            #expect(unscreened.ask.count >= 10 && unscreened.ask.contains("Pregnancy"))
            #expect(try Self.decision(adjunct.id, ["none"], screened: nil).offered)
            #expect(try Self.decision(adjunct.id, ["None"], screened: nil).offered)
            // A screen after the session does not count for it.
            #expect(try Self.decision(adjunct.id, [String](), screened: Self.day.adding(days: 1)).verdict == .screenFirst)
            // A contraindication outranks the missing screen.
            #expect(try Self.decision(adjunct.id, ["pregnancy"], screened: nil).verdict == .notRecommended || adjunct.id == "whole-body-vibration")
        }
    }

    @Test("a condition's dates: not before its onset, not after it resolved, a time-limited one within its span, then its categories")
    func conditionDates() throws {
        let here = Self.here
        let d = Self.day
        func wbv(_ c: PatientCondition) throws -> AdjunctDecision { try Self.decision("whole-body-vibration", [c]) }
        // Onset after the session: not used for it.
        #expect(try wbv(PatientCondition(code: "pregnancy", onset: d.adding(days: 1), location: here)).offered)
        #expect(try !wbv(PatientCondition(code: "pregnancy", onset: d, location: here)).offered)
        // Resolved before the session: not used; resolved on its day: still used.
        #expect(try wbv(PatientCondition(code: "acute-infection", resolved: d.adding(days: -1), location: here)).offered)
        #expect(try !wbv(PatientCondition(code: "acute-infection", resolved: d, location: here)).offered)
        // A recent fracture counts for 12 weeks after its onset (the last day too), not after.
        #expect(try !wbv(PatientCondition(code: "recent-fracture", onset: d.adding(days: -84), location: here)).offered)
        #expect(try wbv(PatientCondition(code: "recent-fracture", onset: d.adding(days: -85), location: here)).offered)
        // A joint replacement is recent for 6 months; then it is still a skeletal implant.
        let recent = try wbv(PatientCondition(code: "recent-joint-replacement", onset: d.adding(months: -6), location: here))
        #expect(recent.verdict == .notRecommended)
        let older = try wbv(PatientCondition(code: "recent-joint-replacement", onset: d.adding(months: -6).adding(days: -1), location: here))
        #expect(older.verdict == .physicianApproval, "\(older.reasons)")
        #expect(older.reasons.first?.hasPrefix("Joint replacement, within skeletal implant") == true, "\(older.reasons)")
        let inversion = try Self.decision("inversion-table", [PatientCondition(code: "recent-joint-replacement", onset: d.adding(months: -24), location: here)])
        #expect(inversion.verdict == .notRecommended)
    }

    /// For every exercise and every condition its precautions reach (the condition itself or a
    /// member of a category it names), a patient with that condition whose findings call for
    /// the exercise never gets it, in the plan or deferred.
    @Test("exercise precautions, generated from the protocol: never given to a patient they name")
    func exercisePrecautions() throws {
        let p = Self.defaultProtocol
        var checked = 0
        for exercise in p.exercises where !exercise.contraindications.isEmpty {
            let named = Set(exercise.contraindications.map(\.condition))
            for condition in p.conditions where !Self.ancestorsOrSelf(condition.code, in: p).isDisjoint(with: named) {
                let plan = try Self.plan(calling: exercise, conditions: [condition.code])
                #expect(!plan.exercises.contains { $0.exerciseID == exercise.id }, "\(exercise.id) given with \(condition.code)")
                #expect(!plan.deferred.contains { $0.exerciseID == exercise.id })
                #expect(plan.withheld.contains { $0.exerciseID == exercise.id }, "\(exercise.id) not said withheld for \(condition.code): \(plan)")
                checked += 1
            }
            // Without the condition it is given (the finding really calls for it).
            let plain = try Self.plan(calling: exercise, conditions: [])
            if !(plain.exercises.contains { $0.exerciseID == exercise.id } || plain.deferred.contains { $0.exerciseID == exercise.id }) {
                Issue.record("\(exercise.id) is not called for by its generated finding: \(plain)")
            }
        }
        #expect(checked >= 8)
    }

    /// A plan for a patient whose only finding is the one `exercise` answers: every test of
    /// its muscle group measured far off, on the left.
    static func plan(calling exercise: CorrectiveExercise, conditions: [String]) throws -> CorrectivePlan {
        let p = defaultProtocol
        var patient = patient(conditions.map { PatientCondition(code: $0, location: here) }, bloodPressure: nil)
        patient.birthDate = CivilDate("1996-01-01")
        // A man: some norms (the straight-leg raise's) are for men only.
        patient.sex = .male
        var measures: [Measure] = []
        for test in p.tests where test.muscleGroup == exercise.muscleGroup {
            let low = test.direction == .lowerIsBetter
            // Far off on the left, a hundredth of the plausible range from its end; the right at its middle.
            let r = test.plausibleRange
            let span = r.max - r.min
            let weak = low ? r.max - span / 100 : r.min + span / 100
            let strong = low ? r.min + span / 2 : r.min + span / 2
            let unit = test.unit
            if test.sides == .bilateral {
                measures.append(Measure(test: test.id, side: .left, unit: unit, unitText: unit.rawValue, value: weak, trials: [], note: nil, location: here))
                measures.append(Measure(test: test.id, side: .right, unit: unit, unitText: unit.rawValue, value: strong, trials: [], note: nil, location: here))
            } else {
                measures.append(Measure(test: test.id, side: nil, unit: unit, unitText: unit.rawValue, value: weak, trials: [], note: nil, location: here))
            }
        }
        patient.sessions[0].measures = measures
        return try #require(BalanceScorer(protocol: p).score(patient).sessions.last).plan
    }
}
