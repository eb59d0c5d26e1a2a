import Foundation
import TestSupport
import Testing

/// Sheets as clinics keep them (issue 27), written by a second client (Python's csv module and
/// openpyxl): a row a spreadsheet used and cleared is no row; a reading column's header with a
/// slip in it is an error that says what to write, never a warning that drops the reading.
@Suite("Sheets as clinics keep them")
struct SheetHabitsTests {
    let scratch = Scratch("sheet-habits")

    /// Runs Python with `script`, which gets the folder as sys.argv[1].
    func python(_ script: String, in folder: String) throws {
        let result = try run("/usr/bin/env", ["python3", "-c", script, folder])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The XML report of `sheet`, without the line that names the input.
    func report(_ sheet: String, in folder: String, arguments: [String] = []) throws -> String {
        let out = try scratch.directory("out")
        let scored = try run(Paths.mbtBinary, ["score", sheet, "--out", out] + arguments, currentDirectory: folder)
        #expect(scored.status == 0, "\(sheet): \(scored.stdout)\(scored.stderr)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".report.xml") })
        let xml = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
        // The input's name differs by design; everything else must not.
        return xml.split(separator: "\n").filter { !$0.contains(" input=\"") }.joined(separator: "\n")
    }

    @Test("a row of empty or blank cells (',,,,' as Calc, Gnumeric and hand edits leave it) is skipped in CSV, TSV and workbooks")
    func blankRows() throws {
        let folder = try scratch.directory("blank")
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Examples/clinic-example.wide.csv", toPath: folder + "/clean.csv")
        try python("""
            import csv, sys, openpyxl
            folder = sys.argv[1]
            rows = list(csv.reader(open(folder + "/clean.csv", newline="", encoding="utf-8")))
            width = len(rows[0])
            blank, spaces = [""] * width, [" "] * (width - 3) + ["\\t", "", " "]
            with_blanks = rows[:2] + [spaces] + rows[2:] + [blank, blank]
            with open(folder + "/cleared.csv", "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(with_blanks)
            with open(folder + "/cleared.tsv", "w", newline="", encoding="utf-8") as f:
                csv.writer(f, delimiter="\\t").writerows(with_blanks)
            book = openpyxl.Workbook()
            sheet = book.active
            for row in rows[:2] + [[" "] * width] + rows[2:] + [[" "] * width]:
                sheet.append([None if c == "" else c for c in row])
            book.save(folder + "/cleared.xlsx")
            book = openpyxl.Workbook()
            for row in rows:
                book.active.append([None if c == "" else c for c in row])
            book.save(folder + "/clean.xlsx")
            """, in: folder)
        let clean = try report("clean.csv", in: folder)
        #expect(clean.contains("<patient id=\"RP-0003\""))
        #expect(try report("cleared.csv", in: folder) == clean)
        let tsv = try run(Paths.mbtBinary, ["validate", "cleared.tsv", "--delimiter", "tab"], currentDirectory: folder)
        #expect(tsv.status == 0, "\(tsv.stdout)")
        #expect(try report("cleared.xlsx", in: folder) == (try report("clean.xlsx", in: folder)))
    }

    @Test("a reading column's header with a slip is an error saying what to write; a foreign column stays a warning", arguments: [
        ("hip-abduction-strength L (kg)", "its unit 'kg' is not one mbt reads (N, kgf, lbf, deg, cm, mm, in, s); did you mean 'kgf': write it 'hip-abduction-strength L (kgf)'"),
        ("Hip Abduction Strength Left (N)", "did you mean 'hip-abduction-strength L (N)'?"),
        ("hip-abduction-strength R", "has no unit in brackets: write it 'hip-abduction-strength R (UNIT)'"),
        ("Weight (kg)", "looks like the body mass but is not read: name it 'body_mass_kg' (in kg)"),
    ])
    func headerSlips(header: String, message: String) throws {
        let folder = try scratch.directory("typo")
        try python("""
            import csv, sys
            with open(sys.argv[1] + "/clinic.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "\(header)", "Notes"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "150", "12", "felt fine"])
            """, in: folder)
        let checked = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(checked.status == 1, "\(checked.stdout)")
        #expect(checked.stdout.contains("clinic.csv:1:6: error: column '\(header)' "), "\(checked.stdout)")
        #expect(checked.stdout.contains(message), "\(checked.stdout)")
        #expect(checked.stdout.contains("clinic.csv:1:7: warning: column 'Notes' is not read"), "\(checked.stdout)")
    }

    @Test("a re-test in a long sheet (the same test, side and session again) is more trials of one measure, positions kept")
    func retestLong() throws {
        let folder = try scratch.directory("retest")
        try python("""
            import csv, sys
            with open(sys.argv[1] + "/clinic.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["patient_id", "sex", "birth_date", "session_date", "test", "side", "unit", "value", "trial"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "150", "1"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "152", "2"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "right", "N", "170", ""])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "161", "1"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "158", "2"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "right", "N", "9000", ""])
            """, in: folder)
        // The right side's re-test of 9000 N is implausible: reported at its own row and cell.
        let checked = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(checked.stdout.contains("clinic.csv:7:8: error:"), "\(checked.stdout)")
        #expect(!checked.stdout.contains("measured twice"), "\(checked.stdout)")
        // Without it: one measure per side, the best of four trials on the left (combine max).
        try python("""
            import sys
            path = sys.argv[1] + "/clinic.csv"
            lines = open(path, encoding="utf-8").read().splitlines(True)
            open(path, "w", encoding="utf-8").write("".join(lines[:-1]))
            """, in: folder)
        let xml = try report("clinic.csv", in: folder)
        #expect(xml.contains("<result test=\"hip-abduction-strength\" side=\"left\" value=\"161\""), "\(xml)")
        // Every trial kept, in the sheet's order.
        #expect(xml.contains("<trial>150</trial>\n      <trial>152</trial>\n      <trial>161</trial>\n      <trial>158</trial>"), "\(xml)")
        #expect(xml.contains("<result test=\"hip-abduction-strength\" side=\"right\" value=\"170\""))
    }

    @Test("a re-test's note joins the first one's: no note a clinician wrote is dropped")
    func retestNotes() throws {
        let folder = try scratch.directory("retest-notes")
        try python("""
            import csv, sys
            with open(sys.argv[1] + "/clinic.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["patient_id", "sex", "birth_date", "session_date", "test", "side", "unit", "value", "trial", "note"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "150", "", "pain at end of range"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "right", "N", "170", "", ""])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "158", "", "repeated after rest"])
            """, in: folder)
        let imported = try run(Paths.mbtBinary, ["import", "clinic.csv", "-o", "-"], currentDirectory: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("note=\"pain at end of range; repeated after rest\"><trial>150</trial><trial>158</trial>"), "\(imported.stdout)")
    }

    @Test("a device export's re-test (the same test twice in one session) is trials of one measure")
    func retestDevice() throws {
        let folder = try scratch.directory("retest-device")
        let export = try String(contentsOfFile: Paths.packageRoot + "/Examples/vald-style-export.csv", encoding: .utf8)
        // RP-0001's hip abduction again, stronger on the left, later the same day.
        let retest = "RP-0001,02/11/2026,10:40 AM,ForceFrame,Hip Abduction,121,111,8.3\n"
        try (export + (export.hasSuffix("\n") ? "" : "\n") + retest).write(toFile: folder + "/export.csv", atomically: true, encoding: .utf8)
        let arguments = ["--map", Paths.packageRoot + "/Examples/vald-style.map.csv", "--patients", Paths.packageRoot + "/Examples/vald-style-profiles.csv"]
        let out = try scratch.directory("out")
        let scored = try run(Paths.mbtBinary, ["score", "export.csv", "--out", out] + arguments, currentDirectory: folder)
        #expect(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".report.xml") })
        let xml = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
        let patient = try #require(xml.range(of: "<patient id=\"RP-0001\"").map { String(xml[$0.lowerBound...]) })
        #expect(patient.contains("<result test=\"hip-abduction-strength\" side=\"left\" value=\"121\""), "\(patient.prefix(3000))")
        #expect(patient.contains("<result test=\"hip-abduction-strength\" side=\"right\" value=\"113\""))
    }

    /// The report's patients, each block on its own, in id order: a gathered sheet lists them
    /// in the order they first appear, which is the only difference allowed.
    func patients(_ xml: String) -> [String] {
        xml.components(separatedBy: "<patient id=").dropFirst().map { block in
            block.components(separatedBy: "</patient>").first ?? block
        }.sorted()
    }

    @Test("a sheet kept in date order (a row appended per visit) scores to the same figures as the sheet kept by patient: long and wide CSV, TSV, workbook")
    func dateOrder() throws {
        let folder = try scratch.directory("date-order")
        for name in ["clinic-example.long.csv", "clinic-example.wide.csv"] {
            try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Examples/" + name, toPath: folder + "/" + name)
        }
        try python("""
            import csv, sys, openpyxl
            folder = sys.argv[1]
            for kind in ["long", "wide"]:
                rows = list(csv.reader(open(folder + "/clinic-example." + kind + ".csv", newline="", encoding="utf-8")))
                header, body = rows[0], rows[1:]
                date = header.index("session_date")
                body.sort(key=lambda r: r[date])  # stable: each visit's rows stay together
                assert [r[0] for r in body] != sorted([r[0] for r in body], key=[r[0] for r in rows[1:]].index)
                with open(folder + "/dated." + kind + ".csv", "w", newline="", encoding="utf-8") as f:
                    csv.writer(f).writerows([header] + body)
                with open(folder + "/dated." + kind + ".tsv", "w", newline="", encoding="utf-8") as f:
                    csv.writer(f, delimiter="\\t").writerows([header] + body)
                book = openpyxl.Workbook()
                for row in [header] + body:
                    book.active.append([None if c == "" else c for c in row])
                book.save(folder + "/dated." + kind + ".xlsx")
            """, in: folder)
        for kind in ["long", "wide"] {
            let kept = patients(try report("clinic-example.\(kind).csv", in: folder))
            #expect(kept.count == 3)
            #expect(patients(try report("dated.\(kind).csv", in: folder)) == kept, "\(kind)")
            #expect(patients(try report("dated.\(kind).xlsx", in: folder)) == kept, "\(kind) workbook")
            let tsv = try run(Paths.mbtBinary, ["validate", "dated.\(kind).tsv", "--delimiter", "tab"], currentDirectory: folder)
            #expect(tsv.status == 0 && !tsv.stdout.contains("duplicate"), "\(tsv.stdout)")
        }
        // The returning patient's visit of today is in his report, not only the one before.
        let text = try run(Paths.mbtBinary, ["report", "dated.wide.csv", "--patient", "RP-0003"], currentDirectory: folder)
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("Session 2026-11-05"), "\(text.stdout)")
        #expect(text.stdout.contains("Sessions on file: 2026-09-15, 2026-11-05"), "\(text.stdout)")
    }

