/// The largest sheet a spreadsheet program keeps (Excel's specifications and limits, the same
/// in LibreOffice since 7.4): what a clinic's sheet can hold, and so the most `mbt` reads. A
/// cell or a row past them did not come from a spreadsheet, and reading it on would let one
/// line of a file take gigabytes (issue 28: a CSV header of a million columns, a 100 MB cell).
public enum SheetLimits {
    /// Characters in one cell (counted as Excel counts them, in UTF-16 units).
    public static let cellCharacters = 32_767
    /// The most UTF-8 bytes a cell of `cellCharacters` can take: no UTF-16 unit is more than
    /// three bytes. Text is cut off here while it is read; the exact count is made at the end.
    public static let cellBytes = 3 * cellCharacters
    /// Columns in a row (A to XFD).
    public static let columns = 16_384
    /// Rows in a sheet.
    public static let rows = 1_048_576

    /// Whether `bytes` (UTF-8) hold more characters than a cell can.
    public static func overfills(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count > cellCharacters else { return false }
        guard bytes.count <= cellBytes else { return true }
        return String(decoding: bytes, as: UTF8.self).utf16.count > cellCharacters
    }

    /// Appends `piece` to a cell's `text` up to one byte past `cellBytes` (enough for
    /// `overfills` to say the cell is too long), and no further; false when bytes were dropped.
    /// A 100 MB cell costs no more than a full one.
    public static func appendToCell(_ piece: UnsafeBufferPointer<UInt8>, to text: inout [UInt8]) -> Bool {
        let room = cellBytes + 1 - text.count
        if piece.count <= room {
            text.append(contentsOf: piece)
            return true
        }
        if room > 0 { text.append(contentsOf: UnsafeBufferPointer(rebasing: piece[0..<room])) }
        return false
    }
}
