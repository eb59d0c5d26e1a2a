import Foundation
import TestSupport
import Testing

/// Sheets that lie (issue 28), written by openpyxl and then altered inside the zip with
/// Python's zipfile: each is refused at its cell with a message, never read on with a reading
/// replaced, dropped or invented, and never a crash.
@Suite("Hostile sheets")
struct HostileSheetsTests {
    let scratch = Scratch("hostile-sheets")

    @Test("a workbook that lies is refused at its cell", arguments: [
        ("<c r=\"F2\"", "<c r=\"ZZZZZZ2\"", "error: cell reference 'ZZZZZZ2' is not a cell of a sheet (A1 to XFD1048576)"),
        ("<c r=\"F2\"", "<c r=\"XFE2\"", "error: cell reference 'XFE2' is not a cell of a sheet"),
        ("<c r=\"F2\"", "<c r=\"F9223372036854775807\"", "error: cell reference 'F9223372036854775807' is not a cell of a sheet"),
        ("<row r=\"2\"", "<row r=\"9223372036854775807\"", "error: row number '9223372036854775807' is not a row of a sheet (1 to 1048576)"),
        ("<c r=\"F2\"", "<c r=\"E2\"", "error: cell E2 is stored twice or out of order"),
        ("<row r=\"3\"", "<row r=\"2\"", "error: row 2 comes after row 2"),
        // openpyxl writes text inline; a shared-text index is put in its place.
        ("<c r=\"B2\" t=\"inlineStr\"><is><t>male</t></is></c>", "<c r=\"B2\" t=\"s\"><v>9999</v></c>", "error: cell B2 points at shared text 9999, which the workbook does not have"),
        ("<c r=\"B2\" t=\"inlineStr\"><is><t>male</t></is></c>", "<c r=\"B2\" t=\"s\"><v>-1</v></c>", "error: cell B2 points at shared text -1"),
    ])
    func workbookLies(original: String, altered: String, message: String) throws {
        let folder = try scratch.directory("lies")
        let script = """
            import sys, zipfile, openpyxl
            folder, original, altered = sys.argv[1], sys.argv[2], sys.argv[3]
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "hip-abduction-strength R (N)"])
            sheet.append(["LK-0101", "male", "1980-01-01", "2026-11-02", 150, 170])
            sheet.append(["LK-0102", "female", "1990-01-01", "2026-11-02", 120, 125])
            book.save(folder + "/clean.xlsx")
            with zipfile.ZipFile(folder + "/clean.xlsx") as zin, zipfile.ZipFile(folder + "/lie.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    if item.filename == "xl/worksheets/sheet1.xml":
                        text = data.decode()
                        assert original in text, text
                        data = text.replace(original, altered, 1).encode()
                    zout.writestr(item, data)
            """
        let made = try run("/usr/bin/env", ["python3", "-c", script, folder, original, altered])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try run(Paths.mbtBinary, ["validate", "clean.xlsx"], currentDirectory: folder).status == 0)
        let result = try run(Paths.mbtBinary, ["validate", "lie.xlsx"], currentDirectory: folder)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains(message), "\(result.stdout)\(result.stderr)")
    }

    @Test("a row with a value past the header's last column is an error at that cell, in CSV and workbooks")
    func pastTheHeader() throws {
        let folder = try scratch.directory("past")
        try """
            patient_id,sex,birth_date,session_date,hip-abduction-strength L (N)
            LK-0101,male,1980-01-01,2026-11-02,150,
            LK-0102,female,1990-01-01,2026-11-02,120,125

            """.write(toFile: folder + "/clinic.csv", atomically: true, encoding: .utf8)
        let result = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("clinic.csv:3:6: error: the row has '125' in column 6, past the header's last column (5)"), "\(result.stdout)")
        // The empty cell after LK-0101's reading (a trailing comma) is nothing.
        #expect(!result.stdout.contains("clinic.csv:2:"), "\(result.stdout)")
    }

    @Test("a sheet saved as Latin-1 is refused at its cells, never read as two patients made one")
    func latin1() throws {
        let folder = try scratch.directory("latin1")
        let text = """
            patient_id,sex,birth_date,session_date,hip-abduction-strength L (N)
            M\u{C4}LLER-1,male,1980-01-01,2026-11-02,150
            M\u{D6}LLER-1,male,1970-01-01,2026-11-02,120

            """
        try Data(text.data(using: .isoLatin1)!).write(to: URL(fileURLWithPath: folder + "/clinic.csv"))
        let result = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(result.status == 1)
        // Decoded, both ids read M\u{FFFD}LLER-1: the first is refused for its bytes, and the
        // second is not taken silently for the same patient.
        #expect(result.stdout.contains("clinic.csv:2:1: error: patient_id holds bytes that are not UTF-8 text: the sheet was saved in another encoding (Latin-1 or Windows-1252?); save it as \"CSV UTF-8\", or read it with --encoding windows-1252 (or latin-1)"), "\(result.stdout)")
        #expect(result.stdout.contains("clinic.csv:3:3: error: birth_date '1970-01-01' differs from '1980-01-01' on line 2"), "\(result.stdout)")
        // The same sheet as UTF-8 reads, two patients.
        try text.write(toFile: folder + "/utf8.csv", atomically: true, encoding: .utf8)
        let good = try run(Paths.mbtBinary, ["validate", "utf8.csv"], currentDirectory: folder)
        #expect(good.status == 0, "\(good.stdout)")
        // Read as what it was saved in (--encoding), it is two patients too; in date order (gathered), and a
        // Windows-1252 letter (the euro sign, 0x80) that Latin-1 has not.
        let dated = text + "M\u{C4}LLER-1,male,1980-01-01,2026-11-09,155\n\u{20AC}-3,female,1990-01-01,2026-11-09,130\n"
        try Data(dated.data(using: .windowsCP1252)!).write(to: URL(fileURLWithPath: folder + "/cp1252.csv"))
        let imported = try run(Paths.mbtBinary, ["import", "cp1252.csv", "--encoding", "windows-1252", "-o", "-"], currentDirectory: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        for id in ["M\u{C4}LLER-1", "M\u{D6}LLER-1", "\u{20AC}-3"] {
            #expect(imported.stdout.components(separatedBy: "<patient id=\"\(id)\"").count == 2, "\(id)\n\(imported.stdout)")
        }
        #expect(imported.stdout.components(separatedBy: "<session date=").count == 5)
        // Latin-1 has a C1 control at 0x80: refused at its cell, as any control character.
        let latin = try run(Paths.mbtBinary, ["validate", "cp1252.csv", "--encoding", "latin-1"], currentDirectory: folder)
        #expect(latin.status == 1 && latin.stdout.contains("cp1252.csv:5:1: error: patient id '<U+0080>-3' holds a control character"), "\(latin.stdout)")
    }

    @Test("a workbook damaged inside its zip is refused whole: a changed byte fails its checksum, a part stored twice is not read as either")
    func damagedZip() throws {
        let folder = try scratch.directory("zip")
        // Stored (not deflated) parts, so one digit of a reading can be changed in place: 108
        // becomes 148, a plausible value no other check would catch.
        let script = """
            import sys, zipfile, openpyxl, warnings
            warnings.simplefilter("ignore")
            folder = sys.argv[1]
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "hip-abduction-strength R (N)"])
            sheet.append(["LK-0101", "male", "1980-01-01", "2026-11-02", 108, 170])
            book.save(folder + "/clean.xlsx")
            with zipfile.ZipFile(folder + "/clean.xlsx") as zin, zipfile.ZipFile(folder + "/stored.xlsx", "w", zipfile.ZIP_STORED) as zout:
                for item in zin.infolist():
                    zout.writestr(item.filename, zin.read(item.filename), compress_type=zipfile.ZIP_STORED)
            data = bytearray(open(folder + "/stored.xlsx", "rb").read())
            at = data.find(b"<v>108</v>")
            data[at + 4] = ord("4")
            open(folder + "/changed.xlsx", "wb").write(data)
            with zipfile.ZipFile(folder + "/clean.xlsx") as zin, zipfile.ZipFile(folder + "/twice.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    zout.writestr(item, data)
                    if item.filename == "xl/worksheets/sheet1.xml":
                        zout.writestr(item, data.replace(b"<v>108</v>", b"<v>148</v>"))
            """
        let made = try run("/usr/bin/env", ["python3", "-c", script, folder])
        #expect(made.status == 0, "\(made.stderr)")
        let stored = try run(Paths.mbtBinary, ["report", "stored.xlsx", "--patient", "LK-0101"], currentDirectory: folder)
        #expect(stored.status == 0 && stored.stdout.contains("108 N"), "\(stored.stdout)\(stored.stderr)")
        for (name, message) in [
            ("changed.xlsx", "changed.xlsx: error: 'changed.xlsx': its part xl/worksheets/sheet1.xml fails its checksum"),
            ("twice.xlsx", "twice.xlsx: error: 'twice.xlsx' holds two parts named 'xl/worksheets/sheet1.xml'"),
        ] {
            let result = try run(Paths.mbtBinary, ["report", name, "--patient", "LK-0101"], currentDirectory: folder)
            #expect(result.status == 1, "\(name): \(result.stdout)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!result.stdout.contains("148 N") && !result.stdout.contains("108 N"))
        }
    }

    /// Parts that expand (issue 28: a 19 KB workbook whose workbook.xml unzips to 16 MiB peaked
    /// at 1.45 GB): the small parts are streamed, keeping only their entries, and every cell is
    /// held to a spreadsheet's 32,767 characters. The peaks of the full-size bombs are in
    /// Benchmarks/RESULTS.md (`Benchmarks/bombs`); here, what each is told.
    @Test("parts that expand are streamed or refused at their cell: a cell on and past 32,767 characters, shared text past it, 70,000 sheets", arguments: [
        ("cell-on-limit", nil),
        ("cell-past-limit", "error: cell F2 holds more than 32,767 characters, the most a spreadsheet's cell holds"),
        ("shared-past-limit", "error: cell F2 points at shared text 1, which holds more than 32,767 characters"),
        ("shared-on-limit", nil),
        ("many-sheets", "error: 'many-sheets.xlsx': its part xl/workbook.xml lists more than 65,536 <sheet>"),
        ("empty-elements", nil),
    ] as [(String, String?)])
    func expandingParts(name: String, message: String?) throws {
        let folder = try scratch.directory("expanding-\(name)")
        let script = """
            import sys, zipfile, openpyxl
            folder, name = sys.argv[1], sys.argv[2]
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "Notes"])
            sheet.append(["LK-0101", "male", "1980-01-01", "2026-11-02", 150, "note"])
            book.save(folder + "/clean.xlsx")
            note = "<c r=\\"F2\\" t=\\"inlineStr\\"><is><t>note</t></is></c>"
            def strings(*texts):
                items = "".join("<si><t>%s</t></si>" % t for t in texts)
                return '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + "</sst>"
            parts = {}
            if name == "cell-on-limit":
                parts["xl/worksheets/sheet1.xml"] = lambda t: t.replace(note, note.replace(">note<", ">" + "\\u00e9" * 32767 + "<"))
            if name == "cell-past-limit":
                parts["xl/worksheets/sheet1.xml"] = lambda t: t.replace(note, note.replace(">note<", ">" + "\\U0001F600" * 16383 + "ab<"))
            if name in ("shared-past-limit", "shared-on-limit"):
                parts["xl/worksheets/sheet1.xml"] = lambda t: t.replace(note, "<c r=\\"F2\\" t=\\"s\\"><v>1</v></c>")
                long = "m" * (32768 if name == "shared-past-limit" else 32767)
                parts["xl/sharedStrings.xml"] = lambda t: strings("x" * 40000, long)
            if name == "many-sheets":
                parts["xl/workbook.xml"] = lambda t: t.replace("</sheets>", '<sheet name="s" sheetId="9" r:id="rId9"/>' * 70000 + "</sheets>")
            if name == "empty-elements":
                parts["xl/workbook.xml"] = lambda t: t.replace("<sheets>", "<x>" + "<a/>" * 200000 + "</x><sheets>")
                parts["xl/styles.xml"] = lambda t: t.replace("</styleSheet>", "<x>" + "<a/>" * 200000 + "</x></styleSheet>")
            with zipfile.ZipFile(folder + "/clean.xlsx") as zin, zipfile.ZipFile(folder + "/" + name + ".xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
                names = [item.filename for item in zin.infolist()]
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    if item.filename in parts:
                        text = data.decode()
                        changed = parts.pop(item.filename)(text)
                        assert changed != text, item.filename
                        data = changed.encode()
                    zout.writestr(item.filename, data)
                for part, make in parts.items():
                    zout.writestr(part, make("").encode())
            """
        let made = try run("/usr/bin/env", ["python3", "-c", script, folder, name])
        #expect(made.status == 0, "\(made.stderr)")
        let result = try run(Paths.mbtBinary, ["validate", name + ".xlsx"], currentDirectory: folder)
        if let message {
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect((result.stdout + result.stderr).contains(message), "\(result.stdout)\(result.stderr)")
        } else {
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
    }

    @Test("a long header, a long cell and a file past a sheet's size: told at the cell, and never printed whole to the terminal")
    func longTextShortened() throws {
        let folder = try scratch.directory("long-text")
        let header = "patient_id,sex,birth_date,session_date,hip-abduction-strength L (N)"
        try "\(header),\(String(repeating: "n", count: 30_000))\nLK-0101,male,1980-01-01,2026-11-02,150,x\n".write(toFile: folder + "/wide.csv", atomically: true, encoding: .utf8)
        try "\(header)\nLK-0101,\"\(String(repeating: "m", count: 40_000))\",1980-01-01,2026-11-02,150\n".write(toFile: folder + "/cell.csv", atomically: true, encoding: .utf8)
        let columns = (0..<16_385).map { "c\($0)" }.joined(separator: ",")
        try "\(columns)\n".write(toFile: folder + "/columns.csv", atomically: true, encoding: .utf8)
        for (name, status, message) in [
            ("wide.csv", 0, "wide.csv:1:6: warning: column '" + String(repeating: "n", count: 30)),
            ("cell.csv", 1, "cell.csv:2:2: error: this cell holds more than 32,767 characters, the most a spreadsheet's cell holds"),
            ("columns.csv", 1, "columns.csv:1:16385: error: the row has more than 16,384 cells, the most a sheet has (A to XFD)"),
        ] {
            let result = try run(Paths.mbtBinary, ["validate", name], currentDirectory: folder)
            #expect(result.status == Int32(status), "\(name): \(result.stdout.prefix(2000))")
            #expect(result.stdout.contains(message), "\(result.stdout.prefix(2000))")
            for line in (result.stdout + result.stderr).split(separator: "\n") {
                #expect(line.count < 1_200, "\(name): a line of \(line.count) characters")
            }
        }
        let wide = try run(Paths.mbtBinary, ["validate", "wide.csv"], currentDirectory: folder)
        #expect(wide.stdout.contains("…(29"), "\(wide.stdout.prefix(2000))")
    }

    @Test("bytes that are not text, a byte-order mark inside the file, numbers a double cannot hold, impossible dates, a decimal comma: each named at its cell, as written")
    func cellsNamedAsWritten() throws {
        let folder = try scratch.directory("as-written")
        let header = Array("patient_id,sex,birth_date,session_date,hip-abduction-strength L (N)\n".utf8)
        func row(_ text: String) -> [UInt8] { Array(text.utf8) + [0x0A] }
        var bytes = header
        bytes += Array("LK-".utf8) + [0xC0, 0x80] + row("A,male,1980-01-01,2026-11-02,150")  // an overlong NUL
        bytes += Array("LK-".utf8) + [0xED, 0xA0, 0x80] + row("B,male,1980-01-01,2026-11-02,150")  // an encoded surrogate
        bytes += [0xEF, 0xBB, 0xBF] + header  // a second file appended, its byte-order mark and header
        bytes += row("LK-3,male,1980-01-01,2026-11-02,1E+308")
        bytes += row("LK-4,male,1980-01-01,2026-11-02,4.9E-324")
        bytes += row("LK-5,male,2026-02-30,2026-11-02,150")
        bytes += row("LK-6,male,0000-01-01,2026-11-02,150")
        bytes += row("LK-7,male,1980-01-01,2026-11-02," + String(repeating: "1", count: 400))
        bytes += row("LK-8,male,1980-01-01,2026-11-02,10,8")
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/clinic.csv"))
        let result = try run(Paths.mbtBinary, ["validate", "clinic.csv"], currentDirectory: folder)
        #expect(result.status == 1)
        for expected in [
            "clinic.csv:2:1: error: patient_id holds bytes that are not UTF-8 text",
            "clinic.csv:3:1: error: patient_id holds bytes that are not UTF-8 text",
            "clinic.csv:4:1: error: patient_id holds a byte-order mark (U+FEFF), which only a file's start may hold: two files joined into one?",
            "clinic.csv:5:5: error: '1E+308' in column 'hip-abduction-strength L (N)' is not a number",
            "clinic.csv:6:5: error: '4.9E-324' in column 'hip-abduction-strength L (N)' is not a number",
            "clinic.csv:7:3: error: birth_date '2026-02-30' is not a day of the calendar",
            "clinic.csv:8:3: error: birth_date '0000-01-01' is not a day of the calendar",
            "clinic.csv:9:5: error: hip-abduction-strength L (N) '1111111111",
            "clinic.csv:10:6: error: the row has '8' in column 6, past the header's last column (5); name the column in the header or move the value; if '10,8' is one reading with a decimal comma, write 10.8",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)\n\(result.stdout)")
        }
        // Never in libxml2's words, never NaN.
        #expect(!result.stdout.contains("NaN") && !result.stdout.contains("xs:") && !result.stdout.contains("element"), "\(result.stdout)")
    }

    @Test("SIGKILL while a workbook unzips leaves no part in TMPDIR (unlinked as soon as made), and the next run removes the dead run's folder")
    func killedWhileUnzipping() throws {
        let folder = try scratch.directory("killed")
        let tmp = try scratch.directory("killed-tmp")
        // A sheet of 400,000 rows: about 60 MB unzipped, a second or more to unzip and read.
        let script = """
            import sys, zipfile, openpyxl
            folder = sys.argv[1]
            book = openpyxl.Workbook()
            book.active.append(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)"])
            book.save(folder + "/small.xlsx")
            rows = "".join('<row r="%d"><c r="A%d" t="inlineStr"><is><t>P-%d</t></is></c><c r="E%d"><v>150</v></c></row>' % (n, n, n, n) for n in range(2, 400002))
            with zipfile.ZipFile(folder + "/small.xlsx") as zin, zipfile.ZipFile(folder + "/big.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    if item.filename == "xl/worksheets/sheet1.xml":
                        data = data.decode().replace("</row>", "</row>" + rows, 1).encode()
                    zout.writestr(item.filename, data)
            """
        let made = try run("/usr/bin/env", ["python3", "-c", script, folder])
        #expect(made.status == 0, "\(made.stderr)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.mbtBinary)
        process.arguments = ["validate", folder + "/big.xlsx"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until it holds its unzipped part open (a deleted file in TMPDIR), then kill it.
        var sawPart = false
        for _ in 0..<400 where process.isRunning {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")) ?? []
            sawPart = fds.contains { fd in
                // A file in TMPDIR with no name (O_TMPFILE: "/tmp/…/#123 (deleted)").
                ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/\(fd)")) ?? "").hasPrefix(tmp + "/#")
            }
            if sawPart { break }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(sawPart, "mbt was never seen with its unzipped part open")
        // What is left is validate's own folder for its spilled lines, empty, named for its
        // writer: no unzipped part.
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp)
        #expect(left.count == 1 && left[0].hasPrefix("mbt-\(process.processIdentifier)-"), "\(left)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp + "/" + left[0]) == [])
        // The next run takes it away.
        let next = try run(Paths.mbtBinary, ["validate", folder + "/small.xlsx"], environment: ["TMPDIR": tmp])
        #expect(next.status != 2, "\(next.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [])
    }
}
