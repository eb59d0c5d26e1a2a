import Foundation
import TestSupport
import Testing

/// Conditions reach the safety screen whatever the sheet calls them (issue 26): a column mbt
/// does not read whose header looks clinical is an error in score, report and import, never a
/// warning that leaves "may be offered" on the page; codes typed as clinicians type them
/// reach the screen; the screen is explicit.
@Suite("Clinical columns of a sheet")
struct ClinicalColumnsTests {
    static let readings = "hip-abduction-strength L (N),hip-abduction-strength R (N)"
    /// Held for the whole test: Swift Testing makes a suite value per test.
    let scratch = Scratch("clinical-columns")

    /// A wide sheet of one patient with `header` holding `value`, and the session's `extra`.
    static func sheet(_ folder: String, _ header: String, _ value: String, screened: String = "2026-11-02") throws -> String {
        let text = "patient_id,sex,birth_date,body_mass_kg,height_cm,session_date,blood_pressure,screened,\(header),\(readings)\r\n"
            + "LK-0101,female,1990-04-01,64,168,2026-11-02,118/76,\(screened),\(value),100,120\r\n"
        let path = folder + "/clinic.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a conditions column under another name is an error in score, report and import; nothing says 'may be offered'",
          arguments: ["condition", "contraindications", "medical_history", "comorbidities", "Condition_codes", "Diagnosis", "BP"])
    func renamedConditions(header: String) throws {
        let folder = try scratch.directory("in")
        let path = try Self.sheet(folder, header, header == "BP" ? "150/95" : "glaucoma")
        let out = try scratch.directory("out")
        let scored = try run(Paths.mbtBinary, ["score", path, "--out", out])
        #expect(scored.status == 1, "\(scored.stdout)\(scored.stderr)")
        let said = scored.stdout + scored.stderr
        #expect(said.contains("clinic.csv:1:9: error: column '\(header)' looks clinical"), "\(said)")
        let reports = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".report.txt") }
        #expect(reports.isEmpty, "\(reports)")
        let report = try run(Paths.mbtBinary, ["report", path, "--patient", "LK-0101"])
        #expect(report.status == 1)
        #expect(!report.stdout.contains("may be offered"))
        #expect(report.stderr.contains("looks clinical"), "\(report.stderr)")
        let imported = try run(Paths.mbtBinary, ["import", path, "-o", folder + "/clinic.xml"])
        #expect(imported.status != 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/clinic.xml"))
    }

    @Test("a patients file's medical_conditions column is refused too")
    func patientsFile() throws {
        let folder = try scratch.directory("in")
        try "patient_id,sex,birth_date,medical_conditions\r\nLK-0101,female,1990-04-01,pregnancy\r\n".write(toFile: folder + "/patients.csv", atomically: true, encoding: .utf8)
        try "patient_id,session_date,screened,\(Self.readings)\r\nLK-0101,2026-11-02,2026-11-02,100,120\r\n".write(toFile: folder + "/clinic.csv", atomically: true, encoding: .utf8)
        let report = try run(Paths.mbtBinary, ["report", folder + "/clinic.csv", "--patients", folder + "/patients.csv", "--patient", "LK-0101"])
        #expect(report.status == 1)
        #expect(report.stderr.contains("patients.csv:1:4: error: column 'medical_conditions' looks clinical"), "\(report.stderr)")
        #expect(!report.stdout.contains("may be offered"))
    }

    @Test("a plainly foreign column stays a warning, and mbt report shows it")
    func foreignColumn() throws {
        let folder = try scratch.directory("in")
        let path = try Self.sheet(folder, "Notes", "felt fine")
        let report = try run(Paths.mbtBinary, ["report", path, "--patient", "LK-0101"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stderr.contains("warning: column 'Notes' is not read"), "\(report.stderr)")
    }

    @Test("codes as clinicians type them reach the screen; 'none' is a screen; no screen is 'screen first'")
    func typedCodes() throws {
        let folder = try scratch.directory("in")
        let typed = try run(Paths.mbtBinary, ["report", try Self.sheet(folder, "conditions", "AFib;HTN"), "--patient", "LK-0101"])
        #expect(typed.status == 0, "\(typed.stderr)")
        #expect(typed.stdout.contains("Conditions: Arrhythmia, Hypertension"), "\(typed.stdout)")
        #expect(typed.stdout.contains("Inversion table: NOT RECOMMENDED: Arrhythmia, within heart or"), "\(typed.stdout)")
        #expect(typed.stdout.contains("Whole body vibration: ONLY WITH A PHYSICIAN'S APPROVAL: Arrhythmia"), "\(typed.stdout)")
        let none = try run(Paths.mbtBinary, ["report", try Self.sheet(folder, "conditions", "none", screened: ""), "--patient", "LK-0101"])
        #expect(none.stdout.contains("Conditions: none (screened)"), "\(none.stdout)")
        #expect(none.stdout.contains("Whole body vibration: may be offered"))
        let unscreened = try run(Paths.mbtBinary, ["report", try Self.sheet(folder, "conditions", "", screened: ""), "--patient", "LK-0101"])
        #expect(unscreened.stdout.contains("Conditions: none recorded; NOT SCREENED"), "\(unscreened.stdout)")
        #expect(unscreened.stdout.contains("Whole body vibration: SCREEN FIRST: conditions not screened at this session."))
        #expect(unscreened.stdout.contains("Ask about: Acute inflammation;"))
        let unknown = try run(Paths.mbtBinary, ["validate", try Self.sheet(folder, "conditions", "glaucomaa")])
        #expect(unknown.status == 1)
        #expect(unknown.stdout.contains("unknown condition 'glaucomaa' for protocol 'lumbopelvic-balance'; did you mean 'glaucoma'?; the protocol's codes are acute-inflammation,"), "\(unknown.stdout)")
    }
}
