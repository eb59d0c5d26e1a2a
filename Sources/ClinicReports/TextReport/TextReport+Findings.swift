import FastText
import MuscleBalanceCore

extension TextReport {
    /// FINDINGS, worst first.
    func findings(_ s: SessionScore, _ page: inout PageText) {
        page.endLine()
        page.line("FINDINGS")
        if s.findings.isEmpty { page.line("  No finding: every graded index is normal or has no reference.") }
        s.findings.forEachInPlace { f in
            page.wrap(indent: 2, hanging: 4) { p in
                p.put("- [")
                p.put(f.pointee.grade.rawValue)
                p.put("] ")
                p.put(f.pointee.text)
            }
        }
    }
}
