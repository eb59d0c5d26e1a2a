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
