import FastText
import Testing

@Suite("Spreadsheet column letters")
struct ColumnLettersTests {
    @Test("1 is A, 26 Z, 27 AA, 52 AZ, 53 BA, 702 ZZ, 703 AAA, 16384 XFD (Excel's last)", arguments: [
        (1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA"), (16384, "XFD"),
    ])
    func letters(column: Int, expected: String) {
        #expect(spreadsheetColumnLetters(column) == expected)
    }
}
