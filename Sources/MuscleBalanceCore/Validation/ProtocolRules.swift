/// The rules of a protocol definition that its schema cannot state: unique ids, references
/// that resolve, age bands without overlap or gap, SD > 0, thresholds in order, and a source
/// on every clinical figure. Pure: a protocol in, diagnostics out.
public enum ProtocolRules {
    public static func check(_ p: BalanceProtocol) -> [Diagnostic] {
        var out: [Diagnostic] = []
        checkUniqueIDs(p, &out)
        checkConditionCategories(p, &out)
        checkConditionWords(p, &out)
        checkSources(p, &out)
        checkTests(p, &out)
        checkAsymmetry(p, &out)
        checkNormGrading(p, &out)
        checkRatios(p, &out)
        checkImbalanceIndex(p, &out)
        checkExercises(p, &out)
        checkAdjuncts(p, &out)
        InstrumentRules.check(p, &out)
        return out
    }

    // MARK: Ids

    private static func checkUniqueIDs(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        func unique(_ kind: String, _ items: [(String, SourceLocation)], attribute: String = "id") {
            var first: [String: Int] = [:]
            for (id, location) in items {
                if let line = first[id] {
                    out.append(location.error("duplicate \(kind) id '\(id)' (first defined on line \(line)); give each \(kind) its own id", attribute: attribute))
                } else {
                    first[id] = location.line
                }
            }
        }
        unique("source", p.sources.map { ($0.id, $0.location) })
        unique("condition", p.conditions.map { ($0.code, $0.location) }, attribute: "code")
        unique("muscle group", p.muscleGroups.map { ($0.id, $0.location) })
        unique("test", p.tests.map { ($0.id, $0.location) })
        // Two tests labelled alike in the text report's rows could not be told apart there.
        var labels: [String: String] = [:]
        for test in p.tests {
            let label = String(test.label.prefix(24))
            if let other = labels[label] {
                out.append(test.location.warning("'\(test.id)' and '\(other)' are both labelled \"\(label)\" in the text report's tables; give one a different short name"))
            } else {
                labels[label] = test.id
            }
        }
        unique("ratio", p.ratios.map { ($0.id, $0.location) })
        unique("exercise", p.exercises.map { ($0.id, $0.location) })
        unique("adjunct", p.adjuncts.map { ($0.id, $0.location) })
    }

    // MARK: Condition categories

    /// Every `within` names a defined condition, and no chain of categories leads back to where
    /// it started: a contraindication on a category must reach each member exactly.
    /// Each word a clinic may type names one condition: no synonym repeats a code or another
    /// synonym (folded as they are matched), and `none` is the clinic's "screened, nothing
    /// found", never a condition. A time limit is in weeks or in months, not both.
    private static func checkConditionWords(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        var owner: [String: String] = [:]
        for c in p.conditions { owner[ConditionWords.fold(c.code)] = owner[ConditionWords.fold(c.code)] ?? c.code }
        for c in p.conditions {
            if ConditionWords.fold(c.code) == PatientCondition.noneCode {
                out.append(c.location.error("condition code 'none' is reserved: a clinic writes it for 'screened, nothing found'; use another code", attribute: "code"))
            }
            for word in c.synonyms {
                let folded = ConditionWords.fold(word)
                if folded == PatientCondition.noneCode {
                    out.append(c.location.error("synonym 'none' of '\(c.code)' is reserved for 'screened, nothing found'; remove it", attribute: "synonyms"))
                } else if let other = owner[folded], other != c.code {
                    out.append(c.location.error("synonym '\(word)' of '\(c.code)' already names '\(other)'; a word a clinic types must name one condition", attribute: "synonyms"))
                } else {
                    owner[folded] = c.code
                }
            }
        }
    }

    private static func checkConditionCategories(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        var parents: [String: [String]] = [:]
        for c in p.conditions where parents[c.code] == nil { parents[c.code] = c.within }
        for c in p.conditions {
            for category in c.within {
                if category == c.code {
                    out.append(c.location.error("condition '\(c.code)' lies within itself; remove '\(category)' from within=\"...\"", attribute: "within"))
                } else if parents[category] == nil {
                    out.append(c.location.error("condition '\(c.code)' lies within '\(category)', which is not in <conditions>; add it there or fix the code", attribute: "within"))
                }
            }
        }
        // A cycle through more than one condition, reported once, at its first member in file order.
        var reported = Set<String>()
        for c in p.conditions where !reported.contains(c.code) {
            // Depth-first from c, looking for a way back to c.
            var stack: [(code: String, path: [String])] = (parents[c.code] ?? []).filter { $0 != c.code }.map { ($0, [c.code, $0]) }
            var visited = Set<String>()
            while let (code, path) = stack.popLast() {
                if code == c.code {
                    out.append(c.location.error("condition categories form a cycle: \(path.joined(separator: " within ")); a condition cannot lie within its own members", attribute: "within"))
                    reported.formUnion(path)
                    break
                }
                guard visited.insert(code).inserted else { continue }
                for parent in parents[code] ?? [] where parent != code { stack.append((parent, path + [parent])) }
            }
        }
    }

