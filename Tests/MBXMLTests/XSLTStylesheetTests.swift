import Foundation
import MBXML
import Testing

/// libxslt, locked down: a stylesheet transforms what it is given and nothing else. It reads
/// no file and no URL, writes none, and is parsed as any input is.
@Suite("XSLT stylesheets")
struct XSLTStylesheetTests {
    static func sheet(_ body: String, extraNamespaces: String = "", version: String = "1.0") -> [UInt8] {
        Array("""
            <?xml version="1.0"?>
            <xsl:stylesheet version="\(version)" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"\(extraNamespaces)>
              <xsl:output method="text"/>
              <xsl:param name="who" select="'nobody'"/>
              \(body)
            </xsl:stylesheet>
            """.utf8)
    }

    static let input = Array("<doc><item>1</item><item>2</item><item>3</item></doc>".utf8)

    /// A private folder with a file a hostile stylesheet would like to read.
    static func folderWithSecret() throws -> (folder: String, secret: String) {
        let folder = NSTemporaryDirectory() + "mbt-xslt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let secret = folder + "/secret.xml"
        try "<secret>TOP-SECRET-42</secret>".write(toFile: secret, atomically: true, encoding: .utf8)
        return (folder, secret)
    }

    @Test("a transformation computes over the document, with a string parameter quoted for XPath")
    func transforms() throws {
        let style = try XSLTStylesheet(bytes: Self.sheet("""
            <xsl:template match="/">sum=<xsl:value-of select="sum(//item)"/>; who=<xsl:value-of select="$who"/></xsl:template>
            """), path: "sum.xsl")
        let out = try style.transform(Self.input, url: "in.xml", parameters: [("who", "O'Brien")])
        #expect(String(decoding: out, as: UTF8.self) == "sum=6; who=O'Brien")
        // Compiled once, applied again (and from other threads: it is shared read-only).
        let again = try style.transform(Self.input, url: "in.xml")
        #expect(String(decoding: again, as: UTF8.self) == "sum=6; who=nobody")
    }

