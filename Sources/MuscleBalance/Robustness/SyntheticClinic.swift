import ClinicReports

/// Deterministic synthetic clinic files in the measurement format, of any size, for benchmarks
/// and tests: both sexes, ages 18-80, every test of the default protocol, realistic values
/// (inside the plausible ranges, spread around the published means), second sessions for every
/// fifth patient, some screening conditions and blood pressures. The same seed gives the same
/// bytes.
public struct SyntheticClinic: Sendable {
    public var patients: Int
    public var seed: UInt64
    public var idPrefix: String
    /// Each session also carries every patient-reported outcome of the default protocol, drawn
    /// from a generator of their own: the measures are the same bytes with or without them.
    public var outcomes: Bool
    /// Every patient seen this many times, a month apart from January (a course of care);
    /// nil: one session, a second for every fifth patient.
    public var visits: Int?
    /// Only this visit (1-based) of each patient: the file a clinic writes on one round of
    /// visits. The patients' values are the same whichever visit is written.
    public var onlyVisit: Int?

    public init(patients: Int, seed: UInt64 = 1, idPrefix: String = "SYN", outcomes: Bool = false, visits: Int? = nil, onlyVisit: Int? = nil) {
        self.patients = patients
        self.seed = seed
        self.idPrefix = idPrefix
        self.outcomes = outcomes
        self.visits = visits
        self.onlyVisit = onlyVisit
    }

