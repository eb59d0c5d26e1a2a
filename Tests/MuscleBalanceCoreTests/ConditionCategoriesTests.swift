import MuscleBalanceCore
import Testing

@Suite("ConditionCategories")
struct ConditionCategoriesTests {
    static let here = SourceLocation(line: 1, element: "condition")

    static func condition(_ code: String, within: [String] = []) -> ScreeningCondition {
        ScreeningCondition(code: code, label: code, within: within, location: here)
    }

    static func contraindication(_ code: String, _ kind: Contraindication.Kind) -> Contraindication {
        Contraindication(condition: code, kind: kind, sources: SourceReferences(ids: ["s"], location: here), location: here)
    }

    @Test("a code covers itself, then its categories nearest first, through every level")
    func transitive() {
        let c = ConditionCategories([
            Self.condition("heart-failure", within: ["heart-disease"]),
            Self.condition("heart-disease", within: ["circulatory"]),
            Self.condition("circulatory"),
        ])
        #expect(c.codes(covering: "heart-failure") == ["heart-failure", "heart-disease", "circulatory"])
        #expect(c.covers("circulatory", "heart-failure"))
        #expect(!c.covers("heart-failure", "heart-disease"))
        #expect(c.codes(covering: "not-in-protocol") == ["not-in-protocol"])
    }

    @Test("a cycle (which validate refuses) ends the walk instead of hanging it")
    func cycleTerminates() {
        let c = ConditionCategories([Self.condition("a", within: ["b"]), Self.condition("b", within: ["a"])])
        #expect(c.codes(covering: "a") == ["a", "b"])
    }

    @Test("screening: one reason per patient condition, absolute before relative, direct before a category")
    func screen() {
        let c = ConditionCategories([Self.condition("spinal-implant", within: ["skeletal-implant"]), Self.condition("skeletal-implant")])
        // Vibration lists the spinal implant as absolute and skeletal implants as relative.
        let both = c.screen(["spinal-implant"], against: [Self.contraindication("skeletal-implant", .relative), Self.contraindication("spinal-implant", .absolute)])
        #expect(both.count == 1)
        #expect(both.first?.contraindication.kind == .absolute && both.first?.viaCategory == nil)
        // Only the category lists it: the reason says which category.
        let via = c.screen(["spinal-implant"], against: [Self.contraindication("skeletal-implant", .absolute)])
        #expect(via.first?.viaCategory == "skeletal-implant" && via.first?.patientCondition == "spinal-implant")
        // A relative contraindication through a category still refuses.
        #expect(c.screen(["spinal-implant", "spinal-implant"], against: [Self.contraindication("skeletal-implant", .relative)]).count == 1)
        // Safe in the other direction: a category coded alone may be any member the list
        // names, so it is left to a physician (relative), naming them.
        let category = c.screen(["skeletal-implant"], against: [Self.contraindication("spinal-implant", .absolute)])
        #expect(category.count == 1)
        #expect(category.first?.members == ["spinal-implant"] && category.first?.kind == .relative)
        #expect(c.members(of: "skeletal-implant") == ["spinal-implant"])
        #expect(c.screen(["spinal-implant"], against: [Self.contraindication("other", .absolute)]).isEmpty)
    }
}
