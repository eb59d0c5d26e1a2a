import FastText

/// The rules of a session's patient-reported outcomes (`<outcome>`) that the schema cannot
/// state: an instrument the protocol knows, once a session, given the way its instrument is
/// scored (items, a value, or activities), every item and score within its range, and a
/// warning, not an error, when too few items were answered to give a score.
enum OutcomeRules {
    static func check(_ session: AssessmentSession, protocol p: BalanceProtocol, _ out: inout [Diagnostic]) {
        var firstLine: [String: Int] = [:]
        for entry in session.outcomes {
            let at = entry.location
            guard let instrument = p.instrument(entry.instrument) else {
                let known = p.instruments.map(\.id)
                let close = known.map { ($0, editDistance($0, entry.instrument)) }.filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }
                let hint = close.map { "; did you mean '\($0.0)'?" } ?? (known.isEmpty ? "; the protocol defines no instrument" : "; the protocol's are \(known.joined(separator: ", "))")
                out.append(at.error("unknown instrument '\(VisibleText.escaped(entry.instrument))'\(hint)", attribute: "instrument"))
                continue
            }
            let id = instrument.id
            if let line = firstLine[id] {
                out.append(at.error("instrument '\(id)' is given twice in the session of \(session.dateText) (first on line \(line)); keep one", attribute: "instrument"))
                continue
            }
            firstLine[id] = at.line
            let given = [entry.value != nil, entry.items != nil, !entry.activities.isEmpty].filter { $0 }.count
            if given == 0 {
                out.append(at.error("instrument '\(id)' has no score: give \(Self.wanted(instrument))", attribute: "instrument"))
                continue
            }
            if given > 1 {
                out.append(at.error("instrument '\(id)' is given in more than one way; give \(Self.wanted(instrument)) only", attribute: "instrument"))
                continue
            }
            if let value = entry.value {
                guard instrument.method == .value || instrument.acceptsTotal else {
                    out.append(at.error("instrument '\(id)' is scored from its items, and the protocol takes no total; give \(Self.wanted(instrument))", attribute: "value"))
                    continue
                }
                if !instrument.range.contains(value) {
                    out.append(at.error("\(id) \(entry.valueText ?? "\(value)") is outside its range \(Self.number(instrument.range.lowerBound))-\(Self.number(instrument.range.upperBound))", attribute: "value"))
                }
            } else if let items = entry.items {
                guard !instrument.items.isEmpty else {
                    out.append(at.error("instrument '\(id)' has no items; give \(Self.wanted(instrument))", attribute: "items"))
                    continue
                }
                if items.count != instrument.items.count {
                    out.append(at.error("instrument '\(id)' has \(instrument.items.count) items, and \(items.count) are given; write each item in order, '-' for one not answered", attribute: "items"))
                    continue
                }
                var inRange = true
                for (i, item) in items.enumerated() {
                    guard let item else { continue }
                    let range = instrument.items[i]
                    if !range.contains(item) {
                        out.append(at.error("item \(i + 1) of '\(id)' is \(item); its answers are \(range.lowerBound)-\(range.upperBound)", attribute: "items"))
                        inRange = false
                    }
                }
                let answered = items.count { $0 != nil }
                let needed = instrument.minimumAnswered ?? instrument.items.count
                if inRange && answered < needed {
                    out.append(at.warning("\(id) is not scored: \(answered) of \(instrument.items.count) items answered, and the protocol scores it from \(needed)", attribute: "items"))
                }
            } else {
                guard let count = instrument.activities, let range = instrument.activityRange else {
                    out.append(at.error("instrument '\(id)' takes no activities; give \(Self.wanted(instrument))", attribute: "instrument"))
                    continue
                }
                if !count.contains(entry.activities.count) {
                    out.append(at.error("instrument '\(id)' takes \(count.lowerBound) to \(count.upperBound) activities, and \(entry.activities.count) are given", attribute: "instrument"))
                } else if let asked = instrument.recommendedActivities, entry.activities.count < asked {
                    out.append(at.warning("\(id) is scored from \(entry.activities.count) \(entry.activities.count == 1 ? "activity" : "activities"); its source asks the patient for \(asked) to \(count.upperBound)", attribute: "instrument"))
                }
                for activity in entry.activities where !(activity.score.isFinite && range.contains(activity.score)) {
                    out.append(at.error("the activity '\(VisibleText.escaped(activity.name))' of '\(id)' scores \(activity.score.isFinite ? Self.number(activity.score) : "nothing readable"); its scores are \(Self.number(range.lowerBound))-\(Self.number(range.upperBound))", attribute: "instrument"))
                }
            }
        }
    }

    /// What an instrument takes, in the file's words.
    static func wanted(_ instrument: OutcomeInstrument) -> String {
        switch instrument.method {
        case .value: return "value=\"...\""
        case .mean: return "an <activity name=\"...\" score=\"...\"/> for each activity"
        default:
            let items = "items=\"...\" (\(instrument.items.count) answers, '-' for one not answered)"
            return instrument.acceptsTotal ? items + " or value=\"...\" (the total)" : items
        }
    }

    static func number(_ value: Double) -> String { format(value) }
}
