#!/usr/bin/env python3
"""Writes the spreadsheet fixtures with tools independent of mbt (Python's csv module, dialect
excel, and openpyxl), each with the problems mbt must report, typed here by hand:

    NAME.csv|.tsv|.xlsx    the sheet
    NAME.args              mbt's options for it, one a line (may be absent)
    NAME.expect            what `mbt validate` prints for it, before the summary, line by line

Run from this folder: python3 make-sheets.py
"""
import csv
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
LONG = ["patient_id", "sex", "birth_date", "body_mass_kg", "height_cm", "conditions",
        "session_date", "assessor", "blood_pressure", "test", "side", "unit", "value", "trial"]


def person(pid="CSV-1", sex="female", birth="1990-04-02", mass="61.5", height="166", conditions=""):
    return [pid, sex, birth, mass, height, conditions]


def reading(date="2026-11-02", test="hip-abduction-strength", side="left", unit="N", value="110", trial="", assessor="A. Reyes", bp="120/80"):
    return [date, assessor, bp, test, side, unit, value, trial]


def good_rows(pid="CSV-1"):
    return [
        person(pid) + reading(value="110", trial="1"),
        person(pid) + reading(value="114", trial="2"),
        person(pid) + reading(side="right", value="131", trial="1"),
        person(pid) + reading(side="right", value="129", trial="2"),
        person(pid) + reading(test="trunk-flexor-endurance", side="", unit="s", value="96"),
    ]


def write_csv(name, header, rows, delimiter=",", bom=False, lineterminator="\r\n"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data)


