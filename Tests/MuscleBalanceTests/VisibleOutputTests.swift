import FastText
import Foundation
import TestSupport
import Testing

/// Text from a file reaches a person made visible, wherever it goes: the printed report,
/// `mbt report`, summary.csv and the terminal (file and folder names included).
@Suite("Visible output")
struct VisibleOutputTests {
    let scratch = Scratch("visible")
    static let hostile = Paths.fixtures + "/hostile/control-characters.xml"

    /// The hidden scalars in `text`, other than its own line breaks and the text report's form
    /// feeds between pages (a file cannot hold one: XML 1.0 has no form feed).
    func hidden(_ text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && $0 != "\u{0C}" && VisibleText.isHidden($0) }.map { VisibleText.notation($0) }
    }

    @Test("the text report, summary.csv and the terminal show controls from a file as <U+XXXX>")
    func scoredReports() throws {
        let out = try scratch.directory("out")
        let cli = try run(Paths.mbtBinary, ["score", Self.hostile, "--out", out], currentDirectory: Paths.packageRoot)
        #expect(cli.status == 0, "\(cli.stdout)\(cli.stderr)")
        let text = try String(contentsOfFile: out + "/Tests--MuscleBalanceTests--Fixtures--hostile--control-characters.report.txt", encoding: .utf8)
        let csv = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
        for (name, content) in [("text report", text), ("summary.csv", csv), ("stdout", cli.stdout), ("stderr", cli.stderr)] {
            #expect(hidden(content).isEmpty, "\(name) holds \(hidden(content))")
        }
        #expect(text.contains("Clinic<U+009B>2J<U+202E>evil<U+0085>"))
        #expect(text.contains("A.<U+000D>Tester<U+007F>"))
        // The CJK id is 128 columns: every line is cut to the page, in terminal columns.
        #expect(text.contains("患者患者"))
        for line in text.split(separator: "\n").map({ $0.drop { $0 == "\u{0C}" } }) {
            #expect(TerminalColumns.of(line) <= 80, "\(TerminalColumns.of(line)) columns: \(line)")
        }
    }

    @Test("mbt report prints the same escaped page")
    func patientReport() throws {
        let cli = try run(Paths.mbtBinary, ["report", Self.hostile, "--patient", "RP-0001"], currentDirectory: Paths.packageRoot)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(hidden(cli.stdout).isEmpty && hidden(cli.stderr).isEmpty)
        #expect(cli.stdout.contains("Clinic<U+009B>2J<U+202E>evil<U+0085>"))
    }

    @Test("an id with a carriage return is refused where it stands, and shown escaped")
    func idWithCarriageReturn() throws {
        let path = Paths.fixtures + "/measurements/patient-id-control-character.xml"
        let cli = try run(Paths.mbtBinary, ["validate", path], currentDirectory: Paths.packageRoot)
        #expect(cli.status == 1)
        #expect(cli.stdout.contains(":18:12: error:") && cli.stdout.contains("patient id 'RP<U+000D>FAKE-ID' holds a control character (<U+000D>)"), "\(cli.stdout)")
        #expect(hidden(cli.stdout).isEmpty)
    }

    @Test("file and folder names with escape sequences, BEL and CR reach the terminal visible")
    func hostileNames() throws {
        let folder = try scratch.directory("names")
        let name = folder + "/\u{1B}]0;owned\u{07}\u{1B}[2J\r.xml"
        try FileManager.default.copyItem(atPath: Paths.fixtures + "/measurements/duplicate-patient.xml", toPath: name)
        let out = folder + "/out\u{1B}[31m\u{9B}"
        for arguments in [["validate", name], ["score", name, "--out", out], ["report", name, "--patient", "NOPE"], ["score", folder + "/missing\u{1B}[2J.xml", "--out", out]] {
            let cli = try run(Paths.mbtBinary, arguments, currentDirectory: Paths.packageRoot)
            #expect(cli.status != 0)
            #expect(hidden(cli.stdout).isEmpty && hidden(cli.stderr).isEmpty, "\(arguments[0]): \(cli.stdout.debugDescription) \(cli.stderr.debugDescription)")
            #expect((cli.stdout + cli.stderr).contains("<U+001B>"), "\(arguments[0]): \(cli.stdout)\(cli.stderr)")
            guard arguments[0] == "score" else { continue }
            // The summary names the file as the terminal does.
            let csv = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
            #expect(hidden(csv).isEmpty)
            #expect(csv.contains(arguments[1] == name ? "<U+001B>]0;owned<U+0007><U+001B>[2J<U+000D>.xml" : "missing<U+001B>[2J.xml"), "\(csv)")
        }
    }
}
