import MuscleBalanceCore
import Testing

@Suite("AgeDosage: dosage by age where the source gives it")
struct AgeDosageTests {
    static let here = SourceLocation(line: 1, element: "dosage")
    static let base: Dosage = {
        var d = Dosage(holds: 2, holdsMax: 4, holdSecondsMin: 10, holdSecondsMax: 30, daysPerWeekMin: 2, daysPerWeekMax: 7, sources: SourceReferences(ids: ["acsm"], location: here))
        d.forAge = [AgeDosage(ageMin: 65, dosage: Dosage(holdSecondsMin: 30, holdSecondsMax: 60, sources: SourceReferences(ids: ["acsm", "nelson"], location: here)))]
        return d
    }()

    @Test("from the band's age on, its figures replace the adult ones; the rest stay; sources follow", arguments: [
        (64, 10, 30), (65, 30, 60), (90, 30, 60),
    ])
    func byAge(age: Int, min: Int, max: Int) {
        let d = Self.base.forPatient(age: age)
        #expect(d.holdSecondsMin == min && d.holdSecondsMax == max)
        #expect(d.holds == 2 && d.holdsMax == 4 && d.daysPerWeekMax == 7)
        #expect(d.sources.ids == (age >= 65 ? ["acsm", "nelson"] : ["acsm"]))
    }

    @Test("no birth date: the adult dosage")
    func unknownAge() {
        #expect(Self.base.forPatient(age: nil).holdSecondsMax == 30)
    }
}
