import Foundation
import TestSupport
import Testing

/// A generated clinic file written as spreadsheets by Python's csv module and openpyxl
/// (`Scripts/write-sheets.py`), in every layout: scoring each sheet, and scoring what
/// `mbt import` makes of it, gives byte for byte the reports of scoring the XML itself, but
/// for the input's recorded name.
@Suite("Spreadsheet round trip")
struct SpreadsheetRoundTripTests {
    static let layouts = ["long.csv", "wide.csv", "longpatients.csv", "long.xlsx", "wide.xlsx", "longpatients.xlsx"]
    let scratch = Scratch("sheet-round-trip")
    static let seed = 11

    /// The generated XML, its reports, and the sheets written from it.
    func prepare() throws -> String {
        let root = try scratch.directory("clinic")
        let xml = try run(Paths.mbtBinary, ["generate", "--patients", "60", "--seed", "\(Self.seed)", "--outcomes"], currentDirectory: Paths.packageRoot)
        try #require(xml.status == 0)
        try xml.stdout.write(toFile: root + "/clinic.xml", atomically: false, encoding: .utf8)
        let python = try #require(findExecutable("python3"), "python3 is needed to write the sheets (.ci/run installs it with openpyxl)")
        let written = try run(python, [Paths.packageRoot + "/Scripts/write-sheets.py", "clinic.xml", "clinic", "--layouts=long,wide,longpatients,vald", "--xlsx"], currentDirectory: root)
        try #require(written.status == 0, "write-sheets.py: \(written.stderr)")
        let scored = try run(Paths.mbtBinary, ["score", "clinic.xml", "--out", "xml"], currentDirectory: root)
        try #require(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        return root
    }

    func reports(_ folder: String, named name: String) throws -> (xml: String, text: String, summary: String) {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        let stem = try #require(names.first { $0.hasSuffix(".report.xml") }).dropLast(".report.xml".count)
        func read(_ file: String) throws -> String {
            try String(contentsOfFile: folder + "/" + file, encoding: .utf8).replacingOccurrences(of: name, with: "clinic.xml")
        }
        return (try read("\(stem).report.xml"), try read("\(stem).report.txt"), try read("summary.csv"))
    }

    @Test("scoring a sheet equals scoring the XML it was written from", arguments: layouts)
    func scoreSheet(_ layout: String) throws {
        let root = try prepare()
        let sheet = "clinic.\(layout)"
        var options = ["--clinic", "Synthetic clinic \(Self.seed)"]
        if layout.hasPrefix("longpatients") { options += ["--patients", "clinic.patients." + (layout.hasSuffix("xlsx") ? "xlsx" : "csv")] }
        let scored = try run(Paths.mbtBinary, ["score", sheet, "--out", "sheet"] + options, currentDirectory: root)
        #expect(scored.status == 0, "\(scored.stdout)\(scored.stderr)")
        let expected = try reports(root + "/xml", named: "clinic.xml")
        let got = try reports(root + "/sheet", named: sheet)
        #expect(got.xml == expected.xml)
        #expect(got.text == expected.text)
        #expect(got.summary == expected.summary)

        // mbt import, then scoring the XML it wrote.
        let imported = try run(Paths.mbtBinary, ["import", sheet, "-o", "imported.xml"] + options, currentDirectory: root)
        #expect(imported.status == 0, "\(imported.stderr)")
        let rescored = try run(Paths.mbtBinary, ["score", "imported.xml", "--out", "imported"], currentDirectory: root)
        #expect(rescored.status == 0)
        let again = try reports(root + "/imported", named: "imported.xml")
        #expect(again.xml == expected.xml)
        #expect(again.text == expected.text)
        // The sheet is untouched, and nothing was written beside it but what was asked for.
        let left = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("a VALD-style export through its map equals scoring the XML of what it holds")
    func deviceExport() throws {
        let root = try prepare()
        let xml = try run(Paths.mbtBinary, ["score", "clinic.vald.xml", "--out", "vald-xml"], currentDirectory: root)
        #expect(xml.status == 0, "\(xml.stdout)")
        let map = Paths.packageRoot + "/Examples/vald-style.map.csv"
        let sheet = try run(
            Paths.mbtBinary, ["score", "clinic.vald.csv", "--map", map, "--patients", "clinic.vald-profiles.csv", "--clinic", "VALD-style export", "--out", "vald-csv"],
            currentDirectory: root)
        #expect(sheet.status == 0, "\(sheet.stdout)\(sheet.stderr)")
        let expected = try reports(root + "/vald-xml", named: "clinic.vald.xml")
        let got = try reports(root + "/vald-csv", named: "clinic.vald.csv")
        #expect(got.xml == expected.xml)
        #expect(got.text == expected.text)
        // The export's unread columns are named once each, and none is guessed.
        #expect(!sheet.stdout.contains("not in the map"), "\(sheet.stdout)")
    }

    @Test("the imported XML is valid for xmllint too")
    func importedIsValid() throws {
        let root = try prepare()
        let imported = try run(Paths.mbtBinary, ["import", "clinic.wide.xlsx", "-o", "imported.xml"], currentDirectory: root)
        #expect(imported.status == 0, "\(imported.stderr)")
        let xmllint = try #require(findExecutable("xmllint"))
        let checked = try run(xmllint, ["--noout", "--schema", Paths.protocols + "/measurements.xsd", "imported.xml"], currentDirectory: root)
        #expect(checked.status == 0, "\(checked.stderr)")
    }
}
