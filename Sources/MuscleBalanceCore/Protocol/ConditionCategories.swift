/// Which screening conditions lie within which broader ones: heart failure within "heart or
/// circulatory disease", a recent joint replacement within "skeletal implant". A
/// contraindication written on a category covers every condition inside it, directly or through
/// further categories, so a protocol cannot miss a member by listing the category alone: a
/// missed contraindication is the worst error this product can make.
///
/// Built once per protocol; `ProtocolRules` refuses categories that do not resolve or that form
/// a cycle, and the walk here stops on a cycle anyway, so a broken protocol cannot hang it.
public struct ConditionCategories: Sendable {
    /// By condition code: the code itself, then every category it lies within, nearest first.
    private let covering: [String: [String]]
    /// By category: every condition that lies within it, directly or through further
    /// categories, in the protocol's order.
    private let members: [String: [String]]

    public init(_ conditions: [ScreeningCondition]) {
        var parents: [String: [String]] = [:]
        for c in conditions where parents[c.code] == nil { parents[c.code] = c.within }
        var covering: [String: [String]] = [:]
        for code in parents.keys {
            // Breadth first, each code once: nearest categories first, and a cycle ends the walk.
            var out = [code]
            var next = 0
            while next < out.count {
                for parent in parents[out[next]] ?? [] where !out.contains(parent) { out.append(parent) }
                next += 1
            }
            covering[code] = out
        }
        self.covering = covering
        var members: [String: [String]] = [:]
        var order: [String] = []
        for c in conditions where !order.contains(c.code) { order.append(c.code) }
        for code in order {
            for category in (covering[code] ?? []).dropFirst() { members[category, default: []].append(code) }
        }
        self.members = members
    }

    /// Every condition within `category`, at any depth, in the protocol's order.
    public func members(of category: String) -> [String] { members[category] ?? [] }

    /// The code and every category that covers it, nearest first; a code the protocol does not
    /// define covers only itself.
    public func codes(covering code: String) -> [String] { covering[code] ?? [code] }

    /// Whether a contraindication on `category` applies to a patient coded `code`.
    public func covers(_ category: String, _ code: String) -> Bool { codes(covering: code).contains(category) }
}

/// One reason not to give a therapy or exercise: the patient's own condition, the
/// contraindication that applies to it, and the category it came through (nil when the
/// contraindication names the condition itself). When the patient is coded with a category
/// that no contraindication names but some of its members do, `members` names them and the
/// kind is relative: the category may be any of them, so a physician decides.
public struct ScreenedContraindication: Sendable, Hashable {
    public var patientCondition: String
    public var contraindication: Contraindication
    public var viaCategory: String?
    public var members: [String] = []

    /// The kind that decides: a contraindication reached only through members is relative.
    public var kind: Contraindication.Kind { members.isEmpty ? contraindication.kind : .relative }
}

extension ConditionCategories {
    /// For each of the patient's conditions, in the patient's order, the contraindication in
    /// `list` that applies to it: an absolute one before a relative one, then the nearest (the
    /// condition itself before a category), then the protocol's order; failing that, for a
    /// category, the members `list` names (a relative reason). A condition matched by none is
    /// left out.
    public func screen(_ patientConditions: [String], against list: [Contraindication]) -> [ScreenedContraindication] {
        var out: [ScreenedContraindication] = []
        var seen: [String] = []
        for code in patientConditions where !seen.contains(code) {
            seen.append(code)
            let chain = codes(covering: code)
            var best: (rank: (Int, Int), c: Contraindication)?
            for c in list {
                guard let distance = chain.firstIndex(of: c.condition) else { continue }
                let rank = (c.kind == .absolute ? 0 : 1, distance)
                if best.map({ rank < $0.rank }) ?? true { best = (rank, c) }
            }
            if let best {
                out.append(ScreenedContraindication(
                    patientCondition: code, contraindication: best.c,
                    viaCategory: best.c.condition == code ? nil : best.c.condition))
                continue
            }
            // Safe in the other direction: a category no contraindication names is never
            // safer than its members. Its members that are named, in the protocol's order.
            let named = members(of: code).filter { m in list.contains { $0.condition == m } }
            if let first = named.first, let c = list.first(where: { $0.condition == first }) {
                out.append(ScreenedContraindication(patientCondition: code, contraindication: c, viaCategory: nil, members: named))
            }
        }
        return out
    }
}
