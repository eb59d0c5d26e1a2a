/// The encoding a CSV file was saved in. UTF-8 unless told (`--encoding`): Excel's "CSV
/// (Comma delimited)" on Windows writes Windows-1252, and older exports Latin-1; read as
/// UTF-8, their accented letters are not text and are refused at their cell. Both are one byte
/// per character, with the same bytes as ASCII below 0x80, so the delimiter, quotes and line
/// ends are found in the bytes as saved and only the text is converted.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case latin1 = "latin-1"
    case windows1252 = "windows-1252"

    /// The names `--encoding` takes, in any case: utf-8, utf8, latin-1, latin1, iso-8859-1,
    /// windows-1252, cp1252.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1": self = .latin1
        case "windows-1252", "cp1252", "win-1252": self = .windows1252
        default: return nil
        }
    }

    /// Windows-1252's characters at 0x80-0x9F (Latin-1 has C1 controls there). The five bytes
    /// it leaves undefined stay C1 controls, which a sheet's cell then refuses as such.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Appends `bytes`, saved in this encoding, to `out` as UTF-8.
    public func appendUTF8(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard self != .utf8 else {
            out.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            if byte < 0x80 {
                out.append(byte)
                continue
            }
            let scalar = self == .windows1252 && byte < 0xA0 ? Self.windows1252High[Int(byte - 0x80)] : UInt32(byte)
            if scalar < 0x800 {
                out.append(UInt8(0xC0 | (scalar >> 6)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (scalar >> 12)))
                out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
    }
}