    @Test("one compiled stylesheet applied from eight threads at once gives the same bytes")
    func concurrent() async throws {
        let style = try XSLTStylesheet(bytes: Self.sheet("""
            <xsl:template match="/"><xsl:for-each select="//item"><xsl:value-of select=". * 2"/>,</xsl:for-each></xsl:template>
            """), path: "double.xsl")
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { try (0..<50).map { _ in try style.transform(Self.input, url: "in.xml") }.last! } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { String(decoding: $0, as: UTF8.self) == "2,4,6," })
    }

    @Test("document() reading a local file is refused, and the file's text does not come out")
    func readRefused() throws {
        let (folder, secret) = try Self.folderWithSecret()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for href in [secret, "file://" + secret, "http://127.0.0.1:9/x.xml"] {
            let style = try XSLTStylesheet(bytes: Self.sheet("""
                <xsl:template match="/">[<xsl:value-of select="document('\(href)')"/>]</xsl:template>
                """), path: "read.xsl")
            #expect(throws: XMLReadError.self, "\(href)") { try style.transform(Self.input, url: "in.xml") }
        }
    }

    @Test("xsl:document writing a file is refused, and no file appears")
    func writeRefused() throws {
        let (folder, _) = try Self.folderWithSecret()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/written.txt"
        let style = try XSLTStylesheet(bytes: Self.sheet("""
            <xsl:template match="/"><xsl:document href="\(target)" method="text">pwned</xsl:document>done</xsl:template>
            """, version: "1.1"), path: "write.xsl")
        #expect(throws: XMLReadError.self) { try style.transform(Self.input, url: "in.xml") }
        #expect(!FileManager.default.fileExists(atPath: target))
        // In a folder that does not exist yet: not created either.
        let deep = folder + "/made/by/xslt.txt"
        let creating = try XSLTStylesheet(bytes: Self.sheet("""
            <xsl:template match="/"><xsl:document href="\(deep)" method="text">x</xsl:document></xsl:template>
            """, version: "1.1"), path: "mkdir.xsl")
        #expect(throws: XMLReadError.self) { try creating.transform(Self.input, url: "in.xml") }
        #expect(!FileManager.default.fileExists(atPath: folder + "/made"))
    }

    @Test("xsl:import and xsl:include of a local file are refused when the stylesheet compiles")
    func importRefused() throws {
        let (folder, _) = try Self.folderWithSecret()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let other = folder + "/other.xsl"
        try String(decoding: Self.sheet("<xsl:template match=\"/\">imported</xsl:template>"), as: UTF8.self)
            .write(toFile: other, atomically: true, encoding: .utf8)
        for element in ["import", "include"] {
            let bytes = Self.sheet("<xsl:\(element) href=\"\(other)\"/><xsl:template match=\"doc\">own</xsl:template>")
            #expect(throws: XMLReadError.self, "\(element)") { try XSLTStylesheet(bytes: bytes, path: "importer.xsl") }
        }
    }

    @Test("a stylesheet is parsed as any input: a DOCTYPE (entities) is refused, broken XML and non-XSLT are errors")
    func checkedLikeInput() throws {
        let doctype = Array("""
            <?xml version="1.0"?>
            <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
            <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/">&e;</xsl:template></xsl:stylesheet>
            """.utf8)
        do {
            _ = try XSLTStylesheet(bytes: doctype, path: "doctype.xsl")
            Issue.record("a DOCTYPE was accepted")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("DOCTYPE") })
        }
        #expect(throws: XMLReadError.self) { try XSLTStylesheet(bytes: Array("<xsl:stylesheet".utf8), path: "broken.xsl") }
        #expect(throws: XMLReadError.self) { try XSLTStylesheet(bytes: Array("<html/>".utf8), path: "not.xsl") }
        #expect(throws: XMLReadError.self) { try XSLTStylesheet(bytes: [], path: "empty.xsl") }
        // A compile error says what libxslt found.
        do {
            _ = try XSLTStylesheet(bytes: Self.sheet("<xsl:template match=\"/\"><xsl:value-of select=\"((\"/></xsl:template>"), path: "bad-xpath.xsl")
            Issue.record("a broken XPath compiled")
        } catch {
            #expect(!error.diagnostics.isEmpty)
        }
    }

    /// Issue 28: a stylesheet that never stops. Each is stopped with its reason, and the same
    /// compiled stylesheet then transforms a harmless document again (nothing of the stopped
    /// run is left in it). The memory bound is the process's growth, so text doubled without
    /// end is tested in a process of its own (HTMLReportTests): here it would stop its
    /// neighbours too.
    @Test("a stylesheet past its bounds is stopped with the reason: templates nested without end, a run past its time", arguments: ["deep", "exponential"])
    func bounded(kind: String) throws {
        let bodies = [
            "deep": """
                <xsl:template name="r"><xsl:param name="n"/><x><xsl:call-template name="r"><xsl:with-param name="n" select="$n + 1"/></xsl:call-template></x></xsl:template>
                <xsl:template match="/"><xsl:choose><xsl:when test="doc"><xsl:call-template name="r"><xsl:with-param name="n" select="0"/></xsl:call-template></xsl:when><xsl:otherwise>fine</xsl:otherwise></xsl:choose></xsl:template>
                """,
            "exponential": """
                <xsl:template name="e"><xsl:param name="n"/>
                  <xsl:if test="$n &gt; 0"><xsl:call-template name="e"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template><xsl:call-template name="e"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:if>
                </xsl:template>
                <xsl:template match="/"><xsl:choose><xsl:when test="doc"><xsl:call-template name="e"><xsl:with-param name="n" select="60"/></xsl:call-template></xsl:when><xsl:otherwise>fine</xsl:otherwise></xsl:choose></xsl:template>
                """,
        ]
        let reasons = [
            "deep": "nests templates or variables more than 1000 deep and was stopped",
            "exponential": "ran for more than 1 s on one page and was stopped",
        ]
        let stylesheet = try XSLTStylesheet(bytes: Self.sheet(bodies[kind]!), path: "\(kind).xsl")
        do {
            // No memory bound here: other tests in this process may grow it meanwhile.
            _ = try stylesheet.transform(Self.input, url: "in.xml", timeLimit: 1, memoryLimit: Int.max / 2)
            Issue.record("\(kind): not stopped")
        } catch {
            #expect(error.diagnostics.map(\.message).joined().contains(reasons[kind]!), "\(error.diagnostics)")
        }
        #expect(try stylesheet.transform(Array("<other/>".utf8), url: "other.xml", timeLimit: 1) == Array("fine".utf8))
    }
}
