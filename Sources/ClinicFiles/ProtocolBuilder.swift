import MBXML
import MuscleBalanceCore

/// Turns a schema-valid protocol document into a `BalanceProtocol`. Anything the schema allows
/// but the model cannot hold becomes a diagnostic, never a crash.
struct ProtocolBuilder {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func build(_ root: XMLElement) -> BalanceProtocol {
        let sources = (root.child(named: "sources")?.children(named: "source") ?? []).map { e in
            ClinicalSource(
                id: e.string("id") ?? "", kind: ClinicalSource.Kind(rawValue: e.string("kind") ?? "") ?? .cited,
                citation: e.foldedText, location: e.location)
        }
        let conditions = (root.child(named: "conditions")?.children(named: "condition") ?? []).map { e in
            let lasts: ConditionDuration? =
                if let weeks = e.int("lastsWeeks") { ConditionDuration(amount: weeks, unit: .weeks, sources: e.sources()) }
                else if let months = e.int("lastsMonths") { ConditionDuration(amount: months, unit: .months, sources: e.sources()) }
                else { nil }
            return ScreeningCondition(
                code: e.string("code") ?? "", label: e.foldedText, within: e.sources("within").ids,
                synonyms: e.sources("synonyms").ids, lasts: lasts, location: e.location)
        }
        for e in root.child(named: "conditions")?.children(named: "condition") ?? [] where e.string("lastsWeeks") != nil && e.string("lastsMonths") != nil {
            diagnostics.append(e.location.error("condition '\(e.string("code") ?? "")' gives both lastsWeeks and lastsMonths; keep the one its source gives", attribute: "lastsMonths"))
        }
        let groups = (root.child(named: "muscleGroups")?.children(named: "muscleGroup") ?? []).map { e in
            MuscleGroup(
                id: e.string("id") ?? "", name: e.string("name") ?? "",
                region: BodyRegion(rawValue: e.string("region") ?? "") ?? .hip, description: e.foldedText,
                location: e.location, plainName: e.string("plain"))
        }
        let tests = (root.child(named: "tests")?.children(named: "test") ?? []).map { test($0) }
        let asymmetry = (root.child(named: "asymmetry")?.children(named: "rule") ?? []).map { e in
            AsymmetryRule(
                quality: MuscleQuality(rawValue: e.string("quality") ?? "") ?? .strength,
                formula: AsymmetryFormula(rawValue: e.string("formula") ?? "") ?? .percentOfStronger,
                grades: thresholds(e.child(named: "grades")), sources: e.sources(), note: e.string("note"),
                location: e.location)
        }
        let normGrading = root.child(named: "normGrades").map { e in
            NormGrading(
                thresholds: e.children(named: "threshold").map { t in
                    NormGrading.Threshold(
                        grade: Grade(rawValue: t.string("grade") ?? "") ?? .mild, percentileBelow: t.double("percentileBelow") ?? 0,
                        sources: t.sources(), location: t.location)
                },
                note: e.string("note"), location: e.location)
        }
        let ratios = (root.child(named: "ratios")?.children(named: "ratio") ?? []).map { e in
            RatioIndex(
                id: e.string("id") ?? "", name: e.childText("name"),
                region: BodyRegion(rawValue: e.string("region") ?? "") ?? .hip,
                numerator: e.string("numerator") ?? "", numeratorSide: e.string("numeratorSide").flatMap(RatioSide.init),
                denominator: e.string("denominator") ?? "",
                denominatorSide: e.string("denominatorSide").flatMap(RatioSide.init),
                acceptable: e.child(named: "acceptable").map { a in
                    AcceptableRange(
                        min: a.double("min"), above: a.double("above"), max: a.double("max"), below: a.double("below"),
                        outsideGrade: Grade(rawValue: a.string("outsideGrade") ?? "") ?? .mild, sources: a.sources(),
                        location: a.location)
                }, note: e.string("note"), location: e.location)
        }
        let index = root.child(named: "imbalanceIndex") ?? XMLElement(name: "imbalanceIndex", line: root.line)
        let points = index.child(named: "gradePoints")
        var gradePoints: [Grade: Double] = [:]
        for grade in Grade.allCases { gradePoints[grade] = points?.double(grade.rawValue) ?? 0 }
        let imbalance = ImbalanceIndexDefinition(
            gradePoints: gradePoints,
            regionWeights: index.children(named: "regionWeight").map { w in
                RegionWeight(region: BodyRegion(rawValue: w.string("region") ?? "") ?? .hip, weight: w.double("weight") ?? 0, location: w.location)
            }, rationale: index.string("rationale") ?? "", location: index.location)
        let exercises = (root.child(named: "exercises")?.children(named: "exercise") ?? []).map { e in
            let d = e.child(named: "dosage") ?? XMLElement(name: "dosage", line: e.line)
            return CorrectiveExercise(
                id: e.string("id") ?? "", name: e.childText("name"), muscleGroup: e.string("muscleGroup") ?? "",
                problem: MuscleProblem(rawValue: e.string("problem") ?? "") ?? .weak,
                sideRule: SideRule(rawValue: e.string("sideRule") ?? "") ?? .affectedSide,
                instructions: e.childText("instructions"),
                dosage: dosage(d),
                contraindications: e.children(named: "contraindication").map(contraindication),
                sources: e.sources(), location: e.location,
                patientText: e.child(named: "patientText").map(\.foldedText))
        }
        let planElement = root.child(named: "plan") ?? XMLElement(name: "plan", line: root.line)
        let reassessment = planElement.child(named: "reassessment") ?? XMLElement(name: "reassessment", line: planElement.line)
        let plan = PlanRules(
            maxExercises: planElement.int("maxExercises") ?? 0, reassessmentWeeksMin: reassessment.int("weeksMin") ?? 0,
            reassessmentWeeksMax: reassessment.int("weeksMax") ?? 0, reassessmentSources: reassessment.sources(),
            rationale: planElement.string("rationale") ?? "", location: planElement.location,
            reassessmentLocation: reassessment.location)
        let adjuncts = (root.child(named: "adjuncts")?.children(named: "adjunct") ?? []).map { e in
            let dose = e.child(named: "dose") ?? XMLElement(name: "dose", line: e.line)
            return AdjunctTherapy(
                id: e.string("id") ?? "", name: e.childText("name"), evidence: e.childText("evidence"),
                alongsideExercise: e.string("alongsideExercise").map { $0 == "true" || $0 == "1" } ?? true,
                contraindications: e.children(named: "contraindication").map(contraindication),
                bloodPressureLimit: e.child(named: "bloodPressureLimit").map { b in
                    BloodPressureLimit(systolic: b.int("systolic") ?? 0, diastolic: b.int("diastolic") ?? 0, sources: b.sources(), location: b.location)
                },
                userLimits: e.child(named: "userLimits").map { u in
                    UserLimits(heightCmMax: u.double("heightCmMax"), bodyMassKgMax: u.double("bodyMassKgMax"), sources: u.sources(), location: u.location)
                },
                dose: DoseLimits(
                    startMinutes: dose.double("startMinutes"), maxMinutesPerSession: dose.double("maxMinutesPerSession"),
                    maxMinutesPerDay: dose.double("maxMinutesPerDay"), maxSessionsPerWeek: dose.int("maxSessionsPerWeek"),
                    sources: dose.sources(), location: dose.location),
                cautions: e.children(named: "caution").map { Caution(text: $0.foldedText, sources: $0.sources()) },
                sources: e.sources(), location: e.location)
        }
        var bloodPressurePlausible: BloodPressurePlausible?
        if let b = root.child(named: "bloodPressurePlausible") {
            let sMin = b.int("systolicMin") ?? 0, sMax = b.int("systolicMax") ?? 0
            let dMin = b.int("diastolicMin") ?? 0, dMax = b.int("diastolicMax") ?? 0
            if sMin <= sMax && dMin <= dMax {
                bloodPressurePlausible = BloodPressurePlausible(
                    systolic: sMin...sMax, diastolic: dMin...dMax, basis: b.string("basis") ?? "", sources: b.sources(), location: b.location)
            } else {
                diagnostics.append(b.location.error("bloodPressurePlausible runs backwards; write each minimum at or below its maximum", attribute: "systolicMin"))
            }
        }
        var built = BalanceProtocol(
            id: root.string("id") ?? "", version: root.string("version") ?? "", title: root.childText("title"),
            sources: sources, conditions: conditions, muscleGroups: groups, tests: tests, asymmetryRules: asymmetry,
            ratios: ratios, imbalanceIndex: imbalance, exercises: exercises, plan: plan, adjuncts: adjuncts,
            location: root.location, normGrading: normGrading)
        built.bloodPressurePlausible = bloodPressurePlausible
        built.codeSystem = root.string("codeSystem")
        built.instruments = (root.child(named: "instruments")?.children(named: "instrument") ?? []).map { instrument($0) }
        if let e = root.child(named: "population") {
            let ageMin = e.int("ageMin") ?? 0, ageMax = e.int("ageMax") ?? 0
            let massMin = e.double("bodyMassKgMin") ?? 0, massMax = e.double("bodyMassKgMax") ?? 0
            let heightMin = e.double("heightCmMin") ?? 0, heightMax = e.double("heightCmMax") ?? 0
            if ageMin <= ageMax && massMin <= massMax && heightMin <= heightMax {
                built.population = Population(
                    ages: ageMin...ageMax, bodyMassKg: massMin...massMax, heightCm: heightMin...heightMax, basis: e.string("basis") ?? "", location: e.location)
            } else {
                diagnostics.append(e.location.error("population runs backwards; write each minimum at or below its maximum", attribute: "ageMin"))
            }
        }
        return built
    }

