import CLibXML2

/// What a page to be printed would load by itself, found by libxml2's HTML parser (which reads
/// markup as a browser does: entities decoded, case ignored, broken markup recovered), so that
/// no spelling of it passes: a `<meta http-equiv="refresh">` sends the browser to another
/// document after the page has loaded, perhaps a local file, which a Content-Security-Policy
/// does not stop; under load it fired before the print (issue 28).
public enum HTMLPageCheck {
    /// The target of the first `<meta http-equiv="refresh">` anywhere in `html`, or nil.
    public static func refresh(in html: [UInt8]) -> String? {
        LibXML.ensureInitialized()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        let document: htmlDocPtr? = html.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), "page.html", "UTF-8", options)
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        return find(xmlDocGetRootElement(document))
    }

    private static func find(_ node: xmlNodePtr?) -> String? {
        var current = node
        while let n = current {
            if n.pointee.type == XML_ELEMENT_NODE {
                let name = n.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if name == "meta", let equiv = attribute(n, "http-equiv"), equiv.trimmed.lowercased() == "refresh" {
                    return attribute(n, "content") ?? ""
                }
                if let found = find(n.pointee.children) { return found }
            }
            current = n.pointee.next
        }
        return nil
    }

    /// An attribute's value, its name matched without case (HTML's names have none).
    private static func attribute(_ node: xmlNodePtr, _ wanted: String) -> String? {
        var property = node.pointee.properties
        while let p = property {
            if let name = p.pointee.name, String(cString: name).lowercased() == wanted {
                guard let value = xmlNodeGetContent(UnsafeMutableRawPointer(p).assumingMemoryBound(to: xmlNode.self)) else { return "" }
                defer { CLibXML2_xmlFree(value) }
                return String(cString: value)
            }
            property = p.pointee.next
        }
        return nil
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