    @Test("a gathered sheet's problems name the rows and cells typed, also those the rules find and the lines they cite")
    func dateOrderPositions() throws {
        let folder = try scratch.directory("date-order-positions")
        try python("""
            import csv, sys
            with open(sys.argv[1] + "/clinic.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["patient_id", "sex", "birth_date", "session_date", "test", "side", "unit", "value"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-10-01", "hip-abduction-strength", "left", "N", "150"])
                w.writerow(["LK-0102", "female", "1990-01-01", "2026-10-01", "hip-abduction-strength", "left", "N", "120"])
                w.writerow(["LK-0101", "male", "1980-01-01", "2026-11-01", "hip-abduction-strength", "left", "N", "abc"])
                w.writerow(["LK-0102", "female", "1990-01-01", "2026-11-01", "hip-abduction-strength", "left", "N", "9000"])
                w.writerow(["LK-0103", "female", "1990-01-01", "2026-11-01", "hip-abduction-strength", "left", "N", "100"])
                w.writerow(["LK-0103", "female", "1990-01-01", "2026-11-02", "hip-abduction-strength", "left", "N", "101"])
                w.writerow(["LK-0102", "female", "1990-01-01", "01/10/2026", "hip-abduction-strength", "right", "N", "125"])
            """, in: folder)
        let checked = try run(Paths.mbtBinary, ["validate", "clinic.csv", "--date-format", "dd/mm/yyyy"], currentDirectory: folder)
        #expect(checked.status == 1)
        // A cell's problem, found in the cells; a plausibility error, found by the rules on the
        // made XML, where LK-0102's rows were gathered onto other lines.
        #expect(checked.stdout.contains("clinic.csv:4:8: error: 'abc' in column value is not a number"), "\(checked.stdout)")
        #expect(checked.stdout.contains("clinic.csv:5:8: error: 9000 N"), "\(checked.stdout)")
        // The same day written two ways, rows apart: the second session cites the first's row.
        #expect(checked.stdout.contains("clinic.csv:8:4: error: patient 'LK-0102' has a second session on 2026-10-01 (first on line 3)"), "\(checked.stdout)")
        // A patient whose rows moved to later lines is placed on the row of his first.
        #expect(checked.stdout.contains("clinic.csv:6:1: warning: patient 'LK-0103' has the sex and birth date of 'LK-0102'"), "\(checked.stdout)")
        #expect(!checked.stdout.contains("duplicate patient id"), "\(checked.stdout)")
    }

