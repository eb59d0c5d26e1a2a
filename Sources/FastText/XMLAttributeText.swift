/// Text for an attribute written by hand rather than through `XMLFragmentWriter` (a root
/// element left open while its children stream; a spreadsheet's row made into an element):
/// the five markup characters and the line breaks escaped, and the characters XML 1.0 cannot
/// carry at all dropped rather than written invalid.
public func xmlAttributeText(_ text: String) -> String {
    // Nearly every value needs nothing: returned as it is.
    // Scanned over the string's own bytes where it has them: through the UTF8View the scan
    // costs about 28 instructions a byte, on every attribute a sheet's import writes.
    let needsWork: (UInt8) -> Bool = { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 < 32 || $0 == 0xEF }
    let plain = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: needsWork) } ?? !text.utf8.contains(where: needsWork)
    guard !plain else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\n": out += "&#10;"
        case "\t": out += "&#9;"
        case "\r": out += "&#13;"
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
