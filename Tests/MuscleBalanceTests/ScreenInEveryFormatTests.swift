import ClinicFiles
import Foundation
import MuscleBalanceCore
import TestSupport
import Testing

/// The screen reaches every page a clinician or patient reads (issue 26): a screened patient
/// with each condition of the default protocol that an adjunct names (directly, through a
/// category, or as a category of named members), one at 140/90, one over each of the inversion
/// table's user limits, scored by the real binary: the XML report, the text report, the HTML
/// page and the handout each refuse the therapy with the reason. Generated from the protocol.
@Suite("The screen in every format")
struct ScreenInEveryFormatTests {
    let scratch = Scratch("screen-formats")

    /// (patient id, conditions, blood pressure, height, body mass, the adjunct that must be refused).
    static func patients() throws -> [(String, [String], String, String, String, String)] {
        let p = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let categories = ConditionCategories(p.conditions)
        var out: [(String, [String], String, String, String, String)] = []
        for adjunct in p.adjuncts {
            let named = Set(adjunct.contraindications.map(\.condition))
            for (i, c) in p.conditions.enumerated() {
                let covered = categories.codes(covering: c.code).contains(where: named.contains)
                let members = categories.members(of: c.code).contains(where: named.contains)
                guard covered || members else { continue }
                out.append(("\(adjunct.id == "inversion-table" ? "INV" : "WBV")-\(i)", [c.code], "118/76", "170", "70", adjunct.id))
            }
        }
        out.append(("BP-140-90", [], "140/90", "170", "70", "inversion-table"))
        out.append(("TALL-203", [], "118/76", "203", "70", "inversion-table"))
        out.append(("HEAVY-150", [], "118/76", "170", "150", "inversion-table"))
        return out
    }

    @Test("every refused patient is refused, with the reason, in the XML, text, HTML and handout")
    func everyFormat() throws {
        let patients = try Self.patients()
        #expect(patients.count > 100)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"lumbopelvic-balance\">\n"
        for (id, conditions, bp, height, mass, _) in patients {
            xml += "  <patient id=\"\(id)\" sex=\"female\" birthDate=\"1985-01-01\" bodyMassKg=\"\(mass)\" heightCm=\"\(height)\">\n"
            for c in conditions { xml += "    <condition code=\"\(c)\"/>\n" }
            xml += "    <session date=\"2026-11-02\" bloodPressure=\"\(bp)\" screened=\"2026-11-02\">\n"
            xml += "      <measure test=\"hip-abduction-strength\" side=\"left\" unit=\"N\" value=\"100\"/>\n"
            xml += "      <measure test=\"hip-abduction-strength\" side=\"right\" unit=\"N\" value=\"102\"/>\n"
            xml += "    </session>\n  </patient>\n"
        }
        xml += "</measurements>\n"
        let folder = try scratch.directory("in")
        try xml.write(toFile: folder + "/screen.xml", atomically: true, encoding: .utf8)
        let out = try scratch.directory("out"), handouts = try scratch.directory("handouts")
        let scored = try run(Paths.mbtBinary, ["score", "screen.xml", "--out", out, "--html"], currentDirectory: folder)
        #expect(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        let handout = try run(Paths.mbtBinary, ["score", "screen.xml", "--out", handouts, "--html", "--stylesheet", Paths.packageRoot + "/Reports/handout.html.xsl"], currentDirectory: folder)
        #expect(handout.status == 0, "\(handout.stderr)")
        let report = try String(contentsOfFile: out + "/screen.report.xml", encoding: .utf8)
        let text = try String(contentsOfFile: out + "/screen.report.txt", encoding: .utf8)
        let html = try String(contentsOfFile: out + "/screen.report.html", encoding: .utf8)
        let page = try String(contentsOfFile: handouts + "/screen.report.html", encoding: .utf8)
        let name = ["inversion-table": "Inversion table", "whole-body-vibration": "Whole body vibration"]
        for (id, _, _, _, _, adjunct) in patients {
            let therapy = try #require(name[adjunct])
            // XML: the patient's adjunct element, not offered, with a reason.
            let block = try #require(Self.section(of: report, from: "<patient id=\"\(id)\"", to: "</patient>"), "\(id) in the XML")
            let element = try #require(Self.section(of: block, from: "<adjunct id=\"\(adjunct)\"", to: "</adjunct>"))
            #expect(element.contains("offered=\"false\"") && element.contains("<reason>"), "\(id): \(element)")
            #expect(element.contains("verdict=\"not-recommended\"") || element.contains("verdict=\"physician-approval\""), "\(id): \(element)")
            // Text: the patient's page says so in words.
            let textPage = try #require(text.split(separator: "\u{0C}").first { $0.contains("Patient \(id) ") }, "\(id) in the text")
            #expect(textPage.contains("\(therapy): NOT RECOMMENDED:") || textPage.contains("\(therapy): ONLY WITH A PHYSICIAN'S APPROVAL:"), "\(id)")
            // HTML: the patient's section.
            // From the facts table's cell holding the id to the session's sources.
            let htmlBlock = try #require(Self.section(of: html, from: "<td>\(id)</td>", to: "<h2>Sources</h2>"), "\(id) in the HTML")
            #expect(htmlBlock.contains("\(therapy)</strong>: <strong class=\"no\">"), "\(id)")
            // The handout: the patient is told not to use it.
            let handoutBlock = try #require(Self.section(of: page, from: "For \(id), from", to: "</section>"), "\(id) in the handout")
            #expect(handoutBlock.contains("Do not use the \(therapy)"), "\(id)")
        }
    }

    /// The text from the first `from` to the next `to` after it.
    static func section(of text: String, from: String, to: String) -> String? {
        guard let start = text.range(of: from) else { return nil }
        let end = text.range(of: to, range: start.upperBound..<text.endIndex)?.upperBound ?? text.endIndex
        return String(text[start.lowerBound..<end])
    }
}