    @Test("a report of a patient whose id appears again later in the file refuses, naming the line: no older session passes as the newest")
    func reportDuplicateLater() throws {
        let folder = try scratch.directory("report-duplicate")
        var xml = try String(contentsOfFile: Paths.packageRoot + "/Examples/clinic-example.xml", encoding: .utf8)
        let start = try #require(xml.range(of: "<patient id=\"RP-0001\""))
        let end = try #require(xml.range(of: "</patient>", range: start.upperBound..<xml.endIndex))
        let later = xml[start.lowerBound..<end.upperBound].replacingOccurrences(of: "2026-11-02", with: "2026-12-01")
        xml = xml.replacingOccurrences(of: "</measurements>", with: later + "\n</measurements>")
        try xml.write(toFile: folder + "/clinic.xml", atomically: true, encoding: .utf8)
        let line = xml[..<xml.range(of: later)!.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).count
        let result = try run(Paths.mbtBinary, ["report", "clinic.xml", "--patient", "RP-0001"], currentDirectory: folder)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr.contains("clinic.xml:\(line): error: patient 'RP-0001' appears again"), "\(result.stderr)")
    }

    @Test("the handout greets the patient by the name the file records (sheet or XML), by the id otherwise; a name with a control character is refused")
    func handoutName() throws {
        let folder = try scratch.directory("handout-name")
        try python("""
            import csv, sys
            with open(sys.argv[1] + "/clinic.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["patient_id", "patient_name", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "hip-abduction-strength R (N)"])
                w.writerow(["LK-0101", "Ann Berg", "female", "1980-01-01", "2026-11-02", "90", "130"])
                w.writerow(["LK-0102", "", "male", "1970-01-01", "2026-11-02", "150", "152"])
                w.writerow(["LK-0103", "Bo\\x07b", "male", "1971-01-01", "2026-11-02", "150", "152"])
            """, in: folder)
        for (id, greeting) in [("LK-0101", "For Ann Berg (LK-0101), from the assessment of 2026-11-02."), ("LK-0102", "For LK-0102, from the assessment of 2026-11-02.")] {
            let page = try run(Paths.mbtBinary, ["report", "clinic.csv", "--patient", id, "--format", "handout", "-o", "-"], currentDirectory: folder)
            #expect(page.status == 0, "\(page.stderr)")
            #expect(page.stdout.contains(greeting), "\(page.stdout)")
        }
        let refused = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(refused.stdout.contains("clinic.csv:4:2: error: patient_name holds a control character (U+0007); remove it"), "\(refused.stdout)")
        // The same name in an XML file.
        let xml = try String(contentsOfFile: Paths.example, encoding: .utf8)
            .replacingOccurrences(of: "<patient id=\"RP-0001\"", with: "<patient id=\"RP-0001\" name=\"Rita P\u{e9}rez\"")
        try xml.write(toFile: folder + "/clinic.xml", atomically: true, encoding: .utf8)
        let page = try run(Paths.mbtBinary, ["report", "clinic.xml", "--patient", "RP-0001", "--format", "handout", "-o", "-"], currentDirectory: folder)
        #expect(page.stdout.contains("For Rita P\u{e9}rez (RP-0001), from the assessment of"), "\(page.stdout)\(page.stderr)")
    }

    @Test("sheets LibreOffice Calc wrote (dates as dates, a number as text, a formula, date order, a cleared row, a second sheet; a German Calc's ';', decimal commas and dd.mm.yyyy) score to the example's figures")
    func libreOffice() throws {
        let folder = try scratch.directory("libreoffice")
        let fixtures = Paths.packageRoot + "/Tests/MuscleBalanceTests/Fixtures/libreoffice"
        for name in ["calc.csv", "calc.xlsx", "calc-german.csv"] {
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: folder + "/" + name)
        }
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Examples/clinic-example.wide.csv", toPath: folder + "/example.csv")
        let expected = patients(try report("example.csv", in: folder))
        #expect(expected.count == 3)
        // The fixtures are what the test says they are: Calc's own writing, its habits in them.
        let csv = try String(contentsOfFile: folder + "/calc.csv", encoding: .utf8)
        #expect(csv.contains("\n" + String(repeating: ",", count: 60) + "\n"), "a cleared row")
        let german = try String(contentsOfFile: folder + "/calc-german.csv", encoding: .utf8)
        #expect(german.contains(";64,5;") && german.contains(";02.11.2026;"), "decimal commas and German dates")
        #expect(patients(try report("calc.csv", in: folder)) == expected)
        #expect(patients(try report("calc.xlsx", in: folder)) == expected)
        #expect(patients(try report("calc-german.csv", in: folder, arguments: ["--delimiter", ";", "--decimal-comma", "--date-format", "dd/mm/yyyy"])) == expected)
    }
}