    // MARK: Norm grading

    /// Each threshold cites its source, lies between 0 and 50 (a lower reference limit is below
    /// the median), and a more severe grade sits lower than the grades before it.
    private static func checkNormGrading(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        guard let grading = p.normGrading else { return }
        var previous: NormGrading.Threshold?
        for t in grading.thresholds {
            if !(t.percentileBelow > 0 && t.percentileBelow <= 50) {
                out.append(t.location.error("norm grade threshold \(t.grade.rawValue): percentileBelow=\"\(format(t.percentileBelow))\" must be above 0 and at most 50 (a lower reference limit)", attribute: "percentileBelow"))
            }
            if let previous, !(t.grade > previous.grade && t.percentileBelow < previous.percentileBelow) {
                out.append(t.location.error("norm grade thresholds out of order: \(t.grade.rawValue) below P\(format(t.percentileBelow)) follows \(previous.grade.rawValue) below P\(format(previous.percentileBelow)); list them least severe first, each at a lower centile", attribute: "percentileBelow"))
            }
            previous = t
        }
    }

    // MARK: Sources

    /// Every figure must cite, and every citation must resolve.
    private static func checkSources(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        let known = Set(p.sources.map(\.id))
        // A source is its citation: one without any cites nothing.
        for source in p.sources where source.citation.allSatisfy(\.isWhitespace) {
            out.append(source.location.error("source '\(source.id)' has no citation; write who, where and when, as the reference gives it", attribute: "id"))
        }
        func resolve(_ refs: SourceReferences) {
            for id in refs.ids where !known.contains(id) {
                out.append(refs.location.error("source '\(id)' is not defined in <sources>; add it there or fix the id", attribute: "source"))
            }
        }
        func require(_ refs: SourceReferences, _ what: String) {
            if refs.isEmpty {
                out.append(refs.location.error("\(what) has no source; add source=\"...\" naming where the figure comes from, or leave the figure out", attribute: "source"))
            } else {
                resolve(refs)
            }
        }
        if let check = p.bloodPressurePlausible { resolve(check.sources) }
        for test in p.tests {
            resolve(test.plausibleRange.sources)
            if let band = test.targetBand { require(band.sources, "the target band of '\(test.id)'") }
            for mdc in test.minimalDetectableChanges { require(mdc.sources, "the minimal detectable change of '\(test.id)'") }
            for norm in test.norms {
                let what: String
                switch norm.kind {
                case .meanSD: what = "the norm"
                case .cutoffs: what = "the cut-off"
                case .percentiles: what = "the percentile table"
                }
                require(norm.sources, "\(what) for '\(test.id)' (\(norm.stratum.label))")
            }
        }
        for rule in p.asymmetryRules {
            resolve(rule.sources)
            for threshold in rule.grades {
                require(threshold.sources, "the \(threshold.grade.rawValue) asymmetry threshold for \(rule.quality.rawValue)")
            }
        }
        for threshold in p.normGrading?.thresholds ?? [] {
            require(threshold.sources, "the \(threshold.grade.rawValue) norm grade threshold (below P\(format(threshold.percentileBelow)))")
        }
        for ratio in p.ratios {
            if let range = ratio.acceptable { require(range.sources, "the acceptable range of ratio '\(ratio.id)'") }
        }
        for exercise in p.exercises {
            resolve(exercise.sources)
            if exercise.dosage.hasFigures { require(exercise.dosage.sources, "the dosage of exercise '\(exercise.id)'") }
            for band in exercise.dosage.forAge {
                require(band.dosage.sources, "the dosage from age \(band.ageMin) of exercise '\(exercise.id)'")
            }
            for c in exercise.contraindications { require(c.sources, "the contraindication '\(c.condition)' of exercise '\(exercise.id)'") }
        }
        resolve(p.plan.reassessmentSources)
        require(p.plan.reassessmentSources, "the reassessment interval")
        for c in p.conditions {
            if let lasts = c.lasts { require(lasts.sources, "how long condition '\(c.code)' lasts (\(lasts.description))") }
        }
        for instrument in p.instruments {
            require(instrument.sources, "the scoring of instrument '\(instrument.id)'")
            for band in instrument.bands { require(band.sources, "the band '\(band.label)' of instrument '\(instrument.id)'") }
            if let change = instrument.change { require(change.sources, "the change rule of instrument '\(instrument.id)'") }
            if let recovered = instrument.recovered { require(recovered.sources, "the recovered score of instrument '\(instrument.id)'") }
            if let rule = instrument.stratification { require(rule.sources, "the stratification of instrument '\(instrument.id)'") }
        }
        for adjunct in p.adjuncts {
            resolve(adjunct.sources)
            for c in adjunct.contraindications { require(c.sources, "the contraindication '\(c.condition)' of '\(adjunct.id)'") }
            if let limit = adjunct.bloodPressureLimit { require(limit.sources, "the blood pressure limit of '\(adjunct.id)'") }
            if let limits = adjunct.userLimits { require(limits.sources, "the user limits of '\(adjunct.id)'") }
            if adjunct.dose.hasFigures { require(adjunct.dose.sources, "the dose limits of '\(adjunct.id)'") } else { resolve(adjunct.dose.sources) }
            for caution in adjunct.cautions { resolve(caution.sources) }
        }
    }

