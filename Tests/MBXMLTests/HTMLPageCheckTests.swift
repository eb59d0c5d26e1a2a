import MBXML
import Testing

/// A refresh is found however the page spells it, as a browser would read it.
@Suite("HTML page check")
struct HTMLPageCheckTests {
    @Test("meta refresh in any spelling: case, spaces, entities, unquoted, in the body, in broken markup; none where there is none")
    func refresh() {
        let pages = [
            "<html><head><meta http-equiv=\"refresh\" content=\"0;url=file:///etc/passwd\"></head><body>x</body></html>",
            "<HTML><HEAD><META HTTP-EQUIV=\" Refresh \" CONTENT=\"0;url=file:///etc/passwd\"></HEAD></HTML>",
            "<html><head><meta http-equiv=\"&#82;efresh\" content=\"0;url=file:///etc/passwd\"></head></html>",
            "<p>text<meta http-equiv=refresh content=\"0;url=file:///etc/passwd\"><div><span>",
        ]
        for page in pages {
            #expect(HTMLPageCheck.refresh(in: Array(page.utf8)) == "0;url=file:///etc/passwd", "\(page)")
        }
        for page in ["<html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><p>refresh</p></body></html>", "", "<<<"] {
            #expect(HTMLPageCheck.refresh(in: Array(page.utf8)) == nil, "\(page)")
        }
    }
}
