/// How a condition's code or synonym is matched to what a clinic typed: case does not matter,
/// nor do the spaces or underscores a spreadsheet user puts where a code has hyphens
/// (`Atrial Fibrillation`, `atrial_fibrillation` and `atrial-fibrillation` are one word).
public enum ConditionWords {
    public static func fold(_ written: String) -> String {
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
