/// The two sides of one test, read for a unit slipped on one of them: newtons typed with
/// unit="kgf" make that side 9.81 times the other, and the plan then strengthens the wrong
/// side. The basis is the conversion factors themselves: a ratio of the sides within 5% of
/// one of at least 4 (9.81 kgf/N, 4.45 lbf/N, 10 cm/mm, 25.4 in/mm) is far outside any
/// side-to-side difference of healthy people (van der Ploeg 1991: 0.82-1.22) and is flagged
/// for the clinician to check, as a warning: a real difference that size stays possible. The
/// smaller factors (2.20 kgf/lbf, 2.54 in/cm) are left out: a side twice the other is a real
/// finding after injury (223 false alarms in 2,000 generated patients when they were in).
public enum UnitSlip {
    /// The factor and the pair of units it converts, when `larger / smaller` lies within 5% of
    /// a conversion factor of `dimension`; nil otherwise (or when either side is not above 0).
    public static func suspected(_ a: Double, _ b: Double, _ dimension: Dimension) -> (factor: Double, units: String)? {
        let high = max(a, b), low = min(a, b)
        guard low > 0, high.isFinite else { return nil }
        let ratio = high / low
        for (factor, units) in table[slot(dimension)] where abs(ratio / factor - 1) <= 0.05 {
            return (factor, units)
        }
        return nil
    }

    /// The factors of each dimension, by `Dimension.rank`: made once, as the check runs for
    /// every bilateral test of every session (made per call, with its unit names, it cost
    /// 35 M instructions per 1,000 patients).
    private static let table: [[(Double, String)]] = Dimension.allCases.map(factors)

    /// Where `dimension` is in `Dimension.allCases`, without making that array.
    private static func slot(_ dimension: Dimension) -> Int {
        switch dimension {
        case .force: 0
        case .time: 1
        case .angle: 2
        case .length: 3
        }
    }

    /// Every ratio of at least 4 between two units of the dimension, with the units named.
    static func factors(_ dimension: Dimension) -> [(Double, String)] {
        let units = MeasurementUnit.allCases.filter { $0.dimension == dimension }
        var out: [(Double, String)] = []
        for a in units {
            for b in units where a.canonicalFactor >= 4 * b.canonicalFactor {
                out.append((a.canonicalFactor / b.canonicalFactor, "\(a.rawValue)/\(b.rawValue)"))
            }
        }
        return out
    }
}
