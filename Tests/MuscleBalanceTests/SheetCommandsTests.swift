import Foundation
import TestSupport
import Testing

/// `mbt template` and `mbt import`'s refusal, each read back or checked by a second client.
@Suite("Sheet commands")
struct SheetCommandsTests {
    let scratch = Scratch("sheet-commands")

    @Test("mbt template --layout wide: Python's csv reads it, and filled in by Python it validates")
    func template() throws {
        let root = try scratch.directory("template")
        let made = try run(Paths.mbtBinary, ["template", "--layout", "wide", "--trials", "2", "-o", "clinic.csv"], currentDirectory: root)
        #expect(made.status == 0, "\(made.stderr)")
        let python = try #require(findExecutable("python3"))
        // Python reads the header, checks it, and appends one patient's session: two trials of
        // the left hip abduction and one midline hold, every other cell empty.
        let filled = try run(python, ["-c", """
            import csv, sys
            rows = list(csv.reader(open('clinic.csv', newline='')))
            header = rows[0]
            assert len(rows) == 1
            assert header[:9] == ['patient_id','sex','birth_date','body_mass_kg','height_cm','conditions','session_date','assessor','blood_pressure'], header[:9]
            assert 'hip-abduction-strength L (N) t1' in header and 'hip-abduction-strength R (N) t2' in header, header
            assert 'trunk-flexor-endurance (s) t1' in header and not any(h.startswith('trunk-flexor-endurance L') for h in header), header
            row = {h: '' for h in header}
            row.update({'patient_id': 'T-1', 'sex': 'female', 'birth_date': '1990-04-02', 'body_mass_kg': '61.5', 'session_date': '2026-11-02',
                        'hip-abduction-strength L (N) t1': '110', 'hip-abduction-strength L (N) t2': '114', 'trunk-flexor-endurance (s) t1': '96'})
            with open('clinic.csv', 'a', newline='') as f:
                csv.DictWriter(f, fieldnames=header, dialect='excel').writerow(row)
            print(len(header))
            """], currentDirectory: root)
        #expect(filled.status == 0, "\(filled.stderr)")
        let checked = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: root)
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(!checked.stdout.contains("error:"))
    }

    @Test("mbt template -o clinic.xlsx writes a real workbook: openpyxl reads the header, the frozen row and the lists; filled in by openpyxl it validates")
    func templateWorkbook() throws {
        let root = try scratch.directory("template-xlsx")
        for layout in ["wide", "long"] {
            let made = try run(Paths.mbtBinary, ["template", "--layout", layout, "-o", "\(layout).xlsx"], currentDirectory: root)
            #expect(made.status == 0, "\(made.stderr)")
            let python = try #require(findExecutable("python3"))
            let filled = try run(python, ["-c", """
                import openpyxl, sys
                layout = sys.argv[1]
                book = openpyxl.load_workbook(layout + '.xlsx')
                sheet = book.active
                header = [c.value for c in sheet[1]]
                assert sheet.max_row == 1, sheet.max_row
                assert header[:2] == ['patient_id', 'sex'], header
                assert sheet.freeze_panes == 'A2', sheet.freeze_panes
                lists = {str(d.sqref): d.formula1 for d in sheet.data_validations.dataValidation}
                assert lists.get('B2:B1048576') == '"female,male"', lists
                if layout == 'long':
                    side = openpyxl.utils.get_column_letter(header.index('side') + 1)
                    assert lists.get(side + '2:' + side + '1048576') == '"left,right"', lists
                    rows = [['T-1', 'female', '1990-04-02', 61.5, None, None, '2026-11-02', None, None, None, 'hip-abduction-strength', 'left', 'N', 110, None]]
                else:
                    row = {h: None for h in header}
                    row.update({'patient_id': 'T-1', 'sex': 'female', 'birth_date': '1990-04-02', 'session_date': '2026-11-02', 'hip-abduction-strength L (N)': 110})
                    rows = [[row[h] for h in header]]
                for r in rows:
                    sheet.append(r[:len(header)])
                book.save(layout + '.xlsx')
                """, layout], currentDirectory: root)
            #expect(filled.status == 0, "\(filled.stderr)")
            let checked = try run(Paths.mbtBinary, ["validate", "\(layout).xlsx"], currentDirectory: root)
            #expect(checked.status == 0 && !checked.stdout.contains("error:"), "\(layout): \(checked.stdout)")
        }
        // A spreadsheet kind mbt does not write is refused, with nothing written.
        let refused = try run(Paths.mbtBinary, ["template", "-o", "clinic.ods"], currentDirectory: root)
        #expect(refused.status != 0 && refused.stderr.contains("not .ods"))
        #expect(!FileManager.default.fileExists(atPath: root + "/clinic.ods"))
    }

    @Test("mbt template --layout long writes the long layout's header")
    func templateLong() throws {
        let made = try run(Paths.mbtBinary, ["template", "--layout", "long"])
        #expect(made.stdout == "patient_id,sex,birth_date,body_mass_kg,height_cm,conditions,session_date,assessor,blood_pressure,screened,test,side,unit,value,trial\r\n")
    }

    @Test("mbt import of a sheet with an error prints it at its cell and writes nothing")
    func importRefused() throws {
        let root = try scratch.directory("import")
        let sheet = Paths.fixtures + "/sheets/quoted.csv"
        let result = try run(Paths.mbtBinary, ["import", sheet, "-o", "out.xml"], currentDirectory: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("quoted.csv:6:13: error: '12x' in column value is not a number"))
        #expect(result.stderr.contains("not imported: 1 error; nothing written"))
        let left = try FileManager.default.contentsOfDirectory(atPath: root)
        #expect(left.isEmpty, "\(left)")
    }
}
