@testable import ClinicReports
import FastText
import MBXML
import SeededRandom
import MuscleBalanceCore
import Testing

/// The report writer's own pieces over `XMLFragmentWriter`: the report's enumerated words and
/// attribute runs written once and replayed.
@Suite("Report XML words and attribute runs")
struct ReportXMLWordsTests {
    static let alphabet = ["a", "Z", "0", " ", "-", "<", ">", "&", "\"", "'", "\t", "\n", "\r", "\u{1}", "é", "中", "\u{FFFE}", "😀", "]]>"]
    static let names: [StaticString] = ["a", "report", "result", "x-y", "n.1", "_z", "side", "value"]

    func randomString(_ r: inout SplitMix64) -> String {
        r.string(from: Self.alphabet)
    }

    @Test("a run of attributes escaped once writes what the attribute calls write in place")
    func attributeRuns() {
        var r = SplitMix64(state: 7)
        for _ in 0..<300 {
            let values = (0..<r.below(4)).map { _ in r.below(5) == 0 ? nil : randomString(&r) }
            func attributes(_ w: inout XMLFragmentWriter) {
                for (n, value) in values.enumerated() { w.attribute(Self.names[n % Self.names.count], value) }
                w.attribute("n", plain: { appendInteger(values.count, to: &$0) })
            }
            let run = XMLAttributeRun(attributes)
            var inPlace = XMLFragmentWriter(), fromRun = XMLFragmentWriter()
            inPlace.start("norm")
            inPlace.attribute("kind", "meanSD")
            attributes(&inPlace)
            inPlace.end()
            fromRun.start("norm")
            fromRun.attribute("kind", "meanSD")
            fromRun.attributes(run)
            fromRun.end()
            var a: [UInt8] = [], b: [UInt8] = []
            inPlace.take(into: &a)
            fromRun.take(into: &b)
            #expect(a == b, "\(values)")
        }
    }

    /// Every case's word, beside its raw value.
    static func words<T: XMLWord>(_: T.Type) -> [(String, String)] {
        T.allCases.map { ($0.rawValue, $0.xmlWord.description) }
    }

    @Test("the report's enumerated words are their raw values, case by case")
    func enumeratedWords() {
        let all = Self.words(Grade.self) + Self.words(BodySide.self) + Self.words(BodyRegion.self) + Self.words(MeasurementUnit.self)
            + Self.words(TrialCombination.self) + Self.words(AsymmetryFormula.self) + Self.words(MuscleProblem.self)
            + Self.words(RatioTerm.self) + Self.words(ProgressItem.Verdict.self)
        #expect(all.count == 4 + 2 + 3 + 8 + 5 + 3 + 5 + 2 + 4)
        for (raw, word) in all { #expect(raw == word) }
        for unit in MeasurementUnit.allCases.map(NormUnit.absolute) + [.percentOfBodyWeight] {
            #expect(unit.word.description == unit.symbol)
        }
        var a = XMLFragmentWriter(), b = XMLFragmentWriter()
        a.start("x")
        a.attribute("side", word: BodySide.left.xmlWord)
        a.attribute("grade", word: nil)
        a.end()
        b.start("x")
        b.attribute("side", "left")
        b.end()
        var x: [UInt8] = [], y: [UInt8] = []
        a.take(into: &x)
        b.take(into: &y)
        #expect(x == y)
    }
}