def expect(name, lines, args=()):
    stem = name.rsplit(".", 1)[0]
    with open(os.path.join(HERE, stem + ".expect"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    path = os.path.join(HERE, stem + ".args")
    if args:
        with open(path, "w") as f:
            f.write("".join(a + "\n" for a in args))
    elif os.path.exists(path):
        os.remove(path)


def main():
    # A byte-order mark, as Excel's "CSV UTF-8" writes: accepted.
    write_csv("bom.csv", LONG, good_rows())
    with open(os.path.join(HERE, "bom.csv"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + data)
    expect("bom.csv", [])

    # Semicolons, as a German or French Excel saves CSV, with decimal commas.
    rows = [r[:3] + [r[3].replace(".", ",")] + r[4:12] + [r[12].replace(".", ",")] + r[13:] for r in good_rows()]
    rows[0][12] = "110,5"
    write_csv("semicolon.csv", LONG, rows, delimiter=";")
    expect("semicolon.csv", [], args=["--delimiter", ";", "--decimal-comma"])
    # The same file without the flags: the delimiter is sniffed and named.
    write_csv("semicolon-unflagged.csv", LONG, rows, delimiter=";")
    expect("semicolon-unflagged.csv", [
        "semicolon-unflagged.csv:1:1: error: the header is one cell holding 13 ';': the sheet looks saved with ';' between cells; pass --delimiter ;"])
    # With the delimiter but not the decimal comma: each decimal comma is a positioned error.
    write_csv("decimal-comma.csv", LONG, rows, delimiter=";")
    expect("decimal-comma.csv", [
        "decimal-comma.csv:2:4: error: '61,5' in column body_mass_kg has a decimal comma; write 12.5, or pass --decimal-comma (with --delimiter ';' or tab, as such sheets are saved)",
        "decimal-comma.csv:2:13: error: '110,5' in column value has a decimal comma; write 12.5, or pass --decimal-comma (with --delimiter ';' or tab, as such sheets are saved)",
    ], args=["--delimiter", ";"])

    # Tabs.
    write_csv("tabs.tsv", LONG, good_rows(), delimiter="\t")
    expect("tabs.tsv", [], args=["--delimiter", "tab"])

    # Quoted cells with line breaks and doubled quotes: the rows after them keep their lines.
    rows = good_rows()
    rows[0][7] = 'A. Reyes\n(locum, "senior")'
    for r in rows[1:]:
        r[7] = ""
    rows[3][12] = "12x"
    write_csv("quoted.csv", LONG, rows)
    expect("quoted.csv", [
        "quoted.csv:6:13: error: '12x' in column value is not a number; write a decimal with a point, e.g. 12.5, or leave the cell empty"])

    # Line ends: LF only here (the others are CR LF); text in a number cell, and an empty one.
    rows = good_rows()
    rows[2][12] = "abc"
    rows[4][12] = ""
    write_csv("lf-text-empty.csv", LONG, rows, lineterminator="\n")
    expect("lf-text-empty.csv", [
        "lf-text-empty.csv:4:13: error: 'abc' in column value is not a number; write a decimal with a point, e.g. 12.5, or leave the cell empty",
        "lf-text-empty.csv:6:13: warning: trunk-flexor-endurance has no value: an empty cell is no reading (not 0); the row is not read"])

    # A duplicated column, and a missing required one: the file is refused.
    write_csv("duplicated.csv", LONG + ["value"], [r + ["1"] for r in good_rows()])
    expect("duplicated.csv", ["duplicated.csv:1:15: error: column 'value' appears twice (columns 13 and 15); keep one"])
    write_csv("missing-unit.csv", [c for c in LONG if c != "unit"], [r[:11] + r[12:] for r in good_rows()])
    expect("missing-unit.csv", [
        "missing-unit.csv:1:1: error: no column 'unit': the long layout needs patient_id, session_date, test, side, unit and value (mbt template --layout long writes them)"])

    # Dates in another format: refused without --date-format, read with it.
    rows = good_rows()
    for r in rows:
        r[2] = "02/04/1990"
        r[6] = "02/11/2026"
    write_csv("dates.csv", LONG, rows)
    expect("dates.csv", [
        "dates.csv:2:3: error: date '02/04/1990' in column birth_date is not yyyy-mm-dd; write 2026-11-02, or pass --date-format dd/mm/yyyy (or mm/dd/yyyy) to read dates as the sheet writes them",
    ] + [f"dates.csv:{n}:7: error: date '02/11/2026' in column session_date is not yyyy-mm-dd; write 2026-11-02, or pass --date-format dd/mm/yyyy (or mm/dd/yyyy) to read dates as the sheet writes them" for n in range(2, 7)])
    write_csv("dates-flagged.csv", LONG, rows)
    expect("dates-flagged.csv", [], args=["--date-format", "dd/mm/yyyy"])

    # Rows of the rules: an implausible third trial is shown on its own row; a trial out of
    # order; an unknown test; a patient who returns after another (a sheet in date order):
    # gathered, and a slip on his returning row is shown on that row.
    later = good_rows()[:1]
    later[0][6], later[0][12] = "2026-11-20", "8000"
    rows = good_rows() + [person("CSV-2") + reading(value="95", trial="1")] + later
    rows.insert(2, person() + reading(value="9000", trial="3"))
    rows.append(person("CSV-3") + reading(value="97", trial="3"))
    rows[5][9] = "trunk-flexer-endurance"
    write_csv("rules.csv", LONG, rows)
    expect("rules.csv", [
        "rules.csv:4:13: error: 9000 N is outside the plausible range of 'hip-abduction-strength', 0-700 N (data-entry check: about 12 SDs above the strongest published mean (McKay 2017, men 20-59, 170.7 (43.9) N); catches newtons typed as kgf, which read 9.81 times too high); check the value and the unit",
        "rules.csv:7:10: error: unknown test 'trunk-flexer-endurance' for protocol 'lumbopelvic-balance'; did you mean 'trunk-flexor-endurance'?",
        "rules.csv:9:13: error: 8000 N is outside the plausible range of 'hip-abduction-strength', 0-700 N (data-entry check: about 12 SDs above the strongest published mean (McKay 2017, men 20-59, 170.7 (43.9) N); catches newtons typed as kgf, which read 9.81 times too high); check the value and the unit",
        "rules.csv:10:14: error: trial 3 of hip-abduction-strength left does not follow its trial 2 on the row before; keep a test's trials on consecutive rows, numbered 1, 2, 3",
        "rules.csv:8:1: warning: patient 'CSV-2' has the sex and birth date of 'CSV-1', whose id differs by one character: the same person as CSV-1? If so, use one id",
    ])

    # The wide layout: empty cells are no reading; a control character in a cell is refused.
    wide = LONG[:9] + ["hip-abduction-strength L (N) t1", "hip-abduction-strength L (N) t2", "hip-abduction-strength R (N) t1",
                       "hip-abduction-strength R (N) t2", "trunk-flexor-endurance (s)", "Comments"]
    rows = [
        person("W-1") + ["2026-11-02", "A. Reyes", "120/80", "110", "114", "131", "", "96", "fine"],
        person("W-2", sex="M") + ["2026-11-02", "A. Reyes\x1b[2J", "120/80", "", "", "", "", "", ""],
        person("W-3") + ["2026-11-03", "A. Reyes", "120/80", "108", "", "", "", "abc", ""],
    ]
    write_csv("wide.csv", wide, rows)
    # mbt prints a file's errors first, then its warnings.
    expect("wide.csv", [
        "wide.csv:3:8: error: assessor holds a control character (U+001B); remove it",
        "wide.csv:4:14: error: 'abc' in column 'trunk-flexor-endurance (s)' is not a number; write a decimal with a point, e.g. 12.5, or leave the cell empty",
        "wide.csv:1:15: warning: column 'Comments' is not read: it is not one of mbt's columns (mbt template lists them)",
    ])
    # A row whose every reading cell is empty is a session with no reading.
    rows = [person("E-1") + ["2026-11-02", "A. Reyes", "120/80", "", "", "", "", "", ""]]
    write_csv("wide-empty.csv", wide, rows)
    expect("wide-empty.csv", [
        "wide-empty.csv:2:7: error: the session of 2026-11-02 has no reading: every reading cell of its rows is empty; fill them in or delete the rows",
        "wide-empty.csv:1:15: warning: column 'Comments' is not read: it is not one of mbt's columns (mbt template lists them)",
    ])

    # A row with no patient id belongs to no patient: the file is refused, positioned.
    rows = good_rows()
    rows[1][0] = ""
    write_csv("no-id.csv", LONG, rows)
    expect("no-id.csv", ["no-id.csv:3:1: error: the row has no patient_id; every row needs the patient's id"])

    # An unclosed quote: where it opens.
    with open(os.path.join(HERE, "unclosed.csv"), "w", newline="") as f:
        f.write(",".join(LONG) + "\r\n" + ",".join(person() + reading(value="110")) + "\r\n" + 'CSV-1,"female,1990-04-02\r\n')
    expect("unclosed.csv", ['unclosed.csv:3:2: error: a quoted cell opens here and never closes; add the closing " (a quote inside a cell is written twice: "")'])

    # Excel's "Unicode Text": UTF-16 with a byte-order mark, tabs between cells.
    with open(os.path.join(HERE, "unicode-text.txt"), "w", encoding="utf-16", newline="") as f:
        f.write("\t".join(LONG) + "\r\n" + "\t".join(good_rows()[0]) + "\r\n")
    expect("unicode-text.txt", ["unicode-text.txt:1:1: error: 'unicode-text.txt' is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" instead"],
           args=["--delimiter", "tab"])

    # A file named .xlsx that is no zip archive at all: refused whole, in words.
    with open(os.path.join(HERE, "not-a-workbook.xlsx"), "w") as f:
        f.write("patient_id,session_date\n")
    expect("not-a-workbook.xlsx", [
        "not-a-workbook.xlsx: error: 'not-a-workbook.xlsx' is not an Excel workbook (.xlsx is a zip archive, and this is not one); save the sheet as .xlsx or .csv"])

    workbooks()


def workbooks():
    import openpyxl
    import datetime

    # Numbers as numbers, dates as dates, a formula with the value Excel saved beside it, a
    # cell in another number format, a second sheet.
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Clinic"
    ws.append(LONG)
    d = datetime.date
    ws.append(["X-1", "female", d(1990, 4, 2), 61.5, 166, None, d(2026, 11, 2), "A. Reyes", "120/80", "hip-abduction-strength", "left", "N", 110, 1])
    ws.append(["X-1", "female", d(1990, 4, 2), 61.5, 166, None, d(2026, 11, 2), "A. Reyes", "120/80", "hip-abduction-strength", "left", "N", "=M2+4", 2])
    ws.append(["X-1", "female", d(1990, 4, 2), 61.5, 166, None, d(2026, 11, 2), "A. Reyes", "120/80", "hip-abduction-strength", "right", "N", 0.1 + 130.9, 1])
    ws.append(["X-1", "female", d(1990, 4, 2), 61.5, 166, None, d(2026, 11, 2), "A. Reyes", "120/80", "trunk-flexor-endurance", None, "s", "ninety", None])
    book.create_sheet("Notes").append(["nothing to read here"])
    path = os.path.join(HERE, "workbook.xlsx")
    book.save(path)
    add_cached_value(path, "xl/worksheets/sheet1.xml", "M3", "114")
    expect("workbook.xlsx", [
        "workbook.xlsx:Clinic!M5: error: 'ninety' in column value is not a number; write a decimal with a point, e.g. 12.5, or leave the cell empty"])

    # The patients in a workbook of their own, joined by id; one patient is missing there.
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Patients"
    ws.append(["patient_id", "sex", "birth_date", "body_mass_kg", "height_cm", "conditions"])
    ws.append(["CSV-1", "female", d(1990, 4, 2), 61.5, 166, "hypertension"])
    book.save(os.path.join(HERE, "patients.xlsx"))
    header = ["patient_id", "session_date", "assessor", "blood_pressure", "test", "side", "unit", "value", "trial"]
    rows = [[r[0]] + r[6:] for r in good_rows()] + [["CSV-9"] + r[6:] for r in good_rows()[4:]]
    write_csv("readings.csv", header, rows)
    expect("readings.csv", [
        "readings.csv:7:1: warning: patient 'CSV-9' is not in patients.xlsx; without sex and birth date no norm can be chosen",
        "readings.csv:7:1: warning: patient 'CSV-9' has no sex or birthDate; norms are chosen by sex and age, so no figure can be compared with one",
    ], args=["--patients", "patients.xlsx"])


def add_cached_value(path, part, ref, value):
    """Puts a formula's saved value beside it, as Excel does on save (openpyxl keeps formulas
    only)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == part:
                text = data.decode("utf-8")
                start = text.index(f'<c r="{ref}"')
                end = text.index("</f>", start) + len("</f>")
                text = text[:end] + f"<v>{value}</v>" + text[end:]
                data = text.encode("utf-8")
            z.writestr(info, data)


if __name__ == "__main__":
    main()
