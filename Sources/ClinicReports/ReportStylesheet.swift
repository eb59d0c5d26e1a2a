import MBXML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An XSLT stylesheet that turns the XML report into a page (Reports/report.html.xsl, the
/// clinician's report; Reports/handout.html.xsl, the patient's handout; or a clinic's own),
/// compiled once per run and shared by every thread.
///
/// A page is a frame (head and the end of the body) around one block per patient. The frame
/// does not depend on the patients, so a file of any size is made a batch of patients at a
/// time, and the page is the same bytes as the stylesheet applied to the whole report
/// (`xsltproc`): the blocks sit between the comments `<!-- patients -->` and
/// `<!-- end of patients -->`, which every stylesheet used this way must write.
public final class ReportStylesheet: Sendable {
    /// The paper the print CSS asks for.
    public enum Paper: String, Sendable, CaseIterable {
        case a4 = "A4", letter = "Letter"
    }

    /// The two stylesheets mbt ships in Reports/.
    public enum Bundled: String, Sendable {
        case report = "report.html.xsl"
        case handout = "handout.html.xsl"
    }

    public let stylesheet: XSLTStylesheet
    public let paper: Paper

    static let patientsStart: [UInt8] = Array("<!-- patients -->".utf8)
    static let patientsEnd: [UInt8] = Array("<!-- end of patients -->".utf8)

    public init(path: String, paper: Paper = .a4) throws(XMLReadError) {
        stylesheet = try XSLTStylesheet(contentsOf: path)
        self.paper = paper
    }

    /// Reports/<name> beside a Protocols/ folder: the checkout's, or an install's
    /// share/mbt/Reports beside share/mbt/Protocols.
    public static func bundledPath(_ name: Bundled, protocolsDirectory: String) -> String? {
        var base = protocolsDirectory
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        let parent = base.lastIndex(of: "/").map { String(base[..<$0]) } ?? "."
        let path = (parent.isEmpty ? "" : parent) + "/Reports/" + name.rawValue
        return access(path, R_OK) == 0 ? path : nil
    }

    /// The characters the bundled stylesheets' `$hidden` lists (DEL, C1 controls, the Arabic
    /// letter mark, the left-to-right and right-to-left marks, the bidi embeddings, overrides
    /// and isolates), held to them by a test. mbt replaces them in the document itself and
    /// passes `$hidden` and `$shown` empty: the same page, without libxml2's translate()
    /// searching 45 characters for each character of text (`HiddenCharacters`).
    public static let hidden = HiddenCharacters([0x7F...0x9F, 0x61C...0x61C, 0x200E...0x200F, 0x202A...0x202E, 0x2066...0x2069])

    /// The whole page of an XML report: `patient` and `session` choose (empty: every patient,
    /// each one's latest session).
    public func page(report: [UInt8], url: String, patient: String = "", session: String = "") throws(XMLReadError) -> [UInt8] {
        try stylesheet.transform(report, url: url, parameters: parameters(patient: patient, session: session), hidden: Self.hidden)
    }

    /// The frame of a page: the bytes before the first patient's block and after the last,
    /// from the report's header and footer alone.
    public func frame(header: [UInt8], footer: [UInt8], url: String) throws(XMLReadError) -> (start: [UInt8], end: [UInt8]) {
        let page = try self.page(report: header + footer, url: url)
        guard let start = Self.range(of: Self.patientsStart, in: page), let end = Self.range(of: Self.patientsEnd, in: page) else {
            throw XMLReadError(io: "the stylesheet \(stylesheet.path) does not mark its patients with <!-- patients --> and <!-- end of patients -->")
        }
        return (Array(page[..<start.upperBound]), Array(page[end.lowerBound...]))
    }

    /// The blocks of the patients in `fragment` (`<patient>` and `<skipped>` elements of the
    /// report), between the frame's two halves.
    public func blocks(header: [UInt8], fragment: UnsafeBufferPointer<UInt8>, footer: [UInt8], url: String) throws(XMLReadError) -> [UInt8] {
        var document = header
        document.reserveCapacity(header.count + fragment.count + footer.count)
        document += fragment
        document += footer
        let page = try self.page(report: document, url: url)
        guard let start = Self.range(of: Self.patientsStart, in: page), let end = Self.range(of: Self.patientsEnd, in: page),
            start.upperBound <= end.lowerBound
        else {
            throw XMLReadError(io: "the stylesheet \(stylesheet.path) does not mark its patients with <!-- patients --> and <!-- end of patients -->")
        }
        return Array(page[start.upperBound..<end.lowerBound])
    }

    /// The paper, the patient and session chosen (replaced as the document's text is, so that
    /// they still match it), and `$hidden` and `$shown` empty (the document has none left).
    private func parameters(patient: String, session: String) -> [(String, String)] {
        var list = [("paper", paper.rawValue), ("hidden", ""), ("shown", "")]
        if !patient.isEmpty { list.append(("patient", Self.hidden.visible(patient))) }
        if !session.isEmpty { list.append(("session", Self.hidden.visible(session))) }
        return list
    }

    /// Where `needle` first is in `haystack`: memchr to each candidate first byte, then memcmp
    /// (a page of a batch is some hundred kilobytes, and a byte-by-byte scan in Swift was 0.8%
    /// of `score --html --history`).
    static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBytes { h -> Range<Int>? in
            needle.withUnsafeBytes { n -> Range<Int>? in
                let base = h.baseAddress!
                let last = h.count - n.count
                var from = 0
                while from <= last, let hit = memchr(base + from, Int32(first), last - from + 1) {
                    let at = UnsafeRawPointer(hit) - base
                    if memcmp(base + at, n.baseAddress!, n.count) == 0 { return at..<(at + n.count) }
                    from = at + 1
                }
                return nil
            }
        }
    }
}
