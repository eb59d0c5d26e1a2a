/// The course of care of a patient's latest session (`CourseOfCare`), from the sessions scored.
extension BalanceScorer {
    /// The episode of the last of `sessions` (scored, in date order): from the latest session
    /// marked `start`, or the first after the latest marked `discharge` before it, or the
    /// first. Nil when it has fewer than `CourseOfCare.minimumVisits` sessions.
    func courseOfCare(_ sessions: [SessionScore], sex: Sex?, bodyMassKg: Double? = nil) -> CourseOfCare? {
        guard let last = sessions.indices.last else { return nil }
        var start = 0
        for i in 0...last {
            if sessions[i].episode == .start { start = i }
            if sessions[i].episode == .discharge && i < last { start = i + 1 }
        }
        let episode = Array(sessions[start...])
        guard episode.count >= CourseOfCare.minimumVisits else { return nil }
        var course = CourseOfCare(
            baseline: episode[0].date, visits: episode.map(\.date), discharge: episode[episode.count - 1].episode == .discharge,
            tests: testLines(episode, sex: sex, bodyMassKg: bodyMassKg), asymmetries: asymmetryLines(episode), ratios: ratioLines(episode),
            indices: indexLines(episode), outcomes: outcomeLines(episode))
        let first = course.baseline.daysSinceEpoch
        func dated(_ lines: inout [CourseLine]) {
            for l in lines.indices {
                for p in lines[l].points.indices { lines[l].points[p].day = lines[l].points[p].date.daysSinceEpoch - first }
                if var best = lines[l].best {
                    best.day = best.date.daysSinceEpoch - first
                    lines[l].best = best
                }
            }
        }
        dated(&course.tests)
        dated(&course.asymmetries)
        dated(&course.ratios)
        dated(&course.indices)
        dated(&course.outcomes)
        course.findingChanges = Self.findingChanges(from: episode[episode.count - 2].findings, to: episode[episode.count - 1].findings)
        return course
    }

    // MARK: lines

    private func testLines(_ episode: [SessionScore], sex: Sex?, bodyMassKg: Double?) -> [CourseLine] {
        var keys: [(index: Int, id: String, side: BodySide?)] = []
        for session in episode {
            for r in session.results where !keys.contains(where: { $0.id == r.testID && $0.side == r.side }) {
                keys.append((r.testIndex, r.testID, r.side))
            }
        }
        keys.sort { ($0.index, Self.sideOrder($0.side)) < ($1.index, Self.sideOrder($1.side)) }
        return keys.compactMap { key in
            let points = episode.compactMap { s in
                s.results.first { $0.testID == key.id && $0.side == key.side }.map { CoursePoint(date: s.date, value: $0.value, grade: $0.grade) }
            }
            guard let test = index.tests[key.id] else { return nil }
            let best: CoursePoint?
            switch test.direction {
            case .higherIsBetter: best = points.max { $0.value < $1.value }
            case .lowerIsBetter: best = points.min { $0.value < $1.value }
            case .targetBand: best = nil
            }
            let judge: (CoursePoint, CoursePoint) -> CourseChange = { before, now in
                let (judged, mdc) = self.judgeChange(test, sex: sex, side: key.side, from: before.value, to: now.value)
                var made = Self.change(before, now, verdict: CourseChange.Verdict(judged), sources: mdc?.sources.ids ?? [])
                made.caveat = mdc?.caveat(for: sex)
                return made
            }
            var made = line(.test, key.id, key.side, points, best: best, episode: episode, judge: judge)
            if let base = points.first?.value, let mdc = test.minimalDetectableChange(sex: sex, side: key.side) {
                made.baselineBand = mdc.band(around: base)
            }
            // The norm that graded the latest visit with the figure: its normal range.
            if let latest = episode.last(where: { s in s.results.contains { $0.testID == key.id && $0.side == key.side } }),
                let result = latest.results.first(where: { $0.testID == key.id && $0.side == key.side }),
                let graded = result.comparisons.first(where: { $0.grade != nil })
            {
                made.normalRange = graded.normalRange(direction: test.direction, grading: balanceProtocol.normGrading, bodyMassKg: bodyMassKg)
            }
            return made
        }
    }