    // MARK: Tests and norms

    /// One judgement per result: where a test has a mean/SD norm and a cut-off that both grade
    /// the same patients, and the cut-off grades the norm's own mean worse than normal, the
    /// two references disagree about an average patient (a Biering-Sorensen of 119 s, Mbada's
    /// mean for men, is "mild" by the 176 s cut-off). Said, so that the protocol marks one
    /// `grades="false"` and says why.
    private static func checkReferencesAgree(_ test: TestDefinition, _ out: inout [Diagnostic]) {
        func overlap(_ a: NormStratum, _ b: NormStratum) -> Bool {
            if let x = a.sex, let y = b.sex, x != y { return false }
            if let x = a.side, let y = b.side, x != y { return false }
            return a.ageMin <= (b.ageMax ?? Int.max) && b.ageMin <= (a.ageMax ?? Int.max)
        }
        for norm in test.norms where norm.grades {
            guard case .meanSD(let m) = norm.kind else { continue }
            for other in test.norms where other.grades && other.unit == norm.unit && overlap(norm.stratum, other.stratum) {
                guard case .cutoffs(let classes) = other.kind, let c = NormMath.classify(m.mean, classes), c.grade > .normal else { continue }
                out.append(other.location.warning("the cut-off for '\(test.id)' (\(other.stratum.label)) grades \(format(m.mean)), the mean of the norm on line \(norm.location.line), '\(c.grade.rawValue)': the two references disagree about an average patient; mark the one that does not grade grades=\"false\" and say why"))
            }
        }
    }

    /// A mean/SD norm so wide that the lowest plausible reading sits above the grading limit
    /// (a woman of 77 holding 0 s "normal", at P14, because an SD derived from a confidence
    /// interval is as large as the mean) can grade no reading below it: said, so the protocol
    /// checks the source or marks the norm `grades="false"`.
    private static func checkNormCanGrade(_ test: TestDefinition, _ grading: NormGrading?, _ out: inout [Diagnostic]) {
        guard test.direction == .higherIsBetter, let limit = grading?.thresholds.map(\.percentileBelow).max() else { return }
        for norm in test.norms where norm.grades {
            guard case .meanSD(let m) = norm.kind, let sd = m.standardDeviation, sd > 0, norm.unit == .absolute(test.unit) else { continue }
            let lowest = test.plausibleRange.min
            let percentile = NormalDistribution.cdf((lowest - m.mean) / sd) * 100
            guard percentile >= limit else { continue }
            out.append(norm.location.warning("the norm of '\(test.id)' for \(norm.stratum.label) (mean \(format(m.mean)), SD \(format((sd * 100).rounded() / 100))) puts the lowest plausible reading, \(format(lowest)) \(test.unit.rawValue), at percentile \(format((percentile * 10).rounded() / 10)), not below the grading limit (P\(format(limit))): no reading can be graded weak against it; an SD as large as the mean (one derived from a confidence interval can be) is a reason to check the source, or to mark the norm grades=\"false\" and say why"))
        }
    }

