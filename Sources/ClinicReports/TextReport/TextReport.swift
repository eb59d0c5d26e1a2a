import Locks
import FastText
import MBXML
import MuscleBalanceCore

/// The printable report: at most 80 columns, one patient per page (a form feed between
/// patients), the latest session in full (or the one asked for) with progress since the one
/// before, and the norms' sources as numbered footnotes.
public struct TextReport {
    public static let width = 80
    /// What the report needs of its protocol, worked out once per protocol and shared by every
    /// file of a batch.
    public final class Tables: Sendable {
        /// The protocol's lookups, shared with the rules and the scorer.
        let index: ProtocolIndex
        var balanceProtocol: BalanceProtocol { index.balanceProtocol }
        let protocolLine: String
        /// The legend under the sources, wrapped once.
        let legend: [UInt8]
        /// Each adjunct therapy's "Ask about: ..." for an unscreened patient, by index,
        /// wrapped once: the same on every page (wrapped per page it was 6% of a run).
        let askLines: [[UInt8]]
        /// Each footnote as wrapped, by number and source id, shared by every file of the batch
        /// (each file's own `Cache` sits in front): made per file, footnotes and legend were a
        /// quarter of a ten-patient file's fixed cost.
        let footnotes = Locked<[FootnoteKey: [UInt8]]>([:])

        public convenience init(protocol p: BalanceProtocol) {
            self.init(index: ProtocolIndex(p))
        }

        public init(index: ProtocolIndex) {
            self.index = index
            let p = index.balanceProtocol
            protocolLine = "Protocol \(p.id) \(p.version) (\(p.title))"
            var legend = PageText()
            legend.wrap(
                "z: negative is worse than the norm. % ref: value / norm mean (or median) x 100. "
                    + "\"no reference\": no published norm for this patient's sex and age, or none at all; no figure is borrowed. "
                    + "Grade \"-\": nothing grades this result (no norm, or a norm without a cut-off or lower limit). "
                    + "\"n/r\" (left/right): no published threshold grades this asymmetry. "
                    + "Left/right bars: the longer bar is the better side; for lower-is-better angles the tighter side's bar is the shorter.",
                indent: 0)
            self.legend = legend.array
            askLines = p.adjuncts.map { adjunct in
                let questions = BalanceScorer.askList(for: adjunct, in: index)
                guard !questions.isEmpty else { return [] }
                var page = PageText()
                page.wrap(indent: 4, hanging: 6) { p in
                    p.put("Ask about: ")
                    for (n, question) in questions.enumerated() {
                        if n > 0 { p.put("; ") }
                        p.put(question)
                    }
                    p.put(".")
                }
                return page.array
            }
        }

        /// Footnote `number`, citing source `id`, wrapped.
        func footnote(number: Int, id: String) -> [UInt8] {
            let key = FootnoteKey(number: number, id: id)
            if let known = footnotes.withLock({ $0[key] }) { return known }
            var note = PageText()
            note.wrap(indent: 2, hanging: 6) { p in
                let source = balanceProtocol.source(id)
                p.put("[")
                p.put(integer: number)
                p.put("] ")
                p.put(source?.citation ?? id)
                if let source, source.kind != .cited {
                    p.put(" (")
                    p.put(source.kind.rawValue)
                    p.put(")")
                }
            }
            let bytes = note.array
            footnotes.withLock { $0[key] = bytes }
            return bytes
        }
    }

    struct FootnoteKey: Hashable {
        var number: Int
        var id: String
    }

    let tables: Tables
    public let clinic: String?
    let cache = Cache()

    /// The footnotes this file has used, in front of the batch's shared ones (`Tables`), so
    /// that a page takes no lock. Not thread-safe: a TextReport renders on one thread at a
    /// time, and another thread gets its own (`forAnotherThread`); a copy of the struct shares
    /// the cache.
    final class Cache {
        var footnotes: [FootnoteKey: [UInt8]] = [:]

        func footnote(number: Int, id: String, from tables: Tables) -> [UInt8] {
            let key = FootnoteKey(number: number, id: id)
            if let known = footnotes[key] { return known }
            let bytes = tables.footnote(number: number, id: id)
            footnotes[key] = bytes
            return bytes
        }
    }

    /// The clinic file the page was scored from, as the batch records it (a path relative to
    /// the base folder): two printouts of the same patient from different files can be told
    /// apart.
    public let input: String?

    public init(tables: Tables, clinic: String?, input: String? = nil) {
        self.tables = tables
        self.clinic = clinic
        self.input = input
    }

    public init(protocol p: BalanceProtocol, clinic: String?, input: String? = nil) {
        self.init(tables: Tables(protocol: p), clinic: clinic, input: input)
    }

