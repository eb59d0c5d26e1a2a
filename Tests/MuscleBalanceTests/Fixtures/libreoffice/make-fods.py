"""Writes a wide clinic sheet as a flat OpenDocument spreadsheet the way a clinic keeps it in
Calc: dates as dates, numbers as numbers (one typed as text), a reading as a formula, rows in
date order, a used row cleared, a second sheet. Usage: make-fods.py WIDE.csv OUT.fods [iso|german]
"""
import csv
import sys
from xml.sax.saxutils import escape

source, out = sys.argv[1], sys.argv[2]
dates = sys.argv[3] if len(sys.argv) > 3 else "iso"
with open(source, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
session = header.index("session_date")
body.sort(key=lambda r: r[session])  # date order: a returning patient's visit comes later
date_columns = {header.index(c) for c in ("birth_date", "session_date", "screened")}
text_columns = {header.index(c) for c in ("patient_id", "sex", "conditions", "assessor", "blood_pressure")}
mass = header.index("body_mass_kg")
formula_column = header.index("hip-abduction-strength L (N) t2")

# A German clinic's Calc writes numbers in its language: a decimal comma.
language = ' number:language="de" number:country="DE"' if dates == "german" else ''
number_style = f'<number:number-style style:name="N1"{language}><number:number number:min-integer-digits="1"/></number:number-style>'
if dates == "german":
    date_style = ('<number:date-style style:name="D1"><number:day number:style="long"/><number:text>.</number:text>'
                  '<number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/></number:date-style>')
else:
    date_style = ('<number:date-style style:name="D1"><number:year number:style="long"/><number:text>-</number:text>'
                  '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>')

def cell(index, text, row_number):
    if text == "":
        return '<table:table-cell/>'
    if index in date_columns:
        return f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{text}"><text:p>{text}</text:p></table:table-cell>'
    if index in text_columns:
        return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'
    if index == mass and row_number == 2:
        # A number typed as text (a leading apostrophe in Calc).
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    if index == formula_column and text != "":
        # A reading kept as a sum: its value is what Calc saved with it.
        return (f'<table:table-cell table:style-name="number" table:formula="of:={int(float(text)) - 12}+12" office:value-type="float" '
                f'office:value="{text}"><text:p>{text}</text:p></table:table-cell>')
    return f'<table:table-cell table:style-name="number" office:value-type="float" office:value="{text}"><text:p>{text}</text:p></table:table-cell>'

lines = []
lines.append('<table:table-row>' + "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(h)}</text:p></table:table-cell>' for h in header) + '</table:table-row>')
for n, row in enumerate(body):
    lines.append('<table:table-row>' + "".join(cell(i, t, n + 2) for i, t in enumerate(row)) + '</table:table-row>')
    if n == 1:
        # A row that was used and cleared: its cells keep a style, no value.
        lines.append(f'<table:table-row><table:table-cell table:style-name="date" table:number-columns-repeated="{len(header)}"/></table:table-row>')

document = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  {date_style}
  {number_style}
  <style:style style:name="date" style:family="table-cell" style:data-style-name="D1"/>
  <style:style style:name="number" style:family="table-cell" style:data-style-name="N1"/>
 </office:automatic-styles>
 <office:body><office:spreadsheet>
  <table:table table:name="Readings">
   {"".join(lines)}
  </table:table>
  <table:table table:name="Notes">
   <table:table-row><table:table-cell office:value-type="string"><text:p>Ask RP-0003 about the blood pressure log</text:p></table:table-cell></table:table-row>
  </table:table>
 </office:spreadsheet></office:body>
</office:document>
'''
with open(out, "w", encoding="utf-8") as f:
    f.write(document)
