import FastText
import MuscleBalanceCore

extension TextReport {
    /// IMBALANCE INDEX: overall, each region, and the worst grade.
    func imbalanceIndex(_ s: SessionScore, _ page: inout PageText) {
        page.endLine()
        page.line("IMBALANCE INDEX (0 = balanced, 100 = every graded index severe)")
        var regions = ["Overall \(s.overallIndex.map { decimal($0, digits: 1) } ?? "no graded index")"]
        for r in s.regions { regions.append("\(r.region.rawValue) \(r.value.map { decimal($0, digits: 1) } ?? "-")") }
        if let grade = s.overallGrade { regions.append("worst grade: \(grade.rawValue)") }
        page.fields(regions, indent: 2)
    }
}