    /// A patient-reported outcome instrument (`<instrument>`).
    private func instrument(_ e: XMLElement) -> OutcomeInstrument {
        let items = e.children(named: "items").flatMap { i in
            Array(repeating: (i.int("min") ?? 0)...max(i.int("min") ?? 0, i.int("max") ?? 0), count: max(0, min(i.int("count") ?? 0, 1000)))
        }
        let activities = e.child(named: "activities")
        let strata = e.child(named: "stratification")
        var positive: [Int: Int] = [:]
        for p in strata?.children(named: "positive") ?? [] { positive[p.int("item") ?? 0] = p.int("from") ?? 0 }
        let low = e.double("min") ?? 0, high = max(low, e.double("max") ?? 0)
        var built = OutcomeInstrument(
            id: e.string("id") ?? "", name: e.childText("name"), version: e.string("version"), copyright: e.child(named: "copyright")?.foldedText,
            method: OutcomeInstrument.Method(rawValue: e.string("method") ?? "") ?? .value,
            direction: e.string("direction") == "higher-is-better" ? .higherIsBetter : .lowerIsBetter,
            range: low...high, items: items, minimumAnswered: e.int("minimumAnswered"),
            acceptsTotal: e.string("acceptsTotal").map { $0 == "true" || $0 == "1" } ?? false,
            activities: activities.map { a in (a.int("min") ?? 1)...max(a.int("min") ?? 1, a.int("max") ?? 1) },
            activityRange: activities.map { a in (a.double("scoreMin") ?? 0)...max(a.double("scoreMin") ?? 0, a.double("scoreMax") ?? 0) },
            decimals: min(e.int("decimals") ?? 0, 6),
            bands: e.children(named: "band").map { OutcomeBand(upTo: $0.double("upTo") ?? 0, label: $0.string("label") ?? "", sources: $0.sources()) },
            change: e.child(named: "change").map { c in
                OutcomeChangeRule(
                    kind: c.string("kind") == "detectable" ? .detectable : .minimalImportant, amount: c.double("amount") ?? 0,
                    percentOfBaseline: c.double("percentOfBaseline"), sources: c.sources())
            },
            recovered: e.child(named: "recovered").map { RecoveredRule(atMost: $0.double("atMost") ?? 0, sources: $0.sources()) },
            stratification: strata.map { s in
                StratificationRule(
                    subscale: (s.int("subscaleFrom") ?? 1)...max(s.int("subscaleFrom") ?? 1, s.int("subscaleTo") ?? 1), positiveFrom: positive,
                    highFrom: s.int("highFrom") ?? 0, lowUpTo: s.int("lowUpTo") ?? 0, sources: s.sources())
            },
            sources: e.sources(), location: e.location)
        built.recommendedActivities = activities?.int("recommendedMin")
        return built
    }