    private func asymmetryLines(_ episode: [SessionScore]) -> [CourseLine] {
        var keys: [String] = []
        for session in episode {
            for a in session.asymmetries where a.value != nil && !keys.contains(a.testID) { keys.append(a.testID) }
        }
        let order = index.testOrder
        keys.sort { (order[$0] ?? .max) < (order[$1] ?? .max) }
        return keys.map { id in
            let points = episode.compactMap { s in
                s.asymmetries.first { $0.testID == id }.flatMap { a in a.value.map { CoursePoint(date: s.date, value: $0, grade: a.grade, side: a.affectedSide) } }
            }
            // No source gives an asymmetry's measurement error: the change is shown, not judged.
            var made = line(.asymmetry, id, nil, points, best: points.min { $0.value < $1.value }, episode: episode) { Self.change($0, $1, verdict: .notJudged, sources: []) }
            // The grade thresholds in the asymmetry's own terms (a limb symmetry index runs the
            // other way: a grade "at least 10" weaker is an index of 90 or less).
            if let t = order[id], let rule = asymmetryRuleOfTest[t] {
                made.gradeThresholds = rule.grades.map { CourseLine.GradeLine(grade: $0.grade, value: rule.formula == .limbSymmetryIndex ? 100 - $0.atLeast : $0.atLeast) }
            }
            return made
        }
    }

    private func ratioLines(_ episode: [SessionScore]) -> [CourseLine] {
        var keys: [(id: String, side: BodySide?)] = []
        for session in episode {
            for r in session.ratios where !keys.contains(where: { $0.id == r.ratioID && $0.side == r.side }) { keys.append((r.ratioID, r.side)) }
        }
        let order = balanceProtocol.ratios.map(\.id)
        keys.sort { ((order.firstIndex(of: $0.id) ?? .max), Self.sideOrder($0.side)) < ((order.firstIndex(of: $1.id) ?? .max), Self.sideOrder($1.side)) }
        return keys.map { key in
            let points = episode.compactMap { s in
                s.ratios.first { $0.ratioID == key.id && $0.side == key.side }.map { CoursePoint(date: s.date, value: $0.value, grade: $0.grade) }
            }
            return line(.ratio, key.id, key.side, points, best: nil, episode: episode) { Self.change($0, $1, verdict: .notJudged, sources: []) }
        }
    }

    private func indexLines(_ episode: [SessionScore]) -> [CourseLine] {
        var lines: [CourseLine] = []
        let overall = episode.compactMap { s in s.overallIndex.map { CoursePoint(date: s.date, value: $0, grade: s.overallGrade) } }
        if !overall.isEmpty {
            lines.append(line(.index, "overall", nil, overall, best: overall.min { $0.value < $1.value }, episode: episode) { Self.change($0, $1, verdict: .notJudged, sources: []) })
        }
        for region in BodyRegion.allCases {
            let points = episode.compactMap { s in
                s.regions.first { $0.region == region }.flatMap { r in r.value.map { CoursePoint(date: s.date, value: $0) } }
            }
            guard !points.isEmpty else { continue }
            lines.append(line(.index, region.rawValue, nil, points, best: points.min { $0.value < $1.value }, episode: episode) { Self.change($0, $1, verdict: .notJudged, sources: []) })
        }
        return lines
    }