    /// SplitMix64: tiny, fast and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        /// Roughly normal (sum of uniforms), clamped to the range.
        mutating func around(_ mean: Double, _ sd: Double, _ range: ClosedRange<Double>) -> Double {
            let z = (unit() + unit() + unit() + unit() - 2) * 1.7320508
            return min(max(mean + z * sd, range.lowerBound), range.upperBound)
        }
    }

    /// Writes the file in pieces of about `chunk` bytes, so that any size streams.
    public func write(chunk: Int = 1 << 16, _ sink: (String) throws -> Void) rethrows {
        var random = Random(state: seed)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"lumbopelvic-balance\" clinic=\"Synthetic clinic \(seed)\">\n"
        for index in 0..<patients {
            out += patient(index, &random)
            if out.utf8.count >= chunk {
                try sink(out)
                out = ""
            }
        }
        out += "</measurements>\n"
        try sink(out)
    }

    private func one(_ v: Double) -> String { decimal((v * 10).rounded() / 10) }

    private func patient(_ index: Int, _ r: inout Random) -> String {
        let female = r.unit() < 0.5
        let age = r.int(18...80)
        let birthYear = 2026 - age - 1
        let birth = "\(birthYear)-\(pad2(r.int(1...12)))-\(pad2(r.int(1...28)))"
        let mass = female ? r.around(66, 11, 42...130) : r.around(82, 13, 50...150)
        var text = "  <patient id=\"\(idPrefix)-\(index + 1)\" sex=\"\(female ? "female" : "male")\" birthDate=\"\(birth)\" bodyMassKg=\"\(one(mass))\" heightCm=\"\(one(female ? r.around(164, 7, 145...190) : r.around(178, 7, 155...205)))\">\n"
        let hypertensive = r.unit() < 0.12
        if hypertensive { text += "    <condition code=\"hypertension\"/>\n" }
        if r.unit() < 0.04 { text += "    <condition code=\"glaucoma\"/>\n" }
        let sessions = visits ?? (index % 5 == 4 ? 2 : 1)
        for s in 0..<sessions {
            // Visits a month apart keep their order; otherwise as the generator always drew them.
            let month = visits != nil ? 1 + s : s == 0 ? r.int(1...6) : r.int(7...10)
            let before = text
            let systolic = hypertensive ? r.int(138...165) : r.int(105...135)
            let diastolic = hypertensive ? r.int(86...100) : r.int(65...84)
            text += "    <session date=\"2026-\(pad2(month))-\(pad2(r.int(1...28)))\" assessor=\"Synthetic\" bloodPressure=\"\(systolic)/\(diastolic)\">\n"
            let weakSide = r.unit() < 0.3 ? (r.unit() < 0.5 ? "left" : "right") : ""
            let bw = mass * 9.80665 / 100
            for (test, mean) in [("hip-abduction-strength", 16.9), ("hip-adduction-strength", 16.9), ("hip-extension-strength", 27.0), ("hip-flexion-strength", 38.5)] {
                for side in ["left", "right"] {
                    let deficit = side == weakSide ? 0.7 : 1.0
                    let base = r.around(mean * deficit, mean * 0.18, 3...80) * bw
                    text += "      <measure test=\"\(test)\" side=\"\(side)\" unit=\"N\"><trial>\(one(base * 0.95))</trial><trial>\(one(base))</trial><trial>\(one(base * 0.97))</trial></measure>\n"
                }
            }
            for (test, mean) in [("knee-extension-strength", 330.0), ("knee-flexion-strength", 160.0)] {
                for side in ["left", "right"] {
                    text += "      <measure test=\"\(test)\" side=\"\(side)\" unit=\"N\" value=\"\(one(r.around(mean, mean * 0.2, 40...1000)))\"/>\n"
                }
            }
            text += "      <measure test=\"trunk-flexor-endurance\" unit=\"s\" value=\"\(one(r.around(140, 60, 5...600)))\"/>\n"
            text += "      <measure test=\"trunk-extensor-endurance\" unit=\"s\" value=\"\(one(r.around(160, 50, 5...240)))\"/>\n"
            for side in ["left", "right"] {
                text += "      <measure test=\"side-bridge-endurance\" side=\"\(side)\" unit=\"s\" value=\"\(one(r.around(80, 28, 5...400)))\"/>\n"
            }
            for (test, mean, sd, range) in [("thomas-hip-angle", -10.6, 9.6, -40.0...30.0), ("thomas-knee-angle", 75.0, 9.0, 30.0...120.0), ("straight-leg-raise", 63.0, 9.0, 25.0...110.0), ("ober-angle", -24.6, 7.3, -50.0...10.0)] {
                for side in ["left", "right"] {
                    text += "      <measure test=\"\(test)\" side=\"\(side)\" unit=\"deg\" value=\"\(one(r.around(mean, sd, range)))\"/>\n"
                }
            }
            text += "      <measure test=\"sit-and-reach\" unit=\"cm\" value=\"\(one(r.around(45, 9, 10...80)))\"/>\n"
            text += "      <measure test=\"modified-schober\" unit=\"cm\" value=\"\(one(r.around(21.5, 1.3, 16...30)))\"/>\n"
            if outcomes { text += outcomeLines(index, s) }
            text += "    </session>\n"
            if let only = onlyVisit, only != s + 1 { text = before }
        }
        return text + "  </patient>\n"
    }

    /// Pain, Oswestry (a section unanswered now and then), Roland-Morris, PSFS and STarT Back.
    private func outcomeLines(_ index: Int, _ session: Int) -> String {
        var r = Random(state: seed ^ (UInt64(index) &* 0x2545_F491_4F6C_DD1D) ^ UInt64(session + 1))
        func items(_ count: Int, _ most: Int) -> String { (0..<count).map { _ in String(r.int(0...most)) }.joined(separator: " ") }
        var odi = (0..<10).map { _ in String(r.int(0...5)) }
        if r.unit() < 0.1 { odi[r.int(0...9)] = "-" }
        var text = "      <outcome instrument=\"nprs\" value=\"\(r.int(0...10))\"/>\n"
        text += "      <outcome instrument=\"odi\" items=\"\(odi.joined(separator: " "))\"/>\n"
        text += "      <outcome instrument=\"rmdq\" items=\"\(items(24, 1))\"/>\n"
        text += "      <outcome instrument=\"psfs\"><activity name=\"sitting\" score=\"\(r.int(0...10))\"/><activity name=\"walking\" score=\"\(r.int(0...10))\"/><activity name=\"lifting\" score=\"\(r.int(0...10))\"/></outcome>\n"
        text += "      <outcome instrument=\"start-back\" items=\"\(items(8, 1)) \(r.int(0...4))\"/>\n"
        return text
    }

    private func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
}
