import FastText
import MuscleBalanceCore

extension TextReport {
    /// LEFT / RIGHT: each asymmetry with a bar per side.
    func leftRight(_ s: SessionScore, _ page: inout PageText) {
        if !s.asymmetries.isEmpty {
            page.endLine()
            page.line("LEFT / RIGHT")
            for a in s.asymmetries { barLines(a, &page) }
        }
    }

    private func barLines(_ a: AsymmetryResult, _ page: inout PageText) {
        let test = tables.index.tests[a.testID]
        let unit: StaticString = test?.unit.xmlWord ?? ""
        let barWidth = 20
        // Higher is better: bars scaled to the larger magnitude of the two. Lower is better (the
        // Thomas hip and Ober angles, which go negative): the better side's bar is full and the
        // tighter side's is shorter by the difference as a share of the plausible range, at
        // least one mark, so the tighter side is the one that looks worse.
        let scale = max(abs(a.left), abs(a.right))
        let lowerIsBetter = test?.direction == .lowerIsBetter
        let span = test.map { $0.plausibleRange.max - $0.plausibleRange.min } ?? 0
        func filled(_ v: Double) -> Int {
            guard lowerIsBetter else { return scale > 0 ? Int((abs(v) / scale * Double(barWidth)).rounded()) : 0 }
            let worse = v - min(a.left, a.right)
            guard worse > 0, span > 0 else { return barWidth }
            // Clamped as a Double first: any finite reading may come here (the fuzzer's do).
            let marks = min(Double(barWidth), (worse / span * Double(barWidth)).rounded(.up))
            return marks.isFinite ? max(0, min(barWidth - 1, barWidth - Int(marks))) : 0
        }
        func bar(_ v: Double, _ page: inout PageText) {
            let filled = filled(v)
            page.bytes.append(repeating: UInt8(ascii: "#"), count: filled)
            page.bytes.append(repeating: UInt8(ascii: "."), count: barWidth - filled)
        }
        page.add("  ")
        page.cell(24, test?.label ?? a.testID)
        page.add(" L ")
        bar(a.left, &page)
        page.add(" ")
        page.cell(9) { p in
            p.put(value: a.left, word: unit)
        }
        page.endLine()
        page.add("  ")
        page.spaces(24)
        page.add(" R ")
        bar(a.right, &page)
        page.add(" ")
        page.cell(9) { p in
            p.put(value: a.right, word: unit)
        }
        page.add(" ")
        if let value = a.value {
            page.bytes.put(decimal: value, digits: 1)
            if a.formula == .absoluteDifference {
                page.add(" ")
                page.add(unit)
            } else {
                page.add("%")
            }
            if let side = a.affectedSide { page.add(side == .left ? " L" : " R") }
            page.add(" ")
            page.add(a.grade?.xmlWord ?? "n/r")
        }
        page.endLine()
    }
}
