#!/usr/bin/env python3
"""Writes a clinic measurement file (XML) as spreadsheets, with tools independent of mbt:
Python's csv module (dialect excel) and openpyxl. The tests import these and score them
against the XML itself; README's examples come from here too.

    write-sheets.py IN.xml OUT_PREFIX [--layouts=long,wide,longpatients,vald] [--xlsx]

Writes OUT_PREFIX.long.csv, OUT_PREFIX.wide.csv, OUT_PREFIX.longpatients.csv with
OUT_PREFIX.patients.csv, a VALD-style export OUT_PREFIX.vald.csv with its profiles
OUT_PREFIX.vald-profiles.csv and the XML of what it holds, OUT_PREFIX.vald.xml; and with --xlsx the same as .xlsx workbooks (numbers as numbers,
dates as dates).
"""
import csv
import datetime
import io
import sys
import xml.etree.ElementTree as ET

NS = "{urn:musclebalance:measurements:1}"
DETAILS = ["patient_id", "sex", "birth_date", "body_mass_kg", "height_cm", "conditions"]
SESSION = ["session_date", "assessor", "blood_pressure", "screened"]
READING = ["test", "side", "unit", "value", "trial", "note"]


def patients(path):
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag == NS + "patient":
            yield element
            element.clear()


def details(p):
    return {
        "patient_id": p.get("id", ""),
        "sex": p.get("sex", ""),
        "birth_date": p.get("birthDate", ""),
        "body_mass_kg": p.get("bodyMassKg", ""),
        "height_cm": p.get("heightCm", ""),
        "conditions": ";".join(c.get("code") for c in p.findall(NS + "condition")),
    }


def session_details(s):
    return {"session_date": s.get("date", ""), "assessor": s.get("assessor", ""), "blood_pressure": s.get("bloodPressure", ""), "screened": s.get("screened", "")}


def long_rows(path, with_details=True):
    for p in patients(path):
        d = details(p)
        for s in p.findall(NS + "session"):
            sd = session_details(s)
            for m in s.findall(NS + "measure"):
                base = {"test": m.get("test"), "side": m.get("side", ""), "unit": m.get("unit"), "note": m.get("note", "")}
                trials = [t.text.strip() for t in m.findall(NS + "trial")]
                readings = [(m.get("value"), "")] if m.get("value") is not None else [(v, str(i + 1)) for i, v in enumerate(trials)]
                for value, trial in readings:
                    row = dict(d if with_details else {"patient_id": d["patient_id"]})
                    row.update(sd)
                    row.update(base)
                    row.update({"value": value, "trial": trial})
                    yield row
            # A patient-reported outcome: a row of its own, what its value holds in unit.
            for o in s.findall(NS + "outcome"):
                kind, value = outcome_cell(o)
                row = dict(d if with_details else {"patient_id": d["patient_id"]})
                row.update(sd)
                row.update({"test": o.get("instrument"), "side": "", "unit": kind, "value": value, "trial": "", "note": ""})
                yield row


def outcome_cell(o):
    """What an <outcome> holds, as a sheet's cell: (score, 6), (items, '2 1 - 3'),
    (activities, 'sitting 1 hour: 4; lifting a child: 2')."""
    if o.get("value") is not None:
        return "score", o.get("value")
    if o.get("items") is not None:
        return "items", o.get("items")
    return "activities", "; ".join(f"{a.get('name')}: {a.get('score')}" for a in o.findall(NS + "activity"))


def wide_columns(path):
    """Reading columns in the order they first appear, each test's left before its right."""
    seen = []
    for p in patients(path):
        for s in p.findall(NS + "session"):
            for m in s.findall(NS + "measure"):
                side = {"left": " L", "right": " R"}.get(m.get("side", ""), "")
                head = f"{m.get('test')}{side} ({m.get('unit')})"
                names = [head] if m.get("value") is not None else [f"{head} t{i + 1}" for i in range(len(m.findall(NS + 'trial')))]
                for n in names:
                    if n not in seen:
                        seen.append(n)
    # Then the outcomes' columns, `nprs (score)`, in the order they first appear.
    outcomes = []
    for p in patients(path):
        for s in p.findall(NS + "session"):
            for o in s.findall(NS + "outcome"):
                n = f"{o.get('instrument')} ({outcome_cell(o)[0]})"
                if n not in outcomes:
                    outcomes.append(n)
    return seen + outcomes


def wide_rows(path):
    for p in patients(path):
        d = details(p)
        for s in p.findall(NS + "session"):
            row = dict(d)
            row.update(session_details(s))
            for m in s.findall(NS + "measure"):
                side = {"left": " L", "right": " R"}.get(m.get("side", ""), "")
                head = f"{m.get('test')}{side} ({m.get('unit')})"
                if m.get("value") is not None:
                    row[head] = m.get("value")
                else:
                    for i, t in enumerate(m.findall(NS + "trial")):
                        row[f"{head} t{i + 1}"] = t.text.strip()
            for o in s.findall(NS + "outcome"):
                kind, value = outcome_cell(o)
                row[f"{o.get('instrument')} ({kind})"] = value
            yield row


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, dialect="excel", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


NUMBERS = {"body_mass_kg", "height_cm", "value"}
DATES = {"birth_date", "session_date"}


