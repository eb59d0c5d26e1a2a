import Spreadsheets
/// How a spreadsheet is read into the measurement format: its layout, its delimiter and the
/// writing of its numbers and dates, and what the sheet cannot say itself (the protocol, the
/// clinic, where the patients' details are).
public struct SheetImportOptions: Sendable {
    public enum Layout: String, Sendable, CaseIterable {
        /// Told by the header: `test` and `value` columns make it long, else wide.
        case auto
        /// One row per reading.
        case long
        /// One row per patient session, one column per test and side.
        case wide
    }

    public var layout: Layout = .auto
    /// The CSV delimiter: `,` unless the sheet was saved with `;` or a tab.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Numbers are written 12,5 (only with a delimiter that is not a comma).
    public var decimalComma = false
    /// How dates are written when not yyyy-mm-dd; nil accepts yyyy-mm-dd only.
    public var dateOrder: DateOrder?
    /// What a CSV file was saved in (`--encoding`): UTF-8 unless told.
    public var encoding: TextEncoding = .utf8
    /// A workbook's sheet (its first one when nil).
    public var sheet: String?
    /// A second sheet with the patients' details, joined by patient_id.
    public var patientsFile: String?
    /// A device's export read through a column map (`--map`).
    public var map: ColumnMap?
    /// The protocol the readings are checked and scored against.
    public var protocolID: String
    /// The clinic's name, for the reports' header.
    public var clinic: String?

    public init(protocolID: String) {
        self.protocolID = protocolID
    }

    /// The encodings `--encoding` names, as its help lists them.
    public static let encodingNames = TextEncoding.allCases.map(\.rawValue)

    /// Sets `encoding` from a name (`--encoding`: utf-8, latin-1, windows-1252, and their
    /// other spellings); false for a name that is none of them.
    public mutating func setEncoding(named name: String) -> Bool {
        guard let encoding = TextEncoding(argument: name) else { return false }
        self.encoding = encoding
        return true
    }
}

/// The order of day, month and year in a date that is not yyyy-mm-dd (`--date-format`).
public enum DateOrder: String, Sendable, CaseIterable {
    case dayMonthYear = "dd/mm/yyyy"
    case monthDayYear = "mm/dd/yyyy"
    case yearMonthDay = "yyyy/mm/dd"

    /// Also accepts `.` and `-` between the parts: 02.11.2026.
    public init?(argument: String) {
        let normalized = argument.lowercased().replacing(".", with: "/").replacing("-", with: "/")
        guard let order = Self(rawValue: normalized) else { return nil }
        self = order
    }
}