    private func contraindication(_ e: XMLElement) -> Contraindication {
        Contraindication(
            condition: e.string("condition") ?? "", kind: Contraindication.Kind(rawValue: e.string("kind") ?? "") ?? .absolute,
            sources: e.sources(), location: e.location)
    }

    private func dosage(_ d: XMLElement) -> Dosage {
        var dosage = Dosage(
            sets: d.int("sets"), extraSetsAffectedSide: d.int("extraSetsAffectedSide"), repsMin: d.int("repsMin"),
            repsMax: d.int("repsMax"), holds: d.int("holds"), holdsMax: d.int("holdsMax"),
            holdSecondsMin: d.int("holdSecondsMin"), holdSecondsMax: d.int("holdSecondsMax"),
            daysPerWeekMin: d.int("daysPerWeekMin"), daysPerWeekMax: d.int("daysPerWeekMax"), sources: d.sources())
        dosage.forAge = d.children(named: "forAge").map { AgeDosage(ageMin: $0.int("ageMin") ?? 0, dosage: self.dosage($0)) }
        return dosage
    }

    private func thresholds(_ e: XMLElement?) -> [GradeThreshold] {
        (e?.children(named: "threshold") ?? []).map { t in
            GradeThreshold(grade: Grade(rawValue: t.string("grade") ?? "") ?? .mild, atLeast: t.double("atLeast") ?? 0, sources: t.sources(), location: t.location)
        }
    }

