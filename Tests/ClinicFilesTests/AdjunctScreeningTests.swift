@testable import ClinicFiles
import TestSupport
import MuscleBalanceCore
import Testing

/// The safety screen, generated from the default protocol itself: every adjunct against every
/// condition the protocol defines, one patient each, at a blood pressure well inside every
/// limit. What must be refused is worked out here, by a walk of the categories written
/// independently of `ConditionCategories`, so a category the scorer fails to follow fails a
/// case. A missed contraindication is the worst bug this product can have.
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

    static func patient(_ conditions: [String], bloodPressure: BloodPressure?) -> Patient {
        Patient(
            id: "S", sex: .female, birthDate: CivilDate("1980-01-01"), bodyMassKg: 60, heightCm: nil,
            conditions: conditions.map { PatientCondition(code: $0, location: here) },
            sessions: [AssessmentSession(
                date: CivilDate("2026-11-01"), dateText: "2026-11-01", assessor: nil, bloodPressure: bloodPressure,
                measures: [], location: here)],
            location: here)
    }

    static func decision(_ adjunct: String, _ conditions: [String], _ bp: BloodPressure? = BloodPressure(systolic: 110, diastolic: 70), _ p: BalanceProtocol = defaultProtocol) throws -> AdjunctDecision {
        let session = try #require(BalanceScorer(protocol: p).score(patient(conditions, bloodPressure: bp)).sessions.last)
        return try #require(session.adjuncts.first { $0.adjunctID == adjunct })
    }

    @Test("the protocol defines conditions and adjuncts to screen (the generated cases are not vacuous)")
    func notVacuous() {
        #expect(Self.defaultProtocol.conditions.count >= 30)
        #expect(Self.defaultProtocol.adjuncts.count == 2)
        #expect(Self.pairs.count == Self.defaultProtocol.conditions.count * 2)
        // The categories are in use: members reach the inversion table's categories.
        #expect(Self.ancestorsOrSelf("heart-failure", in: Self.defaultProtocol).contains("heart-disease"))
        #expect(Self.ancestorsOrSelf("recent-joint-replacement", in: Self.defaultProtocol).contains("skeletal-implant"))
    }

    @Test("a patient with the condition is not recommended, with the condition named; without a contraindication, offered", arguments: pairs)
    func everyPair(adjunctID: String, condition: String) throws {
        let p = Self.defaultProtocol
        let adjunct = try #require(p.adjuncts.first { $0.id == adjunctID })
        let covering = Self.ancestorsOrSelf(condition, in: p)
        let applying = adjunct.contraindications.filter { covering.contains($0.condition) }
        let label = try #require(p.conditions.first { $0.code == condition }?.label)
        let d = try Self.decision(adjunctID, [condition])
        if applying.isEmpty {
            #expect(d.offered, "\(adjunctID) refused for \(condition), which it does not contraindicate: \(d.reasons)")
            #expect(d.reasons.isEmpty)
        } else {
            #expect(!d.offered, "\(adjunctID) OFFERED to a patient with \(condition), contraindicated through \(applying.map(\.condition))")
            #expect(d.reasons.count == 1, "\(d.reasons)")
            #expect(d.reasons.first?.hasPrefix(label) == true, "the reason names the patient's condition: \(d.reasons)")
            let strongest: Contraindication.Kind = applying.contains { $0.kind == .absolute } ? .absolute : .relative
            #expect(d.reasons.first?.hasSuffix("(\(strongest.rawValue) contraindication)") == true, "\(d.reasons)")
        }
    }

    @Test("every condition at once: one reason per contraindicated condition, in the patient's order")
    func allConditions() throws {
        let p = Self.defaultProtocol
        for adjunct in p.adjuncts {
            let codes = p.conditions.map(\.code)
            let expected = codes.filter { code in
                let covering = Self.ancestorsOrSelf(code, in: p)
                return adjunct.contraindications.contains { covering.contains($0.condition) }
            }
            let d = try Self.decision(adjunct.id, codes)
            #expect(!d.offered)
            let labels = expected.compactMap { code in p.conditions.first { $0.code == code }?.label }
            #expect(d.reasons.count == labels.count, "\(adjunct.id): \(d.reasons)")
            for (reason, label) in zip(d.reasons, labels) { #expect(reason.hasPrefix(label), "\(reason) / \(label)") }
        }
    }

    @Test("the inversion table's categories, as the clinical reference reads them", arguments: [
        "heart-failure", "arrhythmia", "acute-myocardial-infarction", "thrombosis", "pacemaker", "recent-joint-replacement", "spinal-implant",
    ])
    func inversionCategories(condition: String) throws {
        let d = try Self.decision("inversion-table", [condition])
        #expect(!d.offered)
        #expect(d.reasons.first?.contains(", within ") == true || condition == "spinal-implant", "\(d.reasons)")
    }

    @Test("blood pressure: offered only when recorded and at or under both limits, every combination around each limit")
    func bloodPressureGrid() throws {
        for adjunct in Self.defaultProtocol.adjuncts {
            guard let limit = adjunct.bloodPressureLimit else {
                #expect(try Self.decision(adjunct.id, [], nil).offered, "\(adjunct.id) has no limit: blood pressure is not needed")
                continue
            }
            #expect(try !Self.decision(adjunct.id, [], nil).offered, "not recorded: not offered")
            for systolic in [limit.systolic - 1, limit.systolic, limit.systolic + 1] {
                for diastolic in [limit.diastolic - 1, limit.diastolic, limit.diastolic + 1] {
                    let d = try Self.decision(adjunct.id, [], BloodPressure(systolic: systolic, diastolic: diastolic))
                    #expect(d.offered == (systolic <= limit.systolic && diastolic <= limit.diastolic), "\(adjunct.id) at \(systolic)/\(diastolic)")
                }
            }
        }
    }

    @Test("an exercise's contraindication on a category withholds it from the category's members")
    func exerciseCategories() throws {
        var p = Self.defaultProtocol
        let i = try #require(p.exercises.firstIndex { $0.id == "side-lying-hip-abduction" })
        let e = p.exercises[i]
        let here = Self.here
        p.exercises[i] = CorrectiveExercise(
            id: e.id, name: e.name, muscleGroup: e.muscleGroup, problem: e.problem, sideRule: e.sideRule, instructions: e.instructions,
            dosage: e.dosage, contraindications: [Contraindication(condition: "heart-disease", kind: .absolute, sources: e.sources, location: here)],
            sources: e.sources, location: e.location)
        func plan(_ conditions: [String]) throws -> CorrectivePlan {
            var patient = Self.patient(conditions, bloodPressure: nil)
            patient.sessions[0].measures = [
                Measure(test: "hip-abduction-strength", side: .left, unit: .newton, unitText: "N", value: 60, trials: [], note: nil, location: here),
                Measure(test: "hip-abduction-strength", side: .right, unit: .newton, unitText: "N", value: 120, trials: [], note: nil, location: here),
            ]
            return try #require(BalanceScorer(protocol: p).score(patient).sessions.last).plan
        }
        let withheld = try plan(["arrhythmia"])
        #expect(withheld.withheld.map(\.exerciseID) == ["side-lying-hip-abduction"])
        #expect(withheld.withheld.first?.reason.contains("Arrhythmia, within heart or circulatory disease") == true, "\(withheld.withheld)")
        #expect(!withheld.exercises.contains { $0.exerciseID == "side-lying-hip-abduction" })
        let given = try plan(["epilepsy"])
        #expect(given.withheld.isEmpty)
        #expect(given.exercises.contains { $0.exerciseID == "side-lying-hip-abduction" && $0.side == .left })
    }
}
