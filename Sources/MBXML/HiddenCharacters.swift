import CLibXML2

/// Characters a page must never show live (DEL, the C1 controls, the bidi marks and
/// overrides), replaced with U+FFFD in every text and attribute value of a parsed document
/// before a stylesheet reads it.
///
/// The stylesheets do the same with `translate($text, $hidden, $shown)`, so that a page made by
/// any XSLT processor from an XML report is safe. libxml2's translate() looks each character of
/// the text up in the 45 of `$hidden` one by one: it was a fifth of a page's time (perf:
/// `xmlUTF8Strloc`, 16% of `score --html --history`). mbt makes the document's text visible
/// here instead, in one pass over its bytes, and passes the stylesheet an empty `$hidden`
/// (`ReportStylesheet`): the page is the same bytes, and a stylesheet that forgets a
/// translate() still shows no live control character when mbt runs it.
public struct HiddenCharacters: Sendable {
    /// Each range of scalars replaced, least first.
    public let ranges: [ClosedRange<UInt32>]

    public init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = ranges.sorted { $0.lowerBound < $1.lowerBound }
    }

    public func contains(_ scalar: UInt32) -> Bool {
        for range in ranges {
            if scalar < range.lowerBound { return false }
            if scalar <= range.upperBound { return true }
        }
        return false
    }

    /// `text` with each hidden character replaced by U+FFFD (a stylesheet parameter that is
    /// compared with the document's text, a patient's id, must be replaced the same way).
    public func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { contains($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(contains(scalar.value) ? "\u{FFFD}" : scalar) }
        return String(out)
    }

    /// Replaces the hidden characters of every text, CDATA section, comment and attribute value
    /// of `document` (a node whose content has none is left as it is).
    func replace(in document: xmlDocPtr) {
        var node = document.pointee.children
        while let current = node {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_COMMENT_NODE:
                replaceContent(of: current)
            case XML_ELEMENT_NODE:
                var attribute = current.pointee.properties
                while let a = attribute {
                    var child = a.pointee.children
                    while let c = child {
                        if c.pointee.type == XML_TEXT_NODE { replaceContent(of: c) }
                        child = c.pointee.next
                    }
                    attribute = a.pointee.next
                }
            default:
                break
            }
            // Depth first: the first child, else the next sibling, else a parent's next sibling.
            if current.pointee.type == XML_ELEMENT_NODE, let first = current.pointee.children {
                node = first
                continue
            }
            var up: xmlNodePtr? = current
            node = nil
            while let u = up, u != UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self) {
                if let next = u.pointee.next {
                    node = next
                    break
                }
                up = u.pointee.parent
            }
        }
    }

    private func replaceContent(of node: xmlNodePtr) {
        guard let content = node.pointee.content else { return }
        let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
        let bytes = UnsafeBufferPointer(start: content, count: length)
        // Most text is ASCII below DEL: one test a byte until the first that is not.
        guard let first = bytes.firstIndex(where: { $0 >= 0x7F }) else { return }
        var out: [UInt8] = []
        var copied = 0
        var i = first
        while i < length {
            let lead = bytes[i]
            if lead < 0x7F {
                i += 1
                continue
            }
            let (scalar, size) = Self.decode(bytes, at: i)
            if contains(scalar) {
                if out.isEmpty { out.reserveCapacity(length + 16) }
                out.append(contentsOf: bytes[copied..<i])
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                copied = i + size
            }
            i += size
        }
        guard copied > 0 else { return }
        out.append(contentsOf: bytes[copied...])
        out.append(0)
        out.withUnsafeBufferPointer { xmlNodeSetContent(node, $0.baseAddress) }
    }

    /// The scalar at `i` of well-formed UTF-8 (libxml2's own) and its length.
    private static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let lead = b[i]
        func next(_ k: Int) -> UInt32 { i + k < b.count ? UInt32(b[i + k] & 0x3F) : 0 }
        switch lead {
        case ..<0x80: return (UInt32(lead), 1)
        case ..<0xE0: return (UInt32(lead & 0x1F) << 6 | next(1), 2)
        case ..<0xF0: return (UInt32(lead & 0x0F) << 12 | next(1) << 6 | next(2), 3)
        default: return (UInt32(lead & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3), 4)
        }
    }
}