    private mutating func test(_ e: XMLElement) -> TestDefinition {
        let dimension = Dimension(rawValue: e.string("quantity") ?? "") ?? .force
        let range = e.child(named: "plausibleRange") ?? XMLElement(name: "plausibleRange", line: e.line)
        let norms = (e.child(named: "norms")?.children ?? []).compactMap { norm($0) }
        return TestDefinition(
            id: e.string("id") ?? "", name: e.childText("name"), shortName: e.child(named: "name")?.string("short"), nameLocation: e.child(named: "name")?.location, muscleGroup: e.string("muscleGroup") ?? "",
            quality: MuscleQuality(rawValue: e.string("quality") ?? "") ?? .strength, dimension: dimension,
            unit: MeasurementUnit(rawValue: e.string("unit") ?? "") ?? dimension.canonicalUnit,
            sides: TestSides(rawValue: e.string("sides") ?? "") ?? .bilateral,
            combine: TrialCombination(rawValue: e.string("combine") ?? "max") ?? .max,
            direction: ScoreDirection(rawValue: e.string("direction") ?? "") ?? .higherIsBetter,
            position: e.childText("position"),
            plausibleRange: PlausibleRange(
                min: range.double("min") ?? 0, max: range.double("max") ?? 0, basis: range.string("basis") ?? "",
                sources: range.sources()),
            targetBand: e.child(named: "targetBand").map { TargetBand(min: $0.double("min") ?? 0, max: $0.double("max") ?? 0, sources: $0.sources()) },
            minimalDetectableChanges: e.children(named: "mdc").map { m in
                var mdc = MinimalDetectableChange(
                    value: m.double("value"), ratioBelow: m.double("ratioBelow"), ratioAbove: m.double("ratioAbove"), percent: m.double("percent"),
                    sex: m.string("sex").flatMap(Sex.init), side: m.string("side").flatMap(BodySide.init), note: m.string("note"), sources: m.sources())
                mdc.derived = m.string("derived") == "true" || m.string("derived") == "1"
                mdc.sampleSex = m.string("sampleSex").flatMap(Sex.init)
                mdc.measure = m.string("measure").flatMap(MinimalDetectableChange.Measure.init) ?? .mdc
                return mdc
            },
            norms: norms, location: e.location)
    }

    private mutating func norm(_ e: XMLElement) -> ReferenceNorm? {
        let stratum = NormStratum(
            sex: e.string("sex").flatMap(Sex.init(rawValue:)), ageMin: e.int("ageMin") ?? 0, ageMax: e.int("ageMax"),
            side: e.string("side").flatMap(BodySide.init(rawValue:)))
        guard let unit = NormUnit(e.string("unit") ?? "") else {
            diagnostics.append(e.location.error("unknown norm unit '\(e.string("unit") ?? "")'", attribute: "unit"))
            return nil
        }
        let kind: ReferenceNorm.Kind
        switch e.name {
        case "meanSD":
            let spread: MeanSD.Spread
            if let sd = e.double("sd") {
                spread = .sd(sd)
                if e.double("ci95Lower") != nil || e.double("ci95Upper") != nil {
                    diagnostics.append(e.location.error("norm gives both sd and a 95% CI; keep the one the source publishes", attribute: "ci95Lower"))
                }
            } else if let lower = e.double("ci95Lower"), let upper = e.double("ci95Upper"), let n = e.int("n") {
                spread = .confidenceInterval(lower: lower, upper: upper, n: n)
            } else {
                spread = .missing
            }
            kind = .meanSD(MeanSD(mean: e.double("mean") ?? 0, spread: spread))
        case "cutoffs":
            kind = .cutoffs(e.children(named: "class").map { c in
                let below = c.double("below"), atMost = c.double("atMost")
                let bound: CutoffClass.UpperBound =
                    switch (below, atMost) {
                    case (let b?, nil): .below(b)
                    case (nil, let a?): .atMost(a)
                    case (nil, nil): .none
                    default: .conflicting
                    }
                return CutoffClass(label: c.string("label") ?? "", grade: Grade(rawValue: c.string("grade") ?? "") ?? .mild, bound: bound, location: c.location)
            })
        case "percentiles":
            kind = .percentiles(e.children(named: "point").map {
                PercentilePoint(percentile: $0.double("percentile") ?? 0, value: $0.double("value") ?? 0, location: $0.location)
            })
        default:
            return nil
        }
        return ReferenceNorm(
            kind: kind, stratum: stratum, unit: unit, sources: e.sources(), note: e.string("note"),
            grades: e.string("grades").map { $0 != "false" && $0 != "0" } ?? true, location: e.location)
    }
}