    private static func checkTests(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        for test in p.tests {
            checkReferencesAgree(test, &out)
            checkNormCanGrade(test, p.normGrading, &out)
            if p.muscleGroup(test.muscleGroup) == nil {
                out.append(test.location.error("test '\(test.id)' names muscle group '\(test.muscleGroup)', which is not defined in <muscleGroups>", attribute: "muscleGroup"))
            }
            if test.unit != test.dimension.canonicalUnit {
                out.append(test.location.error("test '\(test.id)' measures \(test.dimension.rawValue), whose unit is \(test.dimension.canonicalUnit.rawValue), not \(test.unit.rawValue)", attribute: "unit"))
            }
            let range = test.plausibleRange
            if !(range.min < range.max) {
                out.append(range.sources.location.error("plausible range of '\(test.id)' runs backwards (min \(format(range.min)) is not below max \(format(range.max)))", attribute: "min"))
            }
            if test.direction == .targetBand && test.targetBand == nil {
                out.append(test.location.error("test '\(test.id)' has direction target-band but no <targetBand>; add one with its source", attribute: "direction"))
            }
            if let band = test.targetBand {
                if test.direction != .targetBand {
                    out.append(band.sources.location.error("test '\(test.id)' has a <targetBand> but its direction is \(test.direction.rawValue); set direction=\"target-band\" or remove the band"))
                }
                if !(band.min < band.max) {
                    out.append(band.sources.location.error("target band of '\(test.id)' runs backwards (min \(format(band.min)) is not below max \(format(band.max)))", attribute: "min"))
                }
            }
            for mdc in test.minimalDetectableChanges {
                let kinds = [mdc.value != nil, mdc.percent != nil, mdc.ratioBelow != nil || mdc.ratioAbove != nil].filter { $0 }.count
                if kinds > 1 {
                    out.append(mdc.sources.location.error("minimal detectable change of '\(test.id)' gives more than one of value, percent and a ratio band; keep one", attribute: mdc.value != nil ? "value" : "percent"))
                }
                if let value = mdc.value {
                    if !(value > 0) {
                        out.append(mdc.sources.location.error("minimal detectable change of '\(test.id)' must be greater than 0", attribute: "value"))
                    }
                } else if let percent = mdc.percent {
                    if !(percent > 0 && percent < 100) {
                        out.append(mdc.sources.location.error("minimal detectable change of '\(test.id)': percent=\"\(format(percent))\" must lie between 0 and 100", attribute: "percent"))
                    }
                } else if let below = mdc.ratioBelow, let above = mdc.ratioAbove {
                    if !(below > 0 && below < 1 && above > 1) {
                        out.append(mdc.sources.location.error("minimal detectable change of '\(test.id)': the ratio band \(format(below))-\(format(above)) must run from below 1 to above 1", attribute: "ratioBelow"))
                    }
                } else {
                    out.append(mdc.sources.location.error("minimal detectable change of '\(test.id)' needs value=\"...\", percent=\"...\", or both ratioBelow and ratioAbove", attribute: "value"))
                }
                if mdc.side != nil && test.sides == .midline {
                    out.append(mdc.sources.location.error("minimal detectable change of '\(test.id)' names a side, but the test is midline", attribute: "side"))
                }
            }
            // The text report's table cells hold 24 columns: a longer name is cut there.
            if test.shortName == nil && test.name.count > 24 {
                out.append((test.nameLocation ?? test.location).warning("the name of '\(test.id)' (\(test.name.count) characters) is cut to 24 in the text report's tables; add <name short=\"...\"> with at most 24"))
            }
            for norm in test.norms { checkNorm(norm, of: test, &out) }
            checkAgeBands(test, &out)
        }
    }

