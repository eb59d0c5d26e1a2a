import Foundation
import TestSupport
import Testing

/// Every bad spreadsheet the import issue lists, as a fixture written by Python's csv module
/// or openpyxl (`Fixtures/sheets/make-sheets.py`), with the messages and positions typed by
/// hand beside it (`NAME.expect`): `mbt validate` must print exactly those.
@Suite("Spreadsheet fixtures")
struct SpreadsheetFixtureTests {
    static let folder = Paths.fixtures + "/sheets"

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".expect") }
            .map { String($0.dropLast(".expect".count)) }.sorted()
    }

    static func sheet(_ name: String) -> String {
        for ext in ["csv", "tsv", "txt", "xlsx"] where FileManager.default.fileExists(atPath: "\(folder)/\(name).\(ext)") {
            return "\(name).\(ext)"
        }
        return name + ".csv"
    }

    static func arguments(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: "\(folder)/\(name).args", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    @Test("each fixture gives its expected messages at their positions", arguments: cases)
    func expected(_ name: String) throws {
        let expected = try String(contentsOfFile: "\(Self.folder)/\(name).expect", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let result = try run(Paths.mbtBinary, ["validate"] + Self.arguments(name) + [Self.sheet(name)], currentDirectory: Self.folder)
        // The problems, then the summary line ("1 file checked: ...").
        let lines = result.stdout.split(separator: "\n").map(String.init).filter { !$0.contains(" checked: ") }
        #expect(lines == expected, "mbt validate \(Self.sheet(name))")
        let hasErrors = expected.contains { $0.contains(": error: ") }
        #expect(result.status == (hasErrors ? 1 : 0))
    }

    @Test("the cases cover the issue's list")
    func coverage() {
        let cases = Set(Self.cases)
        for needed in ["bom", "semicolon", "semicolon-unflagged", "tabs", "quoted", "lf-text-empty", "decimal-comma", "duplicated", "missing-unit", "dates", "dates-flagged", "workbook", "readings", "wide", "unclosed"] {
            #expect(cases.contains(needed), "no fixture \(needed)")
        }
    }

    @Test("scoring them all: the bad files and patients are reported, the rest is scored")
    func batchGoesOn() throws {
        let scratch = Scratch("sheet-batch")
        let out = try scratch.directory("out")
        // Files that need no options of their own.
        let plain = Self.cases.filter { Self.arguments($0).isEmpty }.map(Self.sheet)
        let result = try run(Paths.mbtBinary, ["score", "--out", out] + plain, currentDirectory: Self.folder)
        #expect(result.status == 1)
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
        // Refused whole: no report, a file error row.
        for refused in ["duplicated.csv", "missing-unit.csv", "no-id.csv", "unclosed.csv", "semicolon-unflagged.csv"] {
            // Quoted when the message holds a comma.
            #expect(summary.contains("\(refused),,,,,,file error:") || summary.contains("\(refused),,,,,,\"file error:"), "\(refused)")
            let reports = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(refused) }
            #expect(reports.isEmpty, "\(refused) left \(reports)")
        }
        // Good ones and those with a bad patient are scored, the bad patient skipped.
        #expect(summary.contains("bom.csv,CSV-1,2026-11-02"))
        #expect(summary.contains("wide.csv,W-1,2026-11-02"))
        #expect(summary.contains("wide.csv,W-2,,,,,error: line 3: assessor holds a control character (U+001B)"))
        #expect(summary.contains("workbook.xlsx,X-1,,,,,\"error: Clinic!M5: 'ninety' in column value is not a number"))
        #expect(summary.contains("rules.csv,CSV-2,2026-11-02,0,normal,,scored"))
        #expect(summary.contains("no-id.csv,,,,,,file error: the row has no patient_id"))
        // Nothing is written beside the inputs.
        let beside = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.contains(".report.") || $0.hasPrefix(".") }
        #expect(beside.isEmpty, "\(beside)")
    }
}
