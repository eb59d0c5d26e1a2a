import MuscleBalanceCore

/// What was scored for one session, as rows a query can read: each test result, asymmetry,
/// ratio, region and overall index, finding, plan item and adjunct decision. Kept beside the
/// inputs, with the protocol that scored them, so that a course of care can be listed without
/// scoring again, and a re-score under a new protocol version is seen as one.
public struct SessionFigures: Sendable, Hashable {
    public struct Figure: Sendable, Hashable {
        /// result, asymmetry, ratio, region, overall, finding, plan, adjunct.
        public var kind: String
        /// The test, ratio, region, muscle group, exercise or adjunct.
        public var key: String
        /// left, right, or empty.
        public var side: String
        public var value: Double?
        public var unit: String?
        public var z: Double?
        public var grade: String?
        /// A finding's words, an exercise's name, an adjunct's verdict.
        public var text: String?

        public init(kind: String, key: String, side: String = "", value: Double? = nil, unit: String? = nil, z: Double? = nil, grade: String? = nil, text: String? = nil) {
            self.kind = kind
            self.key = key
            self.side = side
            self.value = value
            self.unit = unit
            self.z = z
            self.grade = grade
            self.text = text
        }
    }

    public var figures: [Figure]

    public init(figures: [Figure]) {
        self.figures = figures
    }

    /// As stored: a line per figure, its fields between tabs (kind, key, side, value, unit, z,
    /// grade, text), numbers in their shortest exact form. One column of the session's row
    /// rather than fifty rows of a table: an import of 20,000 patients wrote 1.2 million rows
    /// and took 5 times a score (Benchmarks/RESULTS.md, issue 29).
    public var text: String {
        var out = ""
        for f in figures {
            let fields = [f.kind, f.key, f.side, f.value.map(Self.number) ?? "", f.unit ?? "", f.z.map(Self.number) ?? "", f.grade ?? "", f.text ?? ""]
            out += fields.map(Self.escaped).joined(separator: "\t") + "\n"
        }
        return out
    }

    /// Read back from `text`.
    public init(text: String) {
        figures = text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { Self.unescaped(String($0)) }
            func field(_ i: Int) -> String? { i < f.count && !f[i].isEmpty ? f[i] : nil }
            return Figure(
                kind: field(0) ?? "", key: field(1) ?? "", side: field(2) ?? "", value: field(3).flatMap(Double.init), unit: field(4),
                z: field(5).flatMap(Double.init), grade: field(6), text: field(7))
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    static func escaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\\" }) else { return text }
        var out = ""
        for c in text {
            switch c {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\\": out += "\\\\"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescaped(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var escaping = false
        for c in text {
            if escaping {
                out.append(c == "t" ? "\t" : c == "n" ? "\n" : c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    public init(_ score: SessionScore) {
        var out: [Figure] = []
        for r in score.results {
            out.append(Figure(kind: "result", key: r.testID, side: r.side?.rawValue ?? "", value: r.value, unit: r.unit.dimension.canonicalUnit.rawValue, z: r.z, grade: r.grade?.rawValue))
        }
        for a in score.asymmetries {
            out.append(Figure(kind: "asymmetry", key: a.testID, side: a.affectedSide?.rawValue ?? "", value: a.value, grade: a.grade?.rawValue))
        }
        for r in score.ratios {
            out.append(Figure(kind: "ratio", key: r.ratioID, side: r.side?.rawValue ?? "", value: r.value, grade: r.grade?.rawValue))
        }
        for r in score.regions {
            out.append(Figure(kind: "region", key: r.region.rawValue, value: r.value))
        }
        out.append(Figure(kind: "overall", key: "overall", value: score.overallIndex, grade: score.overallGrade?.rawValue))
        for f in score.findings {
            out.append(Figure(kind: "finding", key: f.muscleGroup, side: f.bothSides ? "both" : f.side?.rawValue ?? "", grade: f.grade.rawValue, text: f.text))
        }
        for e in score.plan.exercises {
            out.append(Figure(kind: "plan", key: e.exerciseID, side: e.bothSides ? "both" : e.side?.rawValue ?? "", grade: e.grade.rawValue, text: e.name))
        }
        for a in score.adjuncts {
            out.append(Figure(kind: "adjunct", key: a.adjunctID, text: a.verdict.rawValue))
        }
        figures = out
    }
}
