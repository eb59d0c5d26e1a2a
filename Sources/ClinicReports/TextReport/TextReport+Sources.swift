import FastText
import MuscleBalanceCore

extension TextReport {
    /// SOURCES: the footnotes in order of first use, then the legend.
    func sources(_ notes: Footnotes, _ page: inout PageText) {
        page.endLine()
        page.line("SOURCES")
        for (n, id) in notes.order.enumerated() {
            page.bytes.appendBytes(cache.footnote(number: n + 1, id: id, from: tables))
        }
        page.bytes.appendBytes(tables.legend)
    }
}