    /// The same report with a footnote cache of its own, for another thread: two workers
    /// rendering through one cache corrupted its dictionary (a crash once in some hundred
    /// thousand patients, when a new footnote was added while the other worker looked one up).
    public func forAnotherThread() -> TextReport {
        TextReport(tables: tables, clinic: clinic, input: input)
    }

    /// Whether two reports share their footnote cache (the tests hold workers to their own).
    func sharesCache(with other: TextReport) -> Bool {
        cache === other.cache
    }

    /// Numbered footnotes, in order of first use.
    struct Footnotes {
        var order: [String] = []

        /// "[1,3]" for these source ids (a repeated id once), or nothing for none.
        mutating func cite(_ ids: [String], into out: inout ByteBuffer) {
            var first = true
            for (n, id) in ids.enumerated() where !ids[..<n].contains(where: { Self.same($0, id) }) {
                let number: Int
                if let index = order.firstIndex(where: { Self.same($0, id) }) {
                    number = index + 1
                } else {
                    order.append(id)
                    number = order.count
                }
                out.append(first ? UInt8(ascii: "[") : UInt8(ascii: ","))
                out.put(integer: number)
                first = false
            }
            if !first { out.append(UInt8(ascii: "]")) }
        }

        /// `a == b`, with the lengths compared first: most ids looked at are another source's,
        /// and String's == calls into the runtime for two different strings of any length
        /// (300,000 calls per 1,000 patients, from here).
        @inline(__always)
        private static func same(_ a: String, _ b: String) -> Bool {
            a.utf8.count == b.utf8.count && a == b
        }
    }

    /// The patient's page as a String of its own (mbt report, the fuzz harness).
    public func render(_ patient: PatientScore, session index: Int? = nil) -> String {
        var page = ByteBuffer(capacity: 1 << 15)
        render(patient, session: index, onto: &page)
        return page.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the patient's page (the latest session, or the one at `index`) onto the end of
    /// `out` (a report file's buffer).
    public func render(_ patient: PatientScore, session index: Int? = nil, onto out: inout ByteBuffer) {
        guard !patient.sessions.isEmpty else {
            out.put("Patient \(patient.patientID): no dated session to report.\n")
            return
        }
        var page = PageText(continuing: &out)
        render(patient, patient.sessions[min(index ?? patient.sessions.count - 1, patient.sessions.count - 1)], &page)
        page.finish(into: &out)
    }

    /// The page of a patient the batch could not score: who, where in the file, and why, so
    /// that the printed report accounts for every patient of the file, as the XML and the
    /// HTML pages do.
    public func renderSkipped(patientID: String, line: Int, reason: String, onto out: inout ByteBuffer) {
        var page = PageText(continuing: &out)
        page.add("MUSCLE BALANCE REPORT")
        page.endLine()
        page.line(Self.rule)
        page.wrap { p in
            p.put("Patient ")
            p.put(patientID)
            p.put(": NOT SCORED (line ")
            p.put(integer: line)
            if let input {
                p.put(" of ")
                p.put(input)
            }
            p.put(")")
        }
        page.wrap(indent: 2, hanging: 4) { p in
            p.put("Why: ")
            p.put(reason)
        }
        page.wrap("Fix the patient's data and score the file again: no figure of this patient is reported.", indent: 2)
        page.finish(into: &out)
    }

    private func render(_ patient: PatientScore, _ s: SessionScore, _ page: inout PageText) {
        // A value, passed down inout: a class's array was checked for exclusive access at run
        // time on every citation.
        var notes = Footnotes()
        header(patient, s, &page)
        imbalanceIndex(s, &page)
        results(s, &notes, &page)
        leftRight(s, &page)
        ratios(s, &notes, &page)
        findings(s, &page)
        plan(s, &notes, &page)
        adjuncts(s, &notes, &page)
        outcomes(s, &notes, &page)
        progress(s, &notes, &page)
        courseOfCare(s, &notes, &page)
        sources(notes, &page)
    }

    // MARK: Pieces

    static let rule = String(repeating: "=", count: width)

}

/// Printed columns of a text as `put` writes it: hidden controls made visible, wide characters
/// two columns (`TerminalColumns`).
func textColumns(_ text: String) -> Int {
    // Plain text (nearly all): measured on its own bytes, borrowed.
    if let columns = text.utf8.withContiguousStorageIfAvailable({ VisibleText.mayHoldHidden($0) ? nil : TerminalColumns.of($0) }), let columns {
        return columns
    }
    return TerminalColumns.of(VisibleText.escaped(text))
}
