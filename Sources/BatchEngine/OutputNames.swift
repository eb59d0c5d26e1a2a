/// The names of a batch's outputs: stable whatever the order of the inputs, the way a path was
/// spelled, or what else is in the batch, and never the same for two different inputs.
///
/// An input is named by its path relative to a base folder (by default the folder `mbt` runs
/// in), worked out on the text of the path: `clinic.xml`, `./clinic.xml` and `/srv/c/clinic.xml`
/// run in /srv/c are all `clinic.xml`. An input outside the base is named by its absolute path.
/// That relative path is what reports and summaries record, and the report's name is made from
/// it (an input outside the base always gets the hash below): the folders and the file name (without `.xml`) joined by `--`, each reduced to
/// `[A-Za-z0-9._-]`: `a/clinic.xml` gives `a--clinic`, `b/clinic.xml` gives `b--clinic`.
///
/// Where that would lose anything (a name not ending in `.xml`, a character replaced, a leading dot, a part that is empty,
/// starts or ends with `-` or holds `--`, a name over 100 characters) the name is cut to 89
/// characters and ends with `-` and ten hex digits of a hash of the whole relative path. A
/// name made without a hash never ends that way (one that would is hashed too), so a plain
/// name and a hashed one never meet, and two plain names are equal only for equal paths.
public enum OutputNames {
    /// `path` relative to `base` ('/'-separated, no '.', '..' or empty parts), or the absolute
    /// path when it lies outside `base`. Relative paths are taken from `currentDirectory`.
    public static func relativePath(of path: String, base: String, currentDirectory: String) -> String {
        let absolute = normalized(path.hasPrefix("/") ? path : currentDirectory + "/" + path)
        let baseParts = normalized(base.hasPrefix("/") ? base : currentDirectory + "/" + base)
        if absolute.count > baseParts.count && Array(absolute.prefix(baseParts.count)) == baseParts {
            return absolute.dropFirst(baseParts.count).joined(separator: "/")
        }
        return "/" + absolute.joined(separator: "/")
    }

    /// The parts of an absolute path with '.', '..' and empty parts resolved on the text.
    static func normalized(_ absolute: String) -> [String] {
        var parts: [String] = []
        for part in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(String(part))
        }
        return parts
    }

    /// The stem of the outputs of the input at `relativePath` (see the type's comment).
    public static func stem(forRelativePath relativePath: String) -> String {
        var parts = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // An input outside the base is named from its absolute path, always with the hash: its
        // parts would otherwise read like those of a relative path ("/a" and "a").
        let outside = parts.first == ""
        if outside { parts.removeFirst() }
        // A file not named *.xml keeps its whole name, and the hash: "a." and "a..xml" differ.
        var lossless = !parts.isEmpty && !outside
        if let last = parts.last, last.hasSuffix(".xml") {
            parts[parts.count - 1] = String(last.dropLast(4))
        } else {
            lossless = false
        }
        let safe = parts.map { part -> String in
            let reduced = String(part.unicodeScalars.map { scalar -> Character in
                let c = Character(scalar)
                return (c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".")) ? c : "_"
            })
            if reduced != part || part.isEmpty || part.hasPrefix(".") || part.hasPrefix("-") || part.hasSuffix("-") || part.contains("--") {
                lossless = false
            }
            var trimmed = Substring(reduced)
            while trimmed.hasPrefix(".") { trimmed.removeFirst() }
            return String(trimmed)
        }
        let joined = safe.filter { !$0.isEmpty }.joined(separator: "--")
        if lossless && joined.count <= maxLength && !endsLikeHashed(joined) {
            return joined
        }
        let kept = String(joined.prefix(maxLength - 11))
        return (kept.isEmpty ? "input" : kept) + "-" + hash(relativePath)
    }

    public static let maxLength = 100

    /// Ten lower-case hex digits of the 64-bit FNV-1a hash of the path's UTF-8.
    public static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h >> 24, radix: 16)
        return String(repeating: "0", count: max(0, 10 - hex.count)) + hex
    }

    /// Whether `name` ends with '-' and ten lower-case hex digits, as a hashed name does.
    static func endsLikeHashed(_ name: String) -> Bool {
        let tail = Array(name.utf8.suffix(11))
        guard tail.count == 11, tail[0] == UInt8(ascii: "-") else { return false }
        return tail.dropFirst().allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
