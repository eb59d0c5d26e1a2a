#!/usr/bin/env python3
"""The hostile inputs of issue 28 that once took gigabytes: workbook parts that expand, a
100 MB cell (in a workbook and in a CSV file), a CSV header of a million columns.
Benchmarks/bombs measures mbt's peak memory on each.

    python3 Benchmarks/make-bombs.py FOLDER
"""
import sys, zipfile, openpyxl, os
folder = sys.argv[1]
book = openpyxl.Workbook(); s = book.active
s.append(["patient_id", "sex", "birth_date", "session_date", "hip-abduction-strength L (N)", "hip-abduction-strength R (N)"])
s.append(["LK-0101", "male", "1980-01-01", "2026-11-02", 108, 170])
book.save(folder + "/clean.xlsx")
def alter(name, part, fn):
    with zipfile.ZipFile(folder + "/clean.xlsx") as zin, zipfile.ZipFile(folder + "/" + name, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        names = [i.filename for i in zin.infolist()]
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part: data = fn(data)
            zout.writestr(item.filename, data)
        if part not in names:
            zout.writestr(part, fn(b""))
M = 1 << 20
alter("workbook-bomb.xlsx", "xl/workbook.xml", lambda d: d.replace(b"<sheets>", b"<x>" + b"<a/>" * (4 * M) + b"</x><sheets>"))
alter("styles-bomb.xlsx", "xl/styles.xml", lambda d: d.replace(b"</styleSheet>", b"<x>" + b"<a/>" * (4 * M) + b"</x></styleSheet>"))
ss = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * (250 * M // 17) + b"</sst>"
alter("strings-bomb.xlsx", "xl/sharedStrings.xml", lambda d: ss)
alter("cell-bomb.xlsx", "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<is><t>male</t></is>", b"<is><t>" + b"m" * (100 * 1000 * 1000) + b"</t></is>"))
with open(folder + "/wide-header.csv", "w") as f:
    f.write("patient_id,sex,birth_date,session_date," + ",".join("c%d" % i for i in range(1000000)) + "\n")
    f.write("LK-0101,male,1980-01-01,2026-11-02\n")
with open(folder + "/cell-bomb.csv", "w") as f:
    f.write("patient_id,sex,birth_date,session_date,hip-abduction-strength L (N)\n")
    f.write("LK-0101," + "m" * (100 * 1000 * 1000) + ",1980-01-01,2026-11-02,150\n")
