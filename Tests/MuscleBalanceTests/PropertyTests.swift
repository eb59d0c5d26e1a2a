import MuscleBalanceTestSupport
import TestSupport
@testable import ClinicFiles
@testable import ClinicReports
@testable import MuscleBalance
@testable import MuscleBalanceCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Properties over many generated inputs (a seeded generator: a failure is reproducible).
@Suite("Properties")
struct PropertyTests {
    let scorer: BalanceScorer
    let balanceProtocol: BalanceProtocol

    init() throws {
        balanceProtocol = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        scorer = BalanceScorer(protocol: balanceProtocol)
    }

    static let here = SourceLocation(line: 1, element: "measure")

    /// Any finite double: tiny, huge, negative, zero, and everyday values.
    func anyFinite(_ r: inout SyntheticClinic.Random) -> Double {
        switch r.int(0...5) {
        case 0: return 0
        case 1: return (r.unit() - 0.5) * 400
        case 2: return r.unit() * 2000
        default:
            let magnitude = Double(sign: .plus, exponent: r.int(-1070...1020), significand: 1 + r.unit())
            return r.unit() < 0.5 ? -magnitude : magnitude
        }
    }

    func randomPatient(_ r: inout SyntheticClinic.Random, finite: Bool = true) -> Patient {
        var measures: [Measure] = []
        for test in balanceProtocol.tests where r.unit() < 0.8 {
            let sides: [BodySide?] = test.sides == .bilateral ? [.left, .right] : [nil]
            for side in sides {
                let units = MeasurementUnit.allCases.filter { $0.dimension == test.dimension }
                let unit = units[r.int(0...(units.count - 1))]
                let count = r.int(1...4)
                let values = (0..<count).map { _ in anyFinite(&r) }
                measures.append(Measure(test: test.id, side: side, unit: unit, unitText: unit.rawValue, value: count == 1 ? values[0] : nil,
                                        trials: count == 1 ? [] : values, note: nil, location: Self.here))
            }
        }
        let session = AssessmentSession(
            date: CivilDate(year: 2026, month: r.int(1...12), day: r.int(1...28)), dateText: "", assessor: nil,
            bloodPressure: r.unit() < 0.8 ? BloodPressure(systolic: r.int(90...200), diastolic: r.int(50...120)) : nil,
            measures: measures, location: Self.here)
        return Patient(
            id: "P", sex: r.unit() < 0.1 ? nil : (r.unit() < 0.5 ? .female : .male),
            birthDate: CivilDate(year: r.int(1900...2025), month: r.int(1...12), day: r.int(1...28)),
            bodyMassKg: r.unit() < 0.1 ? nil : abs(anyFinite(&r)) + Double.leastNonzeroMagnitude, heightCm: nil,
            conditions: balanceProtocol.conditions.filter { _ in r.unit() < 0.05 }.map { PatientCondition(code: $0.code, location: Self.here) },
            sessions: [session, session], location: Self.here)
    }

    /// A random patient of a sex and an adult age the norms cover, so that most results meet a
    /// norm.
    func adultPatient(_ r: inout SyntheticClinic.Random) -> Patient {
        var patient = randomPatient(&r)
        patient.sex = r.unit() < 0.5 ? .female : .male
        patient.birthDate = CivilDate(year: r.int(1946...2006), month: 6, day: 1)
        return patient
    }

    @Test("for any finite inputs the scorer does not crash and prints no NaN or infinity")
    func finite() throws {
        var r = SyntheticClinic.Random(state: 2026)
        var xml = ReportXML(protocol: balanceProtocol)
        let text = TextReport(protocol: balanceProtocol, clinic: nil)
        for iteration in 0..<400 {
            let score = scorer.score(randomPatient(&r))
            let broken = RobustnessHarness.nonFinite(in: score)
            #expect(broken.isEmpty, "iteration \(iteration): \(broken)")
            _ = xml.patient(score)
            _ = text.render(score)
            if !broken.isEmpty { break }
        }
    }

    @Test("a norm's attributes escaped once per file are what writing them in place gives")
    func normRuns() throws {
        // A second load of the protocol: equal content, other objects, so that the report
        // writer cannot use its runs and writes each norm attribute by attribute.
        let copy = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        var r = SyntheticClinic.Random(state: 11)
        var own = ReportXML(protocol: balanceProtocol), other = ReportXML(protocol: copy)
        var norms = 0
        for _ in 0..<200 {
            let score = scorer.score(adultPatient(&r))
            norms += score.sessions.flatMap(\.results).map(\.comparisons.count).reduce(0, +)
            let same = own.patient(score) == other.patient(score)
            #expect(same)
        }
        #expect(norms > 200)
    }

