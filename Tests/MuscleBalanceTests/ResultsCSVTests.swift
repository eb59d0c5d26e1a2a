import Foundation
import TestSupport
import Testing

/// `mbt score --results-csv`: one row per result and norm, read back by Python's csv module
/// (a second client), with figures checked by hand.
@Suite("Results CSV")
struct ResultsCSVTests {
    let scratch = Scratch("results-csv")

    @Test("a row per result and norm, in the example's figures")
    func example() throws {
        let out = try scratch.directory("out")
        let scored = try run(Paths.mbtBinary, ["score", Paths.example, "--out", out, "--results-csv", "--base", Paths.packageRoot])
        #expect(scored.status == 0)
        let path = out + "/Examples--clinic-example.results.csv"
        let python = try #require(findExecutable("python3"))
        // Python's csv module reads it: every row as wide as the header.
        let check = try run(python, ["-c", """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], newline='')))
            assert rows[0] == ['patient','session','test','side','value','unit','norm','z','percentile','percent_of_norm','grade','source'], rows[0]
            assert all(len(r) == 12 for r in rows), 'ragged'
            print(len(rows) - 1)
            for r in rows[1:]:
                if r[0] == 'RP-0001' and r[2] == 'hip-abduction-strength' and r[3] == 'left': print('|'.join(r))
            """, path])
        #expect(check.status == 0, "\(check.stderr)")
        let lines = check.stdout.split(separator: "\n").map(String.init)
        #expect(Int(lines.first ?? "") ?? 0 > 40)
        // RP-0001's left hip abduction: trials 108, 112, 110 N, the best (max) 112 N, against
        // McKay 2017's women 20-59, mean 113.1 SD 32.4 N: z = (112 - 113.1) / 32.4 = -0.034,
        // percent of norm 112 / 113.1 = 99.0%, percentile Phi(-0.034) = 48.6.
        #expect(lines.dropFirst().first == "RP-0001|2026-11-02|hip-abduction-strength|left|112|N|mean 113.1 SD 32.4, female 20-59|-0.03|48.6|99|normal|mckay-2017 (code)")
    }

    @Test("a patient id that would start a formula is defused")
    func formula() throws {
        let root = try scratch.directory("formula")
        let example = try String(contentsOfFile: Paths.example, encoding: .utf8).replacingOccurrences(of: "RP-0001", with: "=HYPERLINK(1)")
        try example.write(toFile: root + "/c.xml", atomically: false, encoding: .utf8)
        let scored = try run(Paths.mbtBinary, ["score", "c.xml", "--out", "out", "--results-csv"], currentDirectory: root)
        #expect(scored.status == 0)
        let text = try String(contentsOfFile: root + "/out/c.results.csv", encoding: .utf8)
        #expect(text.contains("\n'=HYPERLINK(1),2026-11-02,"))
        #expect(!text.contains("\n=HYPERLINK"))
    }
}
