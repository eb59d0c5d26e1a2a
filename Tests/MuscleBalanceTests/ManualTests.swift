import Foundation
import TestSupport
import Testing

/// The manual (Docs/mbt.1, installed as man 1 mbt) is made from the commands' own help; a
/// command or option added since it was last made (`make man`) fails here.
@Suite("Manual")
struct ManualTests {
    @Test("every command and every long option of every command is in Docs/mbt.1", arguments: ["validate", "score", "report", "merge", "generate"])
    func optionsInManual(command: String) throws {
        let manual = try String(contentsOfFile: Paths.packageRoot + "/Docs/mbt.1", encoding: .utf8)
        #expect(manual.contains(command))
        let help = try run(Paths.mbtBinary, [command, "--help"])
        #expect(help.status == 0)
        let options = Set(help.stdout.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") })
            .filter { $0.hasPrefix("--") && $0.count > 2 }.map(String.init))
        #expect(!options.isEmpty)
        for option in options where option != "--help" {
            // mdoc writes an option's dashes as "\\-\\-" or as Fl.
            let name = String(option.dropFirst(2))
            #expect(manual.contains("-" + name) || manual.contains("Fl " + name) || manual.contains("\\-\\-" + name), "\(command) \(option) is not in Docs/mbt.1; run make man")
        }
    }

    @Test("the manual has FILES and ENVIRONMENT: the variables mbt reads and the files it installs")
    func filesAndEnvironment() throws {
        let manual = try String(contentsOfFile: Paths.packageRoot + "/Docs/mbt.1", encoding: .utf8)
        for needed in [".Sh ENVIRONMENT", ".Sh FILES", "MBT_PROTOCOLS", "MBT_CHROMIUM", "TMPDIR", "vald-style.map.csv", "clinic-example.wide.xlsx", "handout.html.xsl"] {
            #expect(manual.contains(needed), "\(needed) is not in Docs/mbt.1")
        }
        // Each file the manual names in Examples/ is one the install lays out (Makefile).
        let makefile = try String(contentsOfFile: Paths.packageRoot + "/Makefile", encoding: .utf8)
        for example in ["vald-style.map.csv", "vald-style-export.csv", "vald-style-profiles.csv", "clinic-example.*.csv", "clinic-example.*.xlsx"] {
            #expect(makefile.contains("Examples/" + example), "make install does not install Examples/\(example)")
        }
    }

    @Test("mbt --version prints the version the manual and the install carry")
    func version() throws {
        let result = try run(Paths.mbtBinary, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("mbt 0."), "\(result.stdout)")
    }
}
