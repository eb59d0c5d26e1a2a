#!/usr/bin/env python3
"""Workbooks that lie (issue 28), as seeds of FuzzSheet's corpus: references past XFD1048576,
rows out of order, cells written twice, shared-text indices negative or past the table, shared
text past a cell's 32,767 characters, a part stored twice, a changed byte under the zip's
checksum, parts that expand. Written by openpyxl, then altered inside the zip with zipfile.

    python3 Fuzz/make-workbook-seeds.py Fuzz/corpus/FuzzSheet
"""
import io, sys, warnings, zipfile
import openpyxl

warnings.simplefilter("ignore")
folder = sys.argv[1]

book = openpyxl.Workbook()
sheet = book.active
sheet.append(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "hip-abduction-strength R (N)"])
sheet.append(["LK-0101", "male", "1980-01-01", "2026-11-02", 108, 170])
sheet.append(["LK-0102", "female", "1990-01-01", "2026-11-02", 120, 125])
clean = io.BytesIO()
book.save(clean)

SHEET = "xl/worksheets/sheet1.xml"
MALE = '<c r="B2" t="inlineStr"><is><t>male</t></is></c>'


def strings(*texts):
    items = "".join("<si><t>%s</t></si>" % t for t in texts)
    return '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + "</sst>"


def altered(parts, stored=False, twice=None):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(clean.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as zout:
        names = [item.filename for item in zin.infolist()]
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in parts:
                data = parts[item.filename](data.decode()).encode()
            zout.writestr(item.filename, data)
            if item.filename == twice:
                zout.writestr(item.filename, data.replace(b"<v>108</v>", b"<v>148</v>"))
        for name, make in parts.items():
            if name not in names:
                zout.writestr(name, make("").encode())
    return out.getvalue()


def replace(old, new):
    return {SHEET: lambda t: t.replace(old, new, 1)}


seeds = {
    "clean": clean.getvalue(),
    "ref-7-letters": altered(replace('<c r="F2"', '<c r="ZZZZZZZ2"')),
    "ref-past-xfd": altered(replace('<c r="F2"', '<c r="XFE2"')),
    "ref-huge-row": altered(replace('<c r="F2"', '<c r="F9223372036854775807"')),
    "row-huge": altered(replace('<row r="2"', '<row r="9223372036854775807"')),
    "cell-twice": altered(replace('<c r="F2"', '<c r="E2"')),
    "row-out-of-order": altered(replace('<row r="3"', '<row r="2"')),
    "shared-past-table": altered(replace(MALE, '<c r="B2" t="s"><v>9999</v></c>')),
    "shared-negative": altered(replace(MALE, '<c r="B2" t="s"><v>-1</v></c>')),
    "shared-overlong": altered({SHEET: lambda t: t.replace(MALE, '<c r="B2" t="s"><v>1</v></c>'), "xl/sharedStrings.xml": lambda t: strings("male", "m" * 32768)}),
    "shared-ok": altered({SHEET: lambda t: t.replace(MALE, '<c r="B2" t="s"><v>0</v></c>'), "xl/sharedStrings.xml": lambda t: strings("male")}),
    "part-twice": altered({}, twice=SHEET),
    "many-sheets": altered({"xl/workbook.xml": lambda t: t.replace("</sheets>", '<sheet name="s" sheetId="9" r:id="rId9"/>' * 70000 + "</sheets>")}),
    "empty-elements": altered({"xl/styles.xml": lambda t: t.replace("</styleSheet>", "<x>" + "<a/>" * 100000 + "</x></styleSheet>")}),
}
stored = bytearray(altered({}, stored=True))
at = stored.find(b"<v>108</v>")
stored[at + 4] = ord("4")
seeds["checksum"] = bytes(stored)

for name, data in seeds.items():
    with open("%s/seed-workbook-%s.xlsx" % (folder, name), "wb") as f:
        f.write(data)