def cell(name, text):
    """A workbook's cell as a spreadsheet program keeps it: numbers as numbers, dates as dates."""
    if text == "":
        return None
    if name in DATES:
        return datetime.date.fromisoformat(text)
    if name in NUMBERS or name.endswith(")") or " t" in name and name.rsplit(" t", 1)[1].isdigit():
        # An outcome's items or activities ('2 1 - 3', 'sitting: 4') are text.
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    if name == "trial":
        return int(text)
    return text


def write_xlsx(path, header, rows, sheet="Readings"):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(header)
    for row in rows:
        ws.append([cell(h, row.get(h, "")) for h in header])
    book.save(path)


# A device export in the shape of VALD Hub's (one row per test, left and right as prefixed
# columns, a byte-order mark, padded headers, dd/mm/yyyy dates and 12-hour times, the
# vendor's own imbalance, demographics in a separate profiles export), read through
# Examples/vald-style.map.csv.
VALD_TESTS = [
    ("Hip Abduction", "hip-abduction-strength"),
    ("Hip Adduction", "hip-adduction-strength"),
    ("Hip Extension", "hip-extension-strength"),
    ("Hip Flexion", "hip-flexion-strength"),
    ("Knee Extension", "knee-extension-strength"),
    ("Knee Flexion", "knee-flexion-strength"),
]
VALD_HEADER = ["Name", "Date UTC", "Time UTC ", "Device", "Test", "L Max Force (N) ", "R Max Force (N) ", "Max Imbalance (%)"]


def day_month_year(iso):
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def write_vald(source, prefix):
    """The export, its profiles, and the XML of just what the export holds (the max of each
    test's trials in newtons), to score beside it."""
    rows, profiles = [], []
    root = ET.Element(NS + "measurements", {"protocol": "lumbopelvic-balance", "clinic": "VALD-style export"})
    for p in patients(source):
        d = details(p)
        person = ET.Element(NS + "patient", {k: v for k, v in (("id", d["patient_id"]), ("sex", d["sex"]), ("birthDate", d["birth_date"]),
                                                                ("bodyMassKg", d["body_mass_kg"]), ("heightCm", d["height_cm"])) if v})
        for s in p.findall(NS + "session"):
            session = ET.Element(NS + "session", {"date": s.get("date")})
            for label, test in VALD_TESTS:
                forces = {}
                for m in s.findall(NS + "measure"):
                    if m.get("test") == test and m.get("unit") == "N" and m.get("side") in ("left", "right"):
                        readings = [m.get("value")] if m.get("value") is not None else [t.text.strip() for t in m.findall(NS + "trial")]
                        forces[m.get("side")] = max(readings, key=float)
                if not forces:
                    continue
                l, r = forces.get("left", ""), forces.get("right", "")
                imbalance = f"{abs(float(l) - float(r)) / max(float(l), float(r)) * 100:.1f}" if l and r else ""
                rows.append([d["patient_id"], day_month_year(s.get("date")), "10:15 AM", "ForceFrame", label, l, r, imbalance])
                for side in ("left", "right"):
                    if side in forces:
                        ET.SubElement(session, NS + "measure", {"test": test, "side": side, "unit": "N", "value": forces[side]})
            if len(session):
                person.append(session)
        if len(person):
            root.append(person)
            profiles.append([d["patient_id"], day_month_year(d["birth_date"]) if d["birth_date"] else "", d["sex"].capitalize(), d["body_mass_kg"], d["height_cm"]])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, dialect="excel").writerows([VALD_HEADER] + rows)
    with open(f"{prefix}.vald.csv", "wb") as f:
        f.write(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    write_csv(f"{prefix}.vald-profiles.csv", ["Name", "Date of Birth", "Sex", "Weight (kg)", "Height (cm)"],
              [dict(zip(["Name", "Date of Birth", "Sex", "Weight (kg)", "Height (cm)"], r)) for r in profiles])
    ET.register_namespace("", NS[1:-1])
    ET.ElementTree(root).write(f"{prefix}.vald.xml", encoding="UTF-8", xml_declaration=True)


def main(argv):
    source, prefix = argv[1], argv[2]
    layouts = ["long", "wide", "longpatients"]
    for a in argv[3:]:
        if a.startswith("--layouts="):
            layouts = a.split("=", 1)[1].split(",")
    xlsx = "--xlsx" in argv
    for layout in layouts:
        if layout == "vald":
            write_vald(source, prefix)
            continue
        if layout == "long":
            header = DETAILS + SESSION + READING
            rows = list(long_rows(source))
        elif layout == "longpatients":
            header = ["patient_id"] + SESSION + READING
            rows = list(long_rows(source, with_details=False))
            people = [details(p) for p in patients(source)]
            write_csv(f"{prefix}.patients.csv", DETAILS, people)
            if xlsx:
                write_xlsx(f"{prefix}.patients.xlsx", DETAILS, people, sheet="Patients")
        else:
            header = DETAILS + SESSION + wide_columns(source)
            rows = list(wide_rows(source))
        write_csv(f"{prefix}.{layout}.csv", header, rows)
        if xlsx:
            write_xlsx(f"{prefix}.{layout}.xlsx", header, rows)


if __name__ == "__main__":
    main(sys.argv)