    private static func checkNorm(_ norm: ReferenceNorm, of test: TestDefinition, _ out: inout [Diagnostic]) {
        let where_ = "'\(test.id)' (\(norm.stratum.label))"
        if norm.unit.dimension != test.dimension {
            out.append(norm.location.error("norm for \(where_) is in \(norm.unit.symbol), a unit of \(norm.unit.dimension.rawValue), but the test measures \(test.dimension.rawValue)", attribute: "unit"))
        }
        if let max = norm.stratum.ageMax, max < norm.stratum.ageMin {
            out.append(norm.location.error("age band of \(where_) runs backwards: ageMax \(max) is below ageMin \(norm.stratum.ageMin)", attribute: "ageMax"))
        }
        if norm.stratum.side != nil && test.sides == .midline {
            out.append(norm.location.error("norm for \(where_) names a side, but '\(test.id)' is a midline test", attribute: "side"))
        }
        // A norm's centre must be a reading the test can give: a mean of -144 s scored 80 s at
        // z = +2.95. Absolute units are compared with the plausible range in the test's unit; a
        // share of body weight must be above 0.
        func checkPlausible(_ value: Double, _ what: String, _ attribute: String, at location: SourceLocation) {
            switch norm.unit {
            case .absolute(let unit):
                let canonical = unit.toCanonical(value)
                let range = test.plausibleRange
                if range.min < range.max && !(canonical >= range.min && canonical <= range.max) {
                    out.append(location.error("\(what) of \(where_) is \(format(value)) \(unit.rawValue), outside the test's plausible range \(format(range.min))-\(format(range.max)) \(test.unit.rawValue); check the figure and its sign", attribute: attribute))
                }
            case .percentOfBodyWeight:
                if !(value > 0) {
                    out.append(location.error("\(what) of \(where_) is \(format(value)) %BW; a share of body weight must be greater than 0", attribute: attribute))
                }
            }
        }
        switch norm.kind {
        case .meanSD(let m):
            checkPlausible(m.mean, "the mean", "mean", at: norm.location)
            switch m.spread {
            case .sd(let sd) where !(sd > 0):
                out.append(norm.location.error("SD of \(where_) is \(format(sd)); it must be greater than 0", attribute: "sd"))
            case .confidenceInterval(let lower, let upper, _) where !(lower < m.mean && m.mean < upper):
                out.append(norm.location.error("95% CI of \(where_) [\(format(lower)), \(format(upper))] does not contain its mean \(format(m.mean))", attribute: "ci95Lower"))
            case .missing:
                out.append(norm.location.error("norm for \(where_) has a mean but no spread; give sd, or ci95Lower, ci95Upper and n", attribute: "mean"))
            default:
                break
            }
        case .cutoffs(let classes):
            var previous: Double?
            for (index, c) in classes.enumerated() {
                let isLast = index == classes.count - 1
                switch c.bound {
                case .conflicting:
                    out.append(c.location.error("class '\(c.label)' has both below and atMost; give one bound", attribute: "below"))
                case .none where !isLast:
                    out.append(c.location.error("class '\(c.label)' has no bound but is not the last class; give below or atMost", attribute: "label"))
                case .below, .atMost:
                    if isLast {
                        out.append(c.location.error("the last class '\(c.label)' must be open-ended: remove its bound", attribute: c.bound.attributeName))
                    }
                    if let value = c.bound.value, let previous, !(value > previous) {
                        out.append(c.location.error("cut-offs out of order: \(format(value)) does not come after \(format(previous)); list classes from low to high values", attribute: c.bound.attributeName))
                    }
                    previous = c.bound.value ?? previous
                default:
                    break
                }
            }
        case .percentiles(let points):
            for point in points { checkPlausible(point.value, "percentile \(format(point.percentile))", "value", at: point.location) }
            // A table whose points are all one value tells no percentile from another (between
            // two of them a value has no place: interpolation would divide by zero).
            if points.count >= 2, let first = points.first, points.allSatisfy({ $0.value == first.value }) {
                out.append(first.location.error("every point of the percentile table has the value \(format(first.value)): no percentile can be told from another; check the table against its source", attribute: "value"))
            }
            for (a, b) in zip(points, points.dropFirst()) {
                if !(b.percentile > a.percentile) {
                    out.append(b.location.error("percentiles out of order: \(format(b.percentile)) after \(format(a.percentile)); list them in ascending order", attribute: "percentile"))
                } else if b.value < a.value {
                    out.append(b.location.error("percentile \(format(b.percentile)) has a lower value (\(format(b.value))) than percentile \(format(a.percentile)) (\(format(a.value)))", attribute: "value"))
                }
            }
        }
    }

    /// Within one test and kind of norm, bands of the same sex (pooled counts for both) and side
    /// must neither overlap nor leave a gap inside the ages they cover.
    /// Bands of one kind, sex and side never overlap (a reading would get two z-scores); within
    /// one cohort's table (the same sources) they leave no gap.
    private static func checkAgeBands(_ test: TestDefinition, _ out: inout [Diagnostic]) {
        struct Key: Hashable { var kind: String; var sex: Sex; var side: BodySide? }
        var groups: [Key: [ReferenceNorm]] = [:]
        var order: [Key] = []
        for norm in test.norms {
            for sex in norm.stratum.sex.map({ [$0] }) ?? Sex.allCases {
                let key = Key(kind: norm.kind.name, sex: sex, side: norm.stratum.side)
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(norm)
            }
        }
        // A norm with no side beside left/right norms of the same kind, sex and ages: a reading
        // of either side would be compared with both, and get two z-scores.
        for plain in test.norms where plain.stratum.side == nil && test.sides != .midline {
            let clash = test.norms.first { sided in
                sided.stratum.side != nil && sided.kind.name == plain.kind.name
                    && (plain.stratum.sex == nil || sided.stratum.sex == nil || plain.stratum.sex == sided.stratum.sex)
                    && plain.stratum.ageMin <= (sided.stratum.ageMax ?? Int.max) && sided.stratum.ageMin <= (plain.stratum.ageMax ?? Int.max)
            }
            if let clash {
                out.append(plain.location.error("norm \(plain.stratum.label) of '\(test.id)' has no side, but line \(clash.location.line) gives a \(clash.stratum.side?.rawValue ?? "") norm for the same ages (\(clash.kind.name)): a reading would get two z-scores; give this norm a side or remove it", attribute: "ageMin"))
            }
        }
        var reported = Set<[Int]>()
        for key in order {
            let bands = (groups[key] ?? []).sorted { ($0.stratum.ageMin, $0.location.line) < ($1.stratum.ageMin, $1.location.line) }
            for (a, b) in zip(bands, bands.dropFirst()) {
                let pair = [a.location.line, b.location.line]
                guard !reported.contains(pair) else { continue }
                let who = "\(key.sex.rawValue)\(key.side.map { ", \($0.rawValue)" } ?? "")"
                guard let aMax = a.stratum.ageMax else {
                    reported.insert(pair)
                    out.append(b.location.error("age band \(b.stratum.label) of '\(test.id)' overlaps the open-ended band \(a.stratum.label) on line \(a.location.line) (\(key.kind), \(who))", attribute: "ageMin"))
                    continue
                }
                if b.stratum.ageMin <= aMax {
                    reported.insert(pair)
                    out.append(b.location.error("age band \(b.stratum.label) of '\(test.id)' overlaps \(a.stratum.label) on line \(a.location.line) (\(key.kind), \(who)); start it at \(aMax + 1)", attribute: "ageMin"))
                } else if b.stratum.ageMin > aMax + 1 && a.sources.ids == b.sources.ids {
                    // A gap inside one cohort's table is a slip; ages between two cohorts'
                    // tables are ones neither studied, and report "no reference".
                    reported.insert(pair)
                    out.append(b.location.error("age band \(b.stratum.label) of '\(test.id)' leaves a gap after \(a.stratum.label) on line \(a.location.line): ages \(aMax + 1)-\(b.stratum.ageMin - 1) have no \(key.kind) norm (\(who)); close the gap or split the table", attribute: "ageMin"))
                }
            }
        }
    }

