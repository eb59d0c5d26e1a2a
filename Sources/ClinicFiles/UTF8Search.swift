/// Finding text in text on its UTF-8 bytes, for the messages placed on every problem of a
/// sheet. `contains` and `range(of:)` on Strings are Foundation's where it is visible
/// (through NSString), and the standard library's generic searcher, not specialised here,
/// looked its metadata up on every call: either cost a sixth of reading a sheet with a warning
/// a patient (Benchmarks/RESULTS.md, issue 27).
extension StringProtocol {
    /// The first place `needle` is, as indices of `self`.
    func firstUTF8Range(of needle: String) -> Range<Index>? {
        var needle = needle
        return needle.withUTF8 { n -> Range<Index>? in
            guard let first = n.first else { return nil }
            let bytes = utf8
            var i = bytes.startIndex
            while i != bytes.endIndex {
                if bytes[i] == first {
                    var j = i
                    var k = 0
                    while k < n.count, j != bytes.endIndex, bytes[j] == n[k] {
                        j = bytes.index(after: j)
                        k += 1
                    }
                    if k == n.count { return i..<j }
                }
                i = bytes.index(after: i)
            }
            return nil
        }
    }

    func containsUTF8(_ needle: String) -> Bool { firstUTF8Range(of: needle) != nil }
}
