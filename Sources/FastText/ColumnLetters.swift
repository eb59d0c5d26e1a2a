/// A spreadsheet's column letters from its 1-based number: 1 is A, 26 Z, 27 AA. One function
/// for the diagnostics that name a workbook's cell (`Sheet1!E812`) and the workbook writer.
public func spreadsheetColumnLetters(_ column: Int) -> String {
    var n = max(column, 1)
    var letters: [Character] = []
    while n > 0 {
        let r = (n - 1) % 26
        letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
        n = (n - 1) / 26
    }
    return String(letters.reversed())
}