    // MARK: Indices

    private static func checkGrades(_ thresholds: [GradeThreshold], _ what: String, _ out: inout [Diagnostic]) {
        // A threshold at or below 0 grades a perfectly balanced patient.
        for t in thresholds where !(t.atLeast > 0) {
            out.append(t.location.error("\(what) threshold \(t.grade.rawValue) at \(format(t.atLeast)) must be greater than 0: at or below 0 it grades a balanced patient", attribute: "atLeast"))
        }
        for (a, b) in zip(thresholds, thresholds.dropFirst()) {
            if !(b.grade > a.grade) {
                out.append(b.location.error("\(what) grades out of order: \(b.grade.rawValue) after \(a.grade.rawValue); list mild, moderate, severe", attribute: "grade"))
            }
            if !(b.atLeast > a.atLeast) {
                out.append(b.location.error("\(what) thresholds out of order: \(b.grade.rawValue) at \(format(b.atLeast)) is not above \(a.grade.rawValue) at \(format(a.atLeast))", attribute: "atLeast"))
            }
        }
    }

    private static func checkAsymmetry(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        var seen: [MuscleQuality: Int] = [:]
        for rule in p.asymmetryRules {
            if let line = seen[rule.quality] {
                out.append(rule.location.error("a second asymmetry rule for \(rule.quality.rawValue) (the first is on line \(line)); keep one", attribute: "quality"))
            }
            seen[rule.quality] = rule.location.line
            checkGrades(rule.grades, "asymmetry (\(rule.quality.rawValue))", &out)
        }
    }

    private static func checkRatios(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        for ratio in p.ratios {
            for (role, testID, side) in [("numerator", ratio.numerator, ratio.numeratorSide), ("denominator", ratio.denominator, ratio.denominatorSide)] {
                guard let test = p.test(testID) else {
                    out.append(ratio.location.error("ratio '\(ratio.id)' names \(role) test '\(testID)', which is not defined in <tests>", attribute: role))
                    continue
                }
                if test.sides == .midline && side != nil {
                    out.append(ratio.location.error("ratio '\(ratio.id)': \(role) '\(testID)' is a midline test; remove \(role)Side", attribute: "\(role)Side"))
                }
                if test.sides == .bilateral && side == nil {
                    out.append(ratio.location.error("ratio '\(ratio.id)': \(role) '\(testID)' is bilateral; say which side with \(role)Side=\"left|right|each\"", attribute: role))
                }
            }
            if ratio.numerator == ratio.denominator && ratio.numeratorSide == ratio.denominatorSide {
                out.append(ratio.location.error("ratio '\(ratio.id)' divides a test by itself", attribute: "denominator"))
            }
            if let range = ratio.acceptable {
                if range.min != nil && range.above != nil {
                    out.append(range.location.error("acceptable range of '\(ratio.id)' has both min and above; give one lower bound", attribute: "above"))
                }
                if range.max != nil && range.below != nil {
                    out.append(range.location.error("acceptable range of '\(ratio.id)' has both max and below; give one upper bound", attribute: "below"))
                }
                if range.lowerBound == nil && range.upperBound == nil {
                    out.append(range.location.error("acceptable range of '\(ratio.id)' has no bound; give min/above and/or max/below"))
                }
                // A ratio of two readings of strength, endurance or length is never negative.
                for (bound, name) in [(range.min, "min"), (range.above, "above"), (range.max, "max"), (range.below, "below")] {
                    if let bound, bound < 0 || (bound == 0 && (name == "max" || name == "below")) {
                        out.append(range.location.error("acceptable range of '\(ratio.id)': \(name)=\"\(format(bound))\" cannot be, as a ratio of two readings is never negative; check the source", attribute: name))
                    }
                }
                if let low = range.lowerBound, let high = range.upperBound, !(low < high) {
                    out.append(range.location.error("acceptable range of '\(ratio.id)' runs backwards: \(format(low)) is not below \(format(high))"))
                }
                if range.outsideGrade == .normal {
                    out.append(range.location.error("outsideGrade of '\(ratio.id)' cannot be normal", attribute: "outsideGrade"))
                }
            }
        }
    }

