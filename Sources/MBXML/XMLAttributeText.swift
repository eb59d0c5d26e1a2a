/// Text for an attribute written by hand rather than through `XMLFragmentWriter` (a root
/// element left open while its children stream; a spreadsheet's row made into an element):
/// the five markup characters and the line breaks escaped, and the characters XML 1.0 cannot
/// carry at all dropped rather than written invalid.
public func xmlAttributeText(_ text: String) -> String {
    // Nearly every value needs nothing: returned as it is.
    guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 < 32 || $0 == 0xEF }) else { return text }
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
