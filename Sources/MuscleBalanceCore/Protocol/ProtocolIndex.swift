/// A protocol's lookups, worked out once and shared by the measurement rules, the scorer and
/// both reports: each id to its test, muscle group, ratio or condition label, each test to its
/// group and region, and the (test, side) slot. A value: each holder keeps its own copy, which
/// shares the tables' storage.
///
/// Where ids repeat (a protocol that `ProtocolRules` refuses), the first of an id wins, in
/// every lookup alike.
public struct ProtocolIndex: Sendable {
    public let balanceProtocol: BalanceProtocol
    /// Each test by id.
    public let tests: IDTable<TestDefinition>
    /// Where each test id first is in the protocol's order: the index a slot is made from.
    public let testOrder: IDTable<Int>
    public let groups: IDTable<MuscleGroup>
    /// Where each muscle group id first is in the protocol's order.
    public let groupOrder: IDTable<Int>
    public let ratios: IDTable<RatioIndex>
    /// By test index: its muscle group (nil for a group the protocol lacks), and the group's
    /// region.
    public let groupOfTest: [MuscleGroup?]
    public let regionOfTest: [BodyRegion?]
    /// By test index: the first test with the same id (itself, in a valid protocol), whose
    /// slot the results of that id are kept in.
    public let firstOfID: [Int]
    public let testIDs: Set<String>
    public let conditionCodes: Set<String>
    public let conditionLabels: IDTable<String>
    /// Which conditions lie within which: a contraindication on a category covers its members.
    public let categories: ConditionCategories
    /// Each code and synonym in its folded form (`ConditionWords.fold`) to its code.
    public let conditionWords: [String: String]
    /// How long after onset each time-limited condition still applies.
    public let conditionSpans: [String: ConditionDuration]
    /// Each condition's own categories (`within`), for a time-limited condition whose span has
    /// passed: what it lies within still applies.
    public let conditionWithin: [String: [String]]

    public init(_ p: BalanceProtocol) {
        balanceProtocol = p
        tests = IDTable(p.tests.map { ($0.id, $0) })
        let order = IDTable(p.tests.enumerated().map { ($0.element.id, $0.offset) })
        testOrder = order
        let groups = IDTable(p.muscleGroups.map { ($0.id, $0) })
        self.groups = groups
        groupOrder = IDTable(p.muscleGroups.enumerated().map { ($0.element.id, $0.offset) })
        ratios = IDTable(p.ratios.map { ($0.id, $0) })
        groupOfTest = p.tests.map { groups[$0.muscleGroup] }
        regionOfTest = groupOfTest.map { $0?.region }
        firstOfID = p.tests.enumerated().map { order[$0.element.id] ?? $0.offset }
        testIDs = Set(p.tests.map(\.id))
        conditionCodes = Set(p.conditions.map(\.code))
        conditionLabels = IDTable(p.conditions.map { ($0.code, $0.label) })
        categories = ConditionCategories(p.conditions)
        var words: [String: String] = [:]
        for c in p.conditions {
            for word in [c.code] + c.synonyms where words[ConditionWords.fold(word)] == nil { words[ConditionWords.fold(word)] = c.code }
        }
        conditionWords = words
        conditionWithin = Dictionary(p.conditions.map { ($0.code, $0.within) }, uniquingKeysWith: { a, _ in a })
        conditionSpans = Dictionary(p.conditions.compactMap { c in c.lasts.map { (c.code, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The protocol's code for a condition as a clinic typed it (`AFib`, `HTN`, `Glaucoma`),
    /// or nil when neither a code nor a synonym matches. `none` is not a condition: see
    /// `PatientCondition.noneCode`.
    public func conditionCode(for written: String) -> String? { conditionWords[ConditionWords.fold(written)] }

    /// The slot of the protocol's test `index` on `side` (`SideSlot`).
    @inlinable
    public func slot(test index: Int, side: BodySide?) -> Int { SideSlot.of(test: index, side: side) }

    /// How many slots this protocol's tests need.
    public var slotCount: Int { SideSlot.count(tests: balanceProtocol.tests.count) }
}