    private static func checkImbalanceIndex(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        let index = p.imbalanceIndex
        var seen = Set<BodyRegion>()
        for weight in index.regionWeights {
            if !seen.insert(weight.region).inserted {
                out.append(weight.location.error("region '\(weight.region.rawValue)' is weighted twice; give each region one weight", attribute: "region"))
            }
        }
        if index.regionWeights.allSatisfy({ $0.weight == 0 }) {
            out.append(index.location.error("all region weights are 0; the overall index would be undefined"))
        }
        let points = Grade.allCases.map { index.gradePoints[$0] ?? 0 }
        if zip(points, points.dropFirst()).contains(where: { $0 > $1 }) {
            out.append(index.location.error("grade points must not fall with severity (normal <= mild <= moderate <= severe)"))
        }
    }

    // MARK: Care

    /// A category that a list names none of, though it names some of its members: a patient
    /// coded with the category is left to a physician (`ConditionCategories.screen`), where
    /// the members named may be contraindicated outright. Said, so that the protocol's author
    /// names the category too, with its source.
    private static func checkCategoriesNotSaferThanMembers(_ list: [Contraindication], owner: String, at location: SourceLocation, _ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        let categories = ConditionCategories(p.conditions)
        let named = Set(list.map(\.condition))
        for c in p.conditions {
            let members = categories.members(of: c.code).filter(named.contains)
            guard !members.isEmpty else { continue }
            if categories.codes(covering: c.code).contains(where: named.contains) { continue }
            out.append(location.warning("\(owner) names \(members.joined(separator: ", ")) but not the category '\(c.code)' they lie within, so a patient coded '\(c.code)' is only left to a physician; name '\(c.code)' too, with its source"))
        }
    }

    private static func checkContraindications(_ list: [Contraindication], owner: String, _ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        var seen = Set<String>()
        for c in list {
            if !p.hasCondition(c.condition) {
                out.append(c.location.error("\(owner) names condition '\(c.condition)', which is not in <conditions>", attribute: "condition"))
            }
            if !seen.insert(c.condition).inserted {
                out.append(c.location.error("\(owner) lists condition '\(c.condition)' twice", attribute: "condition"))
            }
        }
    }

    /// A dosage a patient could not do: data-entry bounds, like a test's plausible range, far
    /// beyond anything a source gives (ACSM: 8-12 repetitions, 1-3 sets, holds of 10-60 s), so
    /// that a typing slip (100,000 repetitions, a hold of 86,400 s) is refused, not printed.
    static let dosageBounds: [(name: String, max: Int, basis: String)] = [
        ("sets", 100, "a hundred sets"), ("extraSetsAffectedSide", 100, "a hundred sets"),
        ("repsMin", 1000, "a thousand repetitions"), ("repsMax", 1000, "a thousand repetitions"),
        ("holds", 100, "a hundred holds"), ("holdsMax", 100, "a hundred holds"),
        ("holdSecondsMin", 3600, "an hour"), ("holdSecondsMax", 3600, "an hour"),
    ]

    private static func checkDosageBounds(_ d: Dosage, _ what: String, _ out: inout [Diagnostic]) {
        let values: [String: Int?] = [
            "sets": d.sets, "extraSetsAffectedSide": d.extraSetsAffectedSide, "repsMin": d.repsMin, "repsMax": d.repsMax,
            "holds": d.holds, "holdsMax": d.holdsMax, "holdSecondsMin": d.holdSecondsMin, "holdSecondsMax": d.holdSecondsMax,
        ]
        for bound in dosageBounds {
            if let value = values[bound.name] ?? nil, value > bound.max {
                out.append(d.sources.location.error("\(what): \(bound.name) \(value) is beyond \(bound.basis) (\(bound.max)), more than any source gives; a typing slip?", attribute: bound.name))
            }
        }
    }

