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
