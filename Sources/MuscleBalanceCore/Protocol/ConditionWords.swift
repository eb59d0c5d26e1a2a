/// How a condition's code or synonym is matched to what a clinic typed: case does not matter,
/// nor do the spaces or underscores a spreadsheet user puts where a code has hyphens
/// (`Atrial Fibrillation`, `atrial_fibrillation` and `atrial-fibrillation` are one word).
public enum ConditionWords {
    /// The folded form. Codes and clinicians' words are ASCII nearly always, and are folded a
    /// byte at a time; other text goes through Unicode's lowercasing (made a String per
    /// scalar, that was 25,000 instructions a word, called for every condition of every session).
    public static func fold(_ written: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(written.utf8.count)
        var pendingHyphen = false
        for byte in written.utf8 {
            guard byte < 0x80 else { return foldUnicode(written) }
            if byte == 0x20 || byte == 0x5F || byte == 0x2D || byte == 0x09 {
                pendingHyphen = !bytes.isEmpty
                continue
            }
            if pendingHyphen {
                bytes.append(0x2D)
                pendingHyphen = false
            }
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func foldUnicode(_ written: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in written.unicodeScalars {
            if scalar == " " || scalar == "_" || scalar == "-" || scalar == "\t" {
                pendingHyphen = !out.isEmpty
                continue
            }
            if pendingHyphen {
                out.append("-")
                pendingHyphen = false
            }
            out.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
        }
        return out
    }
}