    private static func checkExercises(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        for exercise in p.exercises {
            if p.muscleGroup(exercise.muscleGroup) == nil {
                out.append(exercise.location.error("exercise '\(exercise.id)' names muscle group '\(exercise.muscleGroup)', which is not defined in <muscleGroups>", attribute: "muscleGroup"))
            }
            for range in exercise.dosage.ranges where range.min > range.max {
                out.append(exercise.dosage.sources.location.error("dosage of '\(exercise.id)': \(range.name) runs backwards (\(range.min) > \(range.max))"))
            }
            checkDosageBounds(exercise.dosage, "dosage of '\(exercise.id)'", &out)
            for band in exercise.dosage.forAge { checkDosageBounds(band.dosage, "dosage of '\(exercise.id)' from age \(band.ageMin)", &out) }
            var ages: [Int] = []
            for band in exercise.dosage.forAge {
                let merged = exercise.dosage.forPatient(age: band.ageMin)
                for range in merged.ranges where range.min > range.max {
                    out.append(band.dosage.sources.location.error("dosage of '\(exercise.id)' from age \(band.ageMin): \(range.name) runs backwards (\(range.min) > \(range.max))"))
                }
                if ages.contains(band.ageMin) {
                    out.append(band.dosage.sources.location.error("dosage of '\(exercise.id)' has two <forAge ageMin=\"\(band.ageMin)\">; keep one", attribute: "ageMin"))
                }
                ages.append(band.ageMin)
            }
            checkContraindications(exercise.contraindications, owner: "exercise '\(exercise.id)'", p, &out)
        }
        // A date a person is given: more than ten years (520 weeks) away is a typing slip, not an
        // interval (999,999,999,998 weeks printed the year 19165351075).
        if p.plan.reassessmentWeeksMax > 520 {
            out.append(p.plan.reassessmentLocation.error("reassessment interval of \(p.plan.reassessmentWeeksMax) weeks is more than ten years (520 weeks); check the figure", attribute: "weeksMax"))
        }
        if p.plan.reassessmentWeeksMin > p.plan.reassessmentWeeksMax {
            out.append(p.plan.reassessmentLocation.error("reassessment interval runs backwards (\(p.plan.reassessmentWeeksMin) > \(p.plan.reassessmentWeeksMax) weeks)", attribute: "weeksMin"))
        }
    }

    private static func checkAdjuncts(_ p: BalanceProtocol, _ out: inout [Diagnostic]) {
        for adjunct in p.adjuncts {
            checkContraindications(adjunct.contraindications, owner: "adjunct '\(adjunct.id)'", p, &out)
            checkCategoriesNotSaferThanMembers(adjunct.contraindications, owner: "adjunct '\(adjunct.id)'", at: adjunct.location, p, &out)
            if let limits = adjunct.userLimits, limits.heightCmMax == nil, limits.bodyMassKgMax == nil {
                out.append(limits.location.error("user limits of '\(adjunct.id)' give no figure; add heightCmMax or bodyMassKgMax, or remove <userLimits>"))
            }
            if let limit = adjunct.bloodPressureLimit, !(limit.systolic > limit.diastolic) {
                out.append(limit.location.error("blood pressure limit of '\(adjunct.id)': systolic \(limit.systolic) must be above diastolic \(limit.diastolic)", attribute: "systolic"))
            }
            let dose = adjunct.dose
            // Every figure is offered to a patient as written: minutes must be above 0 and fit
            // in a day (1,440), sessions above 0. No clinical bound is assumed here; the
            // protocol's source gives the real one.
            for (name, value, limit) in [
                ("startMinutes", dose.startMinutes, 1440.0), ("maxMinutesPerSession", dose.maxMinutesPerSession, 1440),
                ("maxMinutesPerDay", dose.maxMinutesPerDay, 1440), ("maxSessionsPerWeek", dose.maxSessionsPerWeek.map(Double.init), .infinity),
            ] {
                guard let value, !(value > 0 && value <= limit) else { continue }
                let bound = limit.isFinite ? "must be above 0 and at most \(format(limit)) (a day)" : "must be above 0"
                out.append(dose.location.error("dose of '\(adjunct.id)': \(name) \(format(value)) \(bound)", attribute: name))
            }
            if let session = dose.maxMinutesPerSession, let day = dose.maxMinutesPerDay, session > day {
                out.append(dose.location.error("dose of '\(adjunct.id)': maxMinutesPerSession \(format(session)) is above maxMinutesPerDay \(format(day))", attribute: "maxMinutesPerSession"))
            }
            if let start = dose.startMinutes, let max = dose.maxMinutesPerSession, start > max {
                out.append(dose.location.error("dose of '\(adjunct.id)': startMinutes \(format(start)) is above maxMinutesPerSession \(format(max))", attribute: "startMinutes"))
            }
        }
    }
}

extension CutoffClass.UpperBound {
    var attributeName: String? {
        switch self {
        case .below: "below"
        case .atMost: "atMost"
        default: nil
        }
    }
}

/// Numbers in messages: as short as they can be without losing digits ("176", "-23.16").
func format(_ value: Double) -> String { shortestDecimalText(value) }

/// A number as the shortest decimal that reads back as the same double, with no ".0" on a
/// whole number: in messages, in the reports' words, and in the history store's canonical text.
public func shortestDecimalText(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}