    private func outcomeLines(_ episode: [SessionScore]) -> [CourseLine] {
        balanceProtocol.instruments.compactMap { instrument in
            let scored = episode.compactMap { s in s.outcomes.first { $0.instrumentID == instrument.id && $0.score != nil }.map { (s.date, $0) } }
            guard !scored.isEmpty else { return nil }
            let points = scored.compactMap { date, score in score.score.map { CoursePoint(date: date, value: $0, label: score.risk?.rawValue) } }
            let scores = Dictionary(scored.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            let best = instrument.direction == .lowerIsBetter ? points.min { $0.value < $1.value } : points.max { $0.value < $1.value }
            var made = line(.outcome, instrument.id, nil, points, best: instrument.stratification == nil ? best : nil, episode: episode) { before, now in
                guard let a = scores[before.date], let b = scores[now.date], let judged = OutcomeScoring.change(from: a, to: b, by: instrument) else {
                    return Self.change(before, now, verdict: .notJudged, sources: [])
                }
                return Self.change(before, now, verdict: CourseChange.Verdict(judged.verdict), sources: instrument.change?.sources.ids ?? [])
            }
            if let base = points.first?.value, let rule = instrument.change {
                made.baselineBand = max(instrument.range.lowerBound, base - rule.amount)...min(instrument.range.upperBound, base + rule.amount)
            }
            return made
        }
    }

    /// Findings matched by what they are about (muscle group, side or both sides, problem,
    /// and the test or ratio behind them): new, resolved, milder or worse.
    static func findingChanges(from before: [Finding], to now: [Finding]) -> [FindingChange] {
        func key(_ f: Finding) -> String {
            let basis: String
            switch f.basis {
            case .cutoff(let id), .norm(let id): basis = "result " + id
            case .asymmetry(let id): basis = "asymmetry " + id
            case .ratio(let id): basis = "ratio " + id
            }
            return [f.muscleGroup, f.bothSides ? "both" : f.side?.rawValue ?? "-", f.problem.rawValue, basis].joined(separator: "|")
        }
        let earlier = Dictionary(before.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let later = Set(now.map(key))
        var out: [FindingChange] = []
        for f in now {
            guard let was = earlier[key(f)] else {
                out.append(FindingChange(kind: .new, text: f.text, grade: f.grade))
                continue
            }
            if f.grade < was.grade { out.append(FindingChange(kind: .milder, text: f.text, grade: f.grade, previousGrade: was.grade)) }
            if f.grade > was.grade { out.append(FindingChange(kind: .worse, text: f.text, grade: f.grade, previousGrade: was.grade)) }
        }
        for f in before where !later.contains(key(f)) {
            out.append(FindingChange(kind: .resolved, text: f.text, grade: f.grade))
        }
        return out
    }

    // MARK: helpers

    private static func sideOrder(_ side: BodySide?) -> Int { side == nil ? -1 : side == .left ? 0 : 1 }

    /// A line from its points: the changes of the reported visit's figure against the latest
    /// earlier point and against the first. None when the reported visit has no figure.
    private func line(
        _ kind: CourseLine.Kind, _ id: String, _ side: BodySide?, _ points: [CoursePoint], best: CoursePoint?, episode: [SessionScore],
        judge: (CoursePoint, CoursePoint) -> CourseChange
    ) -> CourseLine {
        var sincePrevious: CourseChange?
        var sinceBaseline: CourseChange?
        if let now = points.last, now.date == episode[episode.count - 1].date, points.count >= 2 {
            sincePrevious = judge(points[points.count - 2], now)
            sinceBaseline = judge(points[0], now)
        }
        return CourseLine(kind: kind, id: id, side: side, points: points, best: best, sincePrevious: sincePrevious, sinceBaseline: sinceBaseline)
    }

    private static func change(_ before: CoursePoint, _ now: CoursePoint, verdict: CourseChange.Verdict, sources: [String]) -> CourseChange {
        let amount = SettledFigure.settled(now.value - before.value)
        let percent = before.value != 0 ? SettledFigure.settled(amount / abs(before.value) * 100) : nil
        return CourseChange(
            from: before.date, previous: before.value, amount: amount, percent: percent, days: now.date.daysSinceEpoch - before.date.daysSinceEpoch,
            verdict: verdict, sources: sources)
    }
}
