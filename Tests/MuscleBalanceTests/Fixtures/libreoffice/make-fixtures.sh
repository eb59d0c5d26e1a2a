#!/usr/bin/env bash
# Sheets written by a real spreadsheet program, LibreOffice Calc, for the tests of a clinic's
# habits (issue 27). The tests read the files committed here and do not need LibreOffice; this
# script re-makes them (Debian: apt-get install libreoffice-calc-nogui).
#
# From Examples/clinic-example.wide.csv, a clinic.fods (a flat OpenDocument spreadsheet, written
# by make-fods.py) keeps the sheet as a clinic does: dates stored as dates, numbers as numbers
# and one typed as text, a reading given as a formula (its value cached), the rows in date
# order (a returning patient's visit appended), a row that was used and then cleared, and a
# second sheet of notes. Calc then writes it as:
#   calc.xlsx         the workbook
#   calc.csv          CSV as Calc writes it by default (comma, point, its date display)
#   calc-german.csv   CSV as a German Calc writes it: ';' between cells, decimal commas,
#                     dates dd.mm.yyyy
set -euo pipefail
cd "$(dirname "$0")"
command -v soffice >/dev/null || { echo "needs LibreOffice: apt-get install libreoffice-calc-nogui" >&2; exit 2; }
work=$(mktemp -d)
python3 make-fods.py ../../../../Examples/clinic-example.wide.csv "$work/clinic.fods" iso
mkdir -p "$work/german"
python3 make-fods.py ../../../../Examples/clinic-example.wide.csv "$work/german/clinic.fods" german
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
calc() { soffice -env:UserInstallation=file://"$profile" --headless --norestore "$@" >/dev/null 2>&1; }
calc --convert-to xlsx --outdir "$work" "$work/clinic.fods"
mv "$work/clinic.xlsx" calc.xlsx
# Filter options: field separator (44 ','; 59 ';'), text delimiter '"', UTF-8 (76), from line 1,
# no column formats, the language the numbers and dates are written in (1033 English US,
# 1031 German).
calc --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033' --outdir "$work" "$work/clinic.fods"
mv "$work/clinic.csv" calc.csv
calc --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1,,1031' --outdir "$work/german" "$work/german/clinic.fods"
mv "$work/german/clinic.csv" calc-german.csv
rm -rf "$work"
