import MuscleBalanceCore

/// What was scored for one session, as rows a query can read: each test result, asymmetry,
/// ratio, region and overall index, finding, plan item and adjunct decision. Kept beside the
/// inputs, with the protocol that scored them, so that a course of care can be listed without
/// scoring again, and a re-score under a new protocol version is seen as one.
public struct SessionFigures: Sendable, Hashable {
    public struct Figure: Sendable, Hashable {
        /// result, asymmetry, ratio, region, overall, finding, plan, adjunct, outcome.
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
    /// and took 5 times a score (Benchmarks/RESULTS.md, issue 29). Written as bytes: built as
    /// strings, joined and escaped a character at a time, it was a quarter of an import's time.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(figures.count * 72)
        for f in figures {
            Self.append(f.kind, to: &out)
            out.append(9)
            Self.append(f.key, to: &out)
            out.append(9)
            Self.append(f.side, to: &out)
            out.append(9)
            if let v = f.value { Self.append(Self.number(v), to: &out) }
            out.append(9)
            if let u = f.unit { Self.append(u, to: &out) }
            out.append(9)
            if let z = f.z { Self.append(Self.number(z), to: &out) }
            out.append(9)
            if let g = f.grade { Self.append(g, to: &out) }
            out.append(9)
            if let t = f.text { Self.append(t, to: &out) }
            out.append(10)
        }
        return out
    }

    /// `bytes` as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Read back from `text`.
    public init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Read back from `bytes`.
    public init(bytes: [UInt8]) {
        figures = bytes.split(separator: 10).map { line in
            let f = line.split(separator: 9, omittingEmptySubsequences: false).map { Self.unescaped($0) }
            func field(_ i: Int) -> String? { i < f.count && !f[i].isEmpty ? f[i] : nil }
            return Figure(
                kind: field(0) ?? "", key: field(1) ?? "", side: field(2) ?? "", value: field(3).flatMap(Double.init), unit: field(4),
                z: field(5).flatMap(Double.init), grade: field(6), text: field(7))
        }
    }

    static func number(_ value: Double) -> String { shortestDecimalText(value) }

    /// A field's bytes, with a tab, a line break and a backslash escaped (\t, \n, \\).
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 92 }) else {
                out.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case 9: out += [92, UInt8(ascii: "t")]
                case 10: out += [92, UInt8(ascii: "n")]
                case 92: out += [92, 92]
                default: out.append(byte)
                }
            }
        }
    }

    static func unescaped(_ field: ArraySlice<UInt8>) -> String {
        guard field.contains(92) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        var escaping = false
        for byte in field {
            if escaping {
                out.append(byte == UInt8(ascii: "t") ? 9 : byte == UInt8(ascii: "n") ? 10 : byte)
                escaping = false
            } else if byte == 92 {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
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
        for o in score.outcomes {
            out.append(Figure(kind: "outcome", key: o.instrumentID, value: o.score, grade: o.risk?.rawValue ?? o.band, text: o.notScored))
        }
        figures = out
    }
}