    /// Terminal columns of the test's alphabet, written out: CJK ideographs and emoji are two,
    /// a combining accent none, the rest one.
    static func referenceColumns(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x0300...0x036F: return 0
        case 0x4E00...0x9FFF, 0x1F600...0x1F64F: return 2
        default: return 1
        }
    }

    static func referenceColumns(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { $0 + referenceColumns($1) }
    }

    /// Greedy word wrap, one Character at a time: what `PageText` did before it worked on
    /// bytes, in terminal columns.
    static func referenceWrap(_ text: String, indent: Int, hanging: Int) -> String {
        var lines: [String] = []
        var line = String(repeating: " ", count: indent)
        var length = indent
        var empty = true
        for word in text.split(separator: " ") {
            let size = referenceColumns(word)
            if !empty && length + 1 + size > 80 {
                lines.append(line)
                line = String(repeating: " ", count: hanging)
                length = hanging
                empty = true
            }
            if !empty {
                line += " "
                length += 1
            }
            line += word
            length += size
            empty = false
        }
        lines.append(line)
        return lines.map { line in
            // Cut at 80 columns: a wide character that would straddle the edge goes.
            var kept = String.UnicodeScalarView()
            var used = 0
            for scalar in line.unicodeScalars {
                if used + referenceColumns(scalar) > 80 { break }
                used += referenceColumns(scalar)
                kept.append(scalar)
            }
            return String(kept) + "\n"
        }.joined()
    }

    @Test("paragraphs wrap as greedy word wrap does, on the fast path and off it")
    func wrapping() {
        var r = SyntheticClinic.Random(state: 31)
        let words = ["a", "z", "1.84,", "percentile", "[1,2]", "é", "中文", "😀", "e\u{301}", String(repeating: "x", count: 85), String(repeating: "ß", count: 50)]
        var fast = 0
        for _ in 0..<3000 {
            var text = r.unit() < 0.1 ? " " : ""
            for n in 0..<r.int(0...30) {
                if n > 0 { text += r.unit() < 0.1 ? String(repeating: " ", count: r.int(2...3)) : " " }
                text += words[r.int(0...(r.unit() < 0.9 ? 8 : words.count - 1))]
            }
            if r.unit() < 0.1 { text += " " }
            let indent = r.int(0...40), hanging = r.int(0...40)
            var page = PageText()
            page.wrap(text, indent: indent, hanging: hanging)
            let got = String(decoding: page.array, as: UTF8.self)
            #expect(got == Self.referenceWrap(text, indent: indent, hanging: hanging), "\(text.debugDescription) \(indent) \(hanging)")
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { b in
                let single = !text.hasPrefix(" ") && !text.hasSuffix(" ") && !text.contains("  ")
                #expect(PageText.isSingleSpaced(b) == single, "\(text.debugDescription)")
                #expect(PageText.columns(b) == Self.referenceColumns(text))
                if single && indent + Self.referenceColumns(text) <= 80 { fast += 1 }
            }
        }
        #expect(fast > 300)
    }

    @Test("a scored session's summary line written as bytes is the line of its SummaryRow")
    func scoredSummaryLines() {
        var r = SyntheticClinic.Random(state: 13)
        let names = ["clinic.xml", "a,b.xml", "say \"hi\".xml", "=cmd.xml", "-x.xml", "é,ü.xml", "P-1", "@p", "two\r\nlines", ""]
        var lines = 0
        for n in 0..<300 {
            let score = scorer.score(adultPatient(&r))
            let file = names[n % names.count], id = names[(n / names.count) % names.count]
            for session in score.sessions {
                var bytes: [UInt8] = [], expected: [UInt8] = []
                SummaryRow.appendScoredLine(file: file, patient: id, session: session, to: &bytes)
                SummaryRow(
                    file: file, patient: id, date: session.date.description,
                    overallIndex: session.overallIndex.map { decimal($0, digits: 1) } ?? "",
                    grade: session.overallGrade?.rawValue ?? "",
                    topFindings: session.findings.prefix(3).map(\.text).joined(separator: "; "), status: "scored"
                ).appendCSVLine(to: &expected)
                #expect(bytes == expected, "\(file) \(id)")
                lines += 1
            }
        }
        #expect(lines >= 600)
    }

    @Test("swapping left and right swaps the weaker side and keeps the asymmetry")
    func mirror() {
        var r = SyntheticClinic.Random(state: 7)
        for _ in 0..<400 {
            let patient = randomPatient(&r)
            var swapped = patient
            for s in swapped.sessions.indices {
                for m in swapped.sessions[s].measures.indices {
                    swapped.sessions[s].measures[m].side = swapped.sessions[s].measures[m].side?.opposite
                }
            }
            let a = scorer.score(patient).sessions[0].asymmetries
            let b = scorer.score(swapped).sessions[0].asymmetries
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) {
                #expect(x.testID == y.testID)
                #expect(x.value == y.value || (x.value?.isNaN ?? false))
                #expect(x.grade == y.grade)
                #expect(x.affectedSide == y.affectedSide?.opposite)
                #expect(x.left == y.right && x.right == y.left)
            }
        }
    }

    @Test("numbers written into bytes read exactly as decimal() and fixed() print them")
    func decimalBytes() {
        var r = SyntheticClinic.Random(state: 77)
        var values: [Double] = [
            0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.05, 0.000_005, 0.000_004_9, 0.000_01, 0.000_1, 0.001_234_5, 9.999_995, 99.999_999_9,
            123.456_789_5, -66.666_666_6, 1e14, 999_999_999.999_999, 1e15, 1e20, -1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            .infinity, -.infinity, .nan, 17.706_7, 105.084_274, 2.998_494, 16.85, 100,
        ]
        for _ in 0..<20_000 { values.append(anyFinite(&r)) }
        for _ in 0..<20_000 { values.append((r.unit() - 0.5) * pow(10, Double(r.int(-7...16)))) }
        for value in values {
            for digits in 0...7 {
                var bytes: [UInt8] = []
                appendDecimal(value, digits: digits, to: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == decimal(value, digits: digits), "\(value) to \(digits) digits")
                var fixedBytes: [UInt8] = []
                appendFixed(value, digits, to: &fixedBytes)
                #expect(String(decoding: fixedBytes, as: UTF8.self) == fixed(value, digits), "\(value) fixed to \(digits) digits")
                var sentence = TextBuilder(capacity: 4)
                sentence.add("z = ")
                sentence.add(fixed: value, digits)
                #expect(sentence.text == "z = " + fixed(value, digits), "\(value) fixed to \(digits) digits in a sentence")
            }
        }
        for date in [CivilDate(year: 2026, month: 11, day: 2), CivilDate(year: 987, month: 1, day: 31), CivilDate(year: 12345, month: 12, day: 9)].compactMap({ $0 }) {
            var bytes: [UInt8] = []
            date.appendISO8601(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == date.description)
        }
    }

    /// The parse mbt had before its fast path: trimmed, checked, then Swift's own Double(String).
    static func referenceParse(_ text: String) -> Double? {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = text.firstIndex(where: { !isSpace($0) }), let end = text.lastIndex(where: { !isSpace($0) }) else { return nil }
        var s = text[start...end]
        var sign = ""
        if let first = s.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            s = s.dropFirst()
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), s.count(where: { $0 == "." }) <= 1, s != "." else { return nil }
        var body = String(s)
        if body.hasPrefix(".") { body = "0" + body }
        if body.hasSuffix(".") { body += "0" }
        guard let value = Double(sign + body), value.isFinite else { return nil }
        return value
    }

    @Test("decimals in measurement files parse exactly as Swift's Double(String) would")
    func decimalParsing() {
        var r = SyntheticClinic.Random(state: 31)
        var texts = ["0", "-0", "+0", ".5", "5.", ".", "-.", "+", "", " 12.5 ", "1.2.3", "1e5", "0x10", "٣", "12a", "\t-7.25\n",
                     "9007199254740993", "123456789012345.6", "0.1", "0.3", "1234567890123456789012", "00000000000000000000001.5",
                     "99999999999999999999999999", "1" + String(repeating: "0", count: 400), "0." + String(repeating: "0", count: 30) + "1"]
        let alphabet = Array("0123456789..-+ e")
        for _ in 0..<30_000 {
            texts.append(String((0..<r.int(0...24)).map { _ in alphabet[r.int(0...(alphabet.count - 1))] }))
            texts.append(decimal((r.unit() - 0.5) * pow(10, Double(r.int(-8...17))), digits: r.int(0...6)))
        }
        for text in texts {
            let fast = parseDecimal(text)
            let reference = Self.referenceParse(text)
            #expect(fast?.bitPattern == reference?.bitPattern, "'\(text)': \(String(describing: fast)) vs \(String(describing: reference))")
        }
    }

    @Test("unit conversions round-trip")
    func conversions() {
        var r = SyntheticClinic.Random(state: 99)
        for _ in 0..<2000 {
            let unit = MeasurementUnit.allCases[r.int(0...(MeasurementUnit.allCases.count - 1))]
            let value = (r.unit() - 0.5) * Double(r.int(1...1_000_000))
            let back = unit.fromCanonical(unit.toCanonical(value))
            #expect(abs(back - value) <= abs(value) * 1e-15, "\(value) \(unit.rawValue) came back as \(back)")
        }
    }
}
