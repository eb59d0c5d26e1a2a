import Foundation
import MuscleBalanceCore
import TestSupport
import Testing

/// Errors come before warnings on the terminal, and the cap on what is shown falls on warnings:
/// two bad patients among hundreds of warned ones are both shown, with their positions.
@Suite("Errors before warnings")
struct TerminalOrderTests {
    let scratch = Scratch("order")

    /// 600 patients without a body mass (a warning each: the adductor norm is in %BW) and two,
    /// at patients 200 and 400, with a session in the future as well (an error each): 600 warnings.
    func file() throws -> (path: String, errorLines: [Int]) {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<measurements xmlns=\"urn:musclebalance:measurements:1\" protocol=\"lumbopelvic-balance\" clinic=\"Order\">"]
        var errorLines: [Int] = []
        for n in 1...600 {
            let bad = n == 200 || n == 400
            // Each born on a day of her own: ids one character apart with the same sex and birth
            // date would be warned about as the same person.
            let born = CivilDate(year: 1990, month: 1, day: 1)!.adding(days: n)
            lines.append("  <patient id=\"P-\(n)\" sex=\"female\" birthDate=\"\(born)\">")
            if bad { errorLines.append(lines.count + 1) }
            lines.append("    <session date=\"\(bad ? "2099-01-01" : "2026-11-02")\">")
            lines.append("      <measure test=\"hip-adduction-strength\" side=\"left\" unit=\"N\" value=\"110\"/>")
            lines.append("    </session>")
            lines.append("  </patient>")
        }
        lines.append("</measurements>")
        let path = scratch.path("order") + ".xml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return (path, errorLines)
    }

    @Test("score: both errors first, with their lines; 500 warnings; the other 100 counted")
    func score() throws {
        let (path, errorLines) = try file()
        let cli = try run(Paths.mbtBinary, ["score", path, "--out", try scratch.directory("out")])
        #expect(cli.status == 1)
        let lines = cli.stdout.split(separator: "\n")
        #expect(lines.count >= 502)
        for (n, line) in errorLines.enumerated() {
            #expect(lines[n].hasPrefix("\(path):\(line):") && lines[n].contains(": error: session date 2099-01-01 is in the future"), "\(lines[n])")
        }
        #expect(lines[2..<502].allSatisfy { $0.contains(": warning: ") })
        #expect(cli.stdout.contains("\(path): 100 more warnings not shown"), "\(cli.stdout.suffix(400))")
        #expect(!cli.stdout.contains("more errors"))
    }

    @Test("validate: errors first, then every warning")
    func validate() throws {
        let (path, errorLines) = try file()
        let cli = try run(Paths.mbtBinary, ["validate", path])
        #expect(cli.status == 1)
        let lines = cli.stdout.split(separator: "\n")
        #expect(lines[0].hasPrefix("\(path):\(errorLines[0]):") && lines[1].hasPrefix("\(path):\(errorLines[1]):"))
        #expect(lines.count { $0.contains(": warning: ") } == 600)
        #expect(lines[2..<602].allSatisfy { $0.contains(": warning: ") })
    }
}
