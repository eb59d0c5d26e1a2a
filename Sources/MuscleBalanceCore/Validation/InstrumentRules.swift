/// The rules of a protocol's outcome instruments that the schema cannot state: one id each,
/// the parts a method needs (items, activities, a stratification), counts that fit the items,
/// and bands in order within the score's range.
enum InstrumentRules {
    static func check(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        var seen: [String: Int] = [:]
        for instrument in p.instruments {
            let id = instrument.id
            let at = instrument.location
            if let line = seen[id] {
                out.append(at.error("duplicate instrument id '\(id)' (first defined on line \(line)); give each instrument its own id", attribute: "id"))
            } else {
                seen[id] = at.line
            }
            switch instrument.method {
            case .sum, .percentOfAnswered, .stratification:
                if instrument.items.isEmpty {
                    out.append(at.error("instrument '\(id)' is scored from its items (\(instrument.method.rawValue)) but gives none; add <items count=\"...\" min=\"...\" max=\"...\"/>", attribute: "method"))
                }
            case .mean:
                if instrument.activities == nil {
                    out.append(at.error("instrument '\(id)' is the mean of activities but gives no <activities min=\"...\" max=\"...\" scoreMin=\"...\" scoreMax=\"...\"/>", attribute: "method"))
                }
            case .value:
                if !instrument.items.isEmpty {
                    out.append(at.error("instrument '\(id)' is one value as given, but lists items; remove the items or choose a method that uses them", attribute: "method"))
                }
            }
            if instrument.method == .stratification && instrument.stratification == nil {
                out.append(at.error("instrument '\(id)' is a stratification but gives no <stratification>; add it with its source", attribute: "method"))
            }
            if instrument.method == .percentOfAnswered, Set(instrument.items.map(\.upperBound)).count > 1 {
                out.append(at.error("instrument '\(id)' is a percentage of what the answered items could score, but its items have different maxima; give every item the same range", attribute: "method"))
            }
            if let least = instrument.minimumAnswered, least > instrument.items.count {
                out.append(at.error("instrument '\(id)' needs \(least) answered items but has \(instrument.items.count); lower minimumAnswered", attribute: "minimumAnswered"))
            }
            if let rule = instrument.stratification {
                let count = instrument.items.count
                if rule.subscale.upperBound > count {
                    out.append(at.error("the subscale of instrument '\(id)' runs to item \(rule.subscale.upperBound), but it has \(count) items", attribute: "method"))
                }
                for (item, from) in rule.positiveFrom.sorted(by: { $0.key < $1.key }) {
                    if item < 1 || item > count {
                        out.append(at.error("instrument '\(id)' counts item \(item) positive, but it has \(count) items", attribute: "method"))
                    } else if !instrument.items[item - 1].contains(from) {
                        out.append(at.error("instrument '\(id)' counts item \(item) positive from \(from), outside the item's \(instrument.items[item - 1].lowerBound)-\(instrument.items[item - 1].upperBound)", attribute: "method"))
                    }
                }
            }
            var previous = -Double.infinity
            for band in instrument.bands {
                if band.upTo <= previous {
                    out.append(at.error("the bands of instrument '\(id)' are not in order: '\(band.label)' ends at \(band.upTo); list them lowest first", attribute: "id"))
                }
                if !instrument.range.contains(band.upTo) {
                    out.append(at.error("the band '\(band.label)' of instrument '\(id)' ends at \(band.upTo), outside the score's range", attribute: "id"))
                }
                previous = band.upTo
            }
        }
    }
}
