extension SpreadsheetImport {
    /// One measure of the open session: where it starts, and each reading with its cell.
    struct PendingMeasure {
        var test: String
        var side: String?
        var unit: String
        var note: String?
        /// The wide layout's column group, -1 for the long layout.
        var group: Int
        var line: Int
        /// A single value written as such (value="..."), with its cell.
        var value: (text: String, row: Int, column: Int)?
        var trials: [(text: String, row: Int, column: Int)] = []
        var lastTrial: Int?

        /// Another reading of the same measure: a single value becomes the first trial.
        mutating func addTrial(_ text: String, row: Int, column: Int) {
            if let v = value, trials.isEmpty {
                trials.append(v)
                value = nil
            }
            trials.append((text, row, column))
        }
    }
}
