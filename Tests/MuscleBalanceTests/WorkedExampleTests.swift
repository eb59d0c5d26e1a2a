import TestSupport
import Foundation
import MBXML
import MuscleBalance
import MuscleBalanceCore
import Testing

/// The bundled example, scored, and every figure of its XML report checked against a hand
/// calculation written out here. Grade points come from the protocol: normal 0, mild 33.3,
/// moderate 66.7, severe 100. g = 9.80665. SD of Alvarenga's abductors, from the 95% CI:
/// (17.66 - 16.03) / (2 x 1.96) x sqrt(52) = 2.998494.
@Suite("Worked example: Examples/clinic-example.xml")
struct WorkedExampleTests {
    let report: XMLElement
    let outcome: FileScoreOutcome
    let directory: String
    let scratch = Scratch("worked")

    init() throws {
        directory = try scratch.directory("out")
        let scorer = BatchScorer(library: sharedLibrary, outputDirectory: directory, today: testToday)
        outcome = scorer.scoreFile(Paths.example, stem: "clinic-example")
        let schema = try XMLSchema(contentsOf: Paths.packageRoot + "/Reports/report.xsd")
        let parsed = try XMLDocumentReader.read(path: directory + "/clinic-example.report.xml", schema: schema)
        #expect(parsed.isValid, "\(parsed.validity)")
        report = parsed.root
    }

    // MARK: Navigation

    func session(_ patient: String, _ date: String) throws -> XMLElement {
        let p = try #require(report.children(named: "patient").first { $0[attribute: "id"] == patient })
        return try #require(p.children(named: "session").first { $0[attribute: "date"] == date })
    }

    func number(_ e: XMLElement?, _ name: String) throws -> Double {
        let text = try #require(e?[attribute: name], "missing \(name)")
        return try #require(Double(text), "\(name)=\(text) is not a number")
    }

    func result(_ s: XMLElement, _ test: String, _ side: String? = nil) -> XMLElement? {
        s.children(named: "result").first { $0[attribute: "test"] == test && $0[attribute: "side"] == side }
    }

    func norm(_ r: XMLElement?, _ kind: String) -> XMLElement? {
        r?.children(named: "norm").first { $0[attribute: "kind"] == kind }
    }

    func ratio(_ s: XMLElement, _ id: String, _ side: String? = nil) -> XMLElement? {
        s.children(named: "ratio").first { $0[attribute: "id"] == id && $0[attribute: "side"] == side }
    }

    func asymmetry(_ s: XMLElement, _ test: String) -> XMLElement? {
        s.children(named: "asymmetry").first { $0[attribute: "test"] == test }
    }

    func region(_ s: XMLElement, _ name: String) -> XMLElement? {
        s.children(named: "imbalance").first { $0[attribute: "region"] == name }
    }

    func close(_ a: Double, _ b: Double, _ tolerance: Double = 0.000002) -> Bool { abs(a - b) <= tolerance }

    // MARK: The file

    @Test("three patients scored, none skipped, both reports written")
    func outcomeOfTheFile() {
        #expect(outcome.patientsScored == 3)
        #expect(outcome.patientsSkipped == 0)
        #expect(!outcome.failed)
        #expect(FileManager.default.fileExists(atPath: directory + "/clinic-example.report.txt"))
        #expect(report[attribute: "protocol"] == "lumbopelvic-balance")
        #expect(report[attribute: "protocolVersion"] == "1.3.0")
    }

    // MARK: RP-0001, balanced

    @Test("RP-0001 (balanced): abduction against McKay's women 20-59, adduction against Alvarenga's women 20-29")
    func balancedStrength() throws {
        let s = try session("RP-0001", "2026-11-02")
        #expect(s[attribute: "age"] == "28")  // born 1998-05-20
        // Left abduction: trials 108, 112, 110 N; max = 112 N.
        let left = result(s, "hip-abduction-strength", "left")
        #expect(try number(left, "value") == 112)
        #expect(left?.children(named: "trial").map(\.text) == ["108", "112", "110"])
        // McKay 2017 (code transcription), women 20-59, in N: 113.1 (32.4).
        // z = (112 - 113.1) / 32.4 = -0.033951; PHI(z) = 48.645826%; 112 / 113.1 = 99.027409%.
        let n = norm(left, "meanSD")
        #expect(try number(n, "value") == 112)
        #expect(try number(n, "mean") == 113.1)
        #expect(try number(n, "sd") == 32.4)
        #expect(n?[attribute: "sdFromCI"] == nil)
        #expect(n?[attribute: "sex"] == "female" && n?[attribute: "ageMin"] == "20" && n?[attribute: "ageMax"] == "59")
        #expect(n?[attribute: "source"] == "mckay-2017")
        #expect(close(try number(n, "z"), -0.033951))
        #expect(close(try number(n, "percentile"), 48.645826))
        #expect(close(try number(n, "percentOfMean"), 99.027409))
        // Above the 5th centile: graded normal against the lower reference limit.
        #expect(n?[attribute: "grade"] == "normal" && n?[attribute: "lowerLimitPercentile"] == nil)
        // Left adduction, max 118 N, against Alvarenga 2019 in %BW:
        // %BW = 118 / (64.5 x 9.80665) x 100 = 18.655273; SD from the CI 16.11-17.68, n 52:
        // (17.68 - 16.11) / (2 x 1.96) x sqrt(52) = 2.888120; z = (18.655273 - 16.89) / 2.888120
        // = 0.611219; PHI(z) = 72.947263%; 18.655273 / 16.89 = 110.451589%.
        let add = norm(result(s, "hip-adduction-strength", "left"), "meanSD")
        #expect(close(try number(add, "value"), 18.655273))
        #expect(close(try number(add, "sd"), 2.888120))
        #expect(add?[attribute: "sdFromCI"] == "true")
        #expect(add?[attribute: "source"] == "alvarenga-2019")
        #expect(close(try number(add, "z"), 0.611219))
        #expect(close(try number(add, "percentile"), 72.947263))
        #expect(close(try number(add, "percentOfMean"), 110.451589))
        // Asymmetry (113 - 112) / 113 x 100 = 0.884956%: under 10%, normal (Thorborg 2010).
        let a = asymmetry(s, "hip-abduction-strength")
        #expect(close(try number(a, "value"), 0.884956))
        #expect(a?[attribute: "affectedSide"] == "left" && a?[attribute: "grade"] == "normal")
    }

    @Test("RP-0001 (balanced): every graded index normal, index 0, no plan, both adjuncts offered")
    func balancedOverall() throws {
        let s = try session("RP-0001", "2026-11-02")
        #expect(try number(s, "overallIndex") == 0)
        #expect(s[attribute: "overallGrade"] == "normal")
        #expect(s.children(named: "finding").isEmpty)
        // Adduction:abduction left 118 / 112 = 1.053571, inside 1.0-1.2 (VALD).
        #expect(close(try number(ratio(s, "hip-adduction-abduction", "left"), "value"), 1.053571))
        // McGill flexion/extension 142 / 178 = 0.797753 < 1.0; right/left 74 / 76 = 0.973684.
        #expect(close(try number(ratio(s, "mcgill-flexion-extension"), "value"), 0.797753))
        #expect(close(try number(ratio(s, "mcgill-side-bridge-right-left"), "value"), 0.973684))
        // Hip flexion:extension has no acceptable range in our sources: no reference.
        #expect(ratio(s, "hip-flexion-extension", "left")?[attribute: "noReference"] != nil)
        // Sit-and-reach 19 in, women 26-35: exactly the 50th percentile, 100% of the median.
        let reach = norm(result(s, "sit-and-reach"), "percentiles")
        #expect(try number(reach, "percentile") == 50)
        #expect(try number(reach, "percentOfMedian") == 100)
        #expect(try number(result(s, "sit-and-reach"), "value") == 48.26)  // 19 x 2.54 cm
        let plan = try #require(s.child(named: "plan"))
        #expect(plan.children(named: "exercise").isEmpty)
        #expect(s.children(named: "adjunct").allSatisfy { $0[attribute: "offered"] == "true" })
    }

    // MARK: RP-0002, left hip weakness and tight hip flexors

    @Test("RP-0002: left gluteus medius weak, 31% asymmetry, z = -1.43")
    func leftHipWeakness() throws {
        let s = try session("RP-0002", "2026-11-03")
        #expect(s[attribute: "age"] == "26")  // born 2000-02-14
        // Left abduction 6.2, 6.8, 6.5 kgf -> max 6.8 kgf = 6.8 x 9.80665 = 66.68522 N.
        let left = result(s, "hip-abduction-strength", "left")
        #expect(close(try number(left, "value"), 66.68522))
        #expect(left?[attribute: "trialUnit"] == "kgf")
        // McKay women 20-59: z = (66.68522 - 113.1) / 32.4 = -1.432555; PHI(z) = 7.599253%,
        // above the 5th centile, so not a finding by itself; 58.961291% of the mean.
        let n = norm(left, "meanSD")
        #expect(close(try number(n, "value"), 66.68522))
        #expect(close(try number(n, "z"), -1.432555))
        #expect(close(try number(n, "percentile"), 7.599253))
        #expect(close(try number(n, "percentOfMean"), 58.961291))
        #expect(n?[attribute: "grade"] == "normal")
        // Right 9.9 kgf = 97.085835 N; asymmetry (97.085835 - 66.68522) / 97.085835 x 100 = 31.313131%
        // >= 15%: moderate (Hewit 2012).
        let a = asymmetry(s, "hip-abduction-strength")
        #expect(close(try number(a, "value"), 31.313131))
        #expect(a?[attribute: "affectedSide"] == "left" && a?[attribute: "grade"] == "moderate")
        let finding = s.children(named: "finding").first { $0[attribute: "basis"] == "asymmetry" }
        #expect(finding?.text == "left gluteus medius weak: 31.3% asymmetry, z = -1.43")
        #expect(finding?[attribute: "grade"] == "moderate")
        // Adduction:abduction left 9.8 / 6.8 = 1.441176: at least 0.80 (Tyler 2001), normal;
        // no published threshold above, so the weak abductors are the asymmetry's finding alone.
        let r = ratio(s, "hip-adduction-abduction", "left")
        #expect(close(try number(r, "value"), 1.441176))
        #expect(r?[attribute: "grade"] == "normal" && r?[attribute: "deficient"] == nil)
        #expect(!s.children(named: "finding").contains { $0[attribute: "index"] == "hip-adduction-abduction" })
    }

    @Test("RP-0002: tight left hip flexors and rectus femoris (modified Thomas)")
    func tightHipFlexors() throws {
        let s = try session("RP-0002", "2026-11-03")
        // Hip angle 8 deg > 0: short one-joint hip flexors (BMC 2021). Lower is better, so
        // z = -(8 - (-10.60)) / 9.61 = -1.935484 (Ferber 2010). No % of a negative mean.
        let hip = result(s, "thomas-hip-angle", "left")
        #expect(norm(hip, "cutoff")?[attribute: "class"] == "short one-joint hip flexors")
        #expect(norm(hip, "cutoff")?[attribute: "grade"] == "mild")
        #expect(close(try number(norm(hip, "meanSD"), "z"), -1.935484))
        #expect(norm(hip, "meanSD")?[attribute: "percentOfMean"] == nil)
        // Right -6 deg <= 0: normal.
        #expect(norm(result(s, "thomas-hip-angle", "right"), "cutoff")?[attribute: "grade"] == "normal")
        // Knee angle 60 < 67: short rectus femoris.
        #expect(norm(result(s, "thomas-knee-angle", "left"), "cutoff")?[attribute: "class"] == "short rectus femoris")
        // Sit-and-reach 43.5 cm = 17.125984 in; women 26-35: P40 = 17, P50 = 19;
        // 40 + (17.125984 - 17) / (19 - 17) x 10 = 40.629921; 17.125984 / 19 = 90.136759%.
        let reach = norm(result(s, "sit-and-reach"), "percentiles")
        #expect(close(try number(reach, "percentile"), 40.629921))
        #expect(close(try number(reach, "percentOfMedian"), 90.136759))
    }

    @Test("RP-0002: imbalance index by region, from the protocol's grade points")
    func imbalanceIndex() throws {
        let s = try session("RP-0002", "2026-11-03")
        // hip: six strength results against their norms, all above the 5th centile: normal 0;
        // Thomas hip left (cut-off and z = -1.94, P2.6) mild 33.3, right normal 0; abduction
        // asymmetry moderate 66.7; adduction 2.97% and extension 6.88% asymmetry normal 0, 0;
        // add:abd left 1.44 and right (10.1 / 9.9 = 1.0202), both at least 0.80: normal 0, 0:
        // (33.3 + 66.7) / 13 = 7.692308
        #expect(close(try number(region(s, "hip"), "value"), 7.692308))
        #expect(region(s, "hip")?[attribute: "gradedIndices"] == "13")
        // pelvis: Thomas knee left mild 33.3, right normal: 33.3 / 2 = 16.65
        #expect(close(try number(region(s, "pelvis"), "value"), 16.65))
        // spine: flexor, extensor, both side bridges and sit-and-reach (P40.6) normal against
        // their norms; flexion/extension 95/150 normal; right/left 66/58 = 1.137931 mild; side
        // bridge/extension 58/150, 66/150 normal: 33.3 / 9 = 3.7
        #expect(close(try number(region(s, "spine"), "value"), 3.7))
        // overall, equal weights: (7.692308 + 16.65 + 3.7) / 3 = 9.347436
        #expect(close(try number(s, "overallIndex"), 9.347436))
        #expect(s[attribute: "overallGrade"] == "moderate")
    }

    @Test("RP-0002: the plan works the left side only, most severe first, with a reassessment date")
    func unbalancedPlan() throws {
        let s = try session("RP-0002", "2026-11-03")
        let plan = try #require(s.child(named: "plan"))
        let exercises = plan.children(named: "exercise")
        #expect(exercises.map { $0[attribute: "id"] ?? "" } == [
            "side-lying-hip-abduction", "clamshell", "half-kneeling-hip-flexor-stretch", "quadriceps-stretch", "side-bridge-weak-side",
        ])
        #expect(exercises.allSatisfy { $0[attribute: "side"] == "left" })
        #expect(exercises.first?[attribute: "grade"] == "moderate")
        // Stretch dosage from ACSM: 2-4 holds of 10-30 s, 2-7 days a week.
        let stretch = exercises.first { $0[attribute: "id"] == "half-kneeling-hip-flexor-stretch" }
        #expect(stretch?[attribute: "holds"] == "2" && stretch?[attribute: "holdsMax"] == "4")
        #expect(stretch?[attribute: "holdSecondsMin"] == "10" && stretch?[attribute: "holdSecondsMax"] == "30")
        // 2026-11-03 + 4 weeks = 2026-12-01; + 6 weeks = 2026-12-15 (NASM).
        #expect(plan[attribute: "reassessFrom"] == "2026-12-01" && plan[attribute: "reassessBy"] == "2026-12-15")
    }

    // MARK: RP-0003, hypertension, two sessions

    @Test("RP-0003: inversion not recommended (hypertension, 146/92 > 140/90); vibration offered with its dose")
    func adjuncts() throws {
        let s = try session("RP-0003", "2026-11-05")
        let inversion = s.children(named: "adjunct").first { $0[attribute: "id"] == "inversion-table" }
        #expect(inversion?[attribute: "offered"] == "false")
        #expect(inversion?[attribute: "verdict"] == "not-recommended")
        #expect(inversion?.children(named: "reason").map(\.text) == [
            "Hypertension (contraindicated)", "blood pressure 146/92 mmHg is at or above 140/90 (hypertension)",
        ])
        let vibration = s.children(named: "adjunct").first { $0[attribute: "id"] == "whole-body-vibration" }
        #expect(vibration?[attribute: "offered"] == "true")
        #expect(vibration?[attribute: "maxMinutesPerDay"] == "10")
        #expect(vibration?[attribute: "alongsideExercise"] == "true")
    }

    @Test("RP-0003: hamstring:quadriceps, the Biering-Sorensen graded once, and the index of each session")
    func sessions() throws {
        let first = try session("RP-0003", "2026-09-15")
        // H:Q left 30 / 71 lbf = 0.422535, right 36 / 73 = 0.493151: reported, not graded
        // (Ardern's 0.47 is an isokinetic bound; no criterion for hand-held readings).
        #expect(close(try number(ratio(first, "hamstring-quadriceps", "left"), "value"), 0.422535))
        #expect(ratio(first, "hamstring-quadriceps", "left")?[attribute: "grade"] == nil)
        #expect(ratio(first, "hamstring-quadriceps", "left")?[attribute: "noReference"] != nil)
        // Knee flexion asymmetry (36 - 30) / 36 = 16.666667% >= 15: moderate.
        #expect(close(try number(asymmetry(first, "knee-flexion-strength"), "value"), 16.666667))
        #expect(asymmetry(first, "knee-flexion-strength")?[attribute: "grade"] == "moderate")
        // Biering-Sorensen 96 s against Mbada's men 21-62, 119 (49.8): z = (96 - 119) / 49.8 =
        // -0.461847, normal; it is Mbada that grades. Below the 176 s cut-off, which predicts a
        // first episode in men without back pain: shown as information, no grade (one
        // judgement per result).
        #expect(close(try number(norm(result(first, "trunk-extensor-endurance"), "meanSD"), "z"), -0.461847))
        #expect(norm(result(first, "trunk-extensor-endurance"), "meanSD")?[attribute: "grade"] == "normal")
        #expect(norm(result(first, "trunk-extensor-endurance"), "cutoff")?[attribute: "grade"] == nil)
        #expect(norm(result(first, "trunk-extensor-endurance"), "cutoff")?[attribute: "information"] == "true")
        // Not graded, so no finding of it.
        let hq = first.children(named: "finding").first { $0[attribute: "index"] == "hamstring-quadriceps" }
        #expect(hq == nil)
        // The knee flexion asymmetry blames the left hamstrings, and the library has no
        // hamstring strengthening exercise (the reference names none): listed as unanswered;
        // the side bridge right/left 61 / 52 = 1.17 > 1.05 (the left held for less) gets its
        // left side. No extensor finding, so no bird dog.
        let plan = try #require(first.child(named: "plan"))
        #expect(plan.children(named: "unanswered").map(\.text) == ["left hamstrings weak: 16.7% asymmetry"])
        #expect(plan.children(named: "exercise").map { $0[attribute: "id"] ?? "" } == ["side-bridge-weak-side"])
        #expect(plan.children(named: "exercise").last?[attribute: "side"] == "left")
        // pelvis: SLR left 52 (z -1.34) and right 55 (z -0.90) normal 0, 0; knee extension
        // asymmetry 2.74% normal, knee flexion 16.67% moderate 66.7; H:Q not graded:
        // 66.7 / 4 = 16.675.
        // spine: flexor (z -0.87), extensor (z -0.46), side bridges left (z -0.78) and right
        // (z -0.46), all normal; ratios flexion/extension 80/96 normal, right/left 61/52 =
        // 1.173077 mild, side bridge/extension normal twice: 33.3 / 8 = 4.1625;
        // overall (16.675 + 4.1625) / 2 = 10.41875 (hip has nothing graded and is left out).
        #expect(close(try number(region(first, "pelvis"), "value"), 16.675))
        #expect(close(try number(region(first, "spine"), "value"), 4.1625))
        #expect(region(first, "hip")?[attribute: "value"] == nil)
        #expect(close(try number(first, "overallIndex"), 10.41875))

        let latest = try session("RP-0003", "2026-11-05")
        // H:Q left 34 / 74 = 0.459459, not graded; SLR 58 deg vs 61 (6.7): z = -0.447761.
        #expect(close(try number(ratio(latest, "hamstring-quadriceps", "left"), "value"), 0.459459))
        #expect(close(try number(norm(result(latest, "straight-leg-raise", "left"), "meanSD"), "z"), -0.447761))
        // pelvis: four graded, all normal: 0; spine: extensor 148 s (z 0.58) normal, right/left
        // 63/60 = 1.05 (at the limit: normal), all eight normal: 0; overall 0.
        #expect(close(try number(latest, "overallIndex"), 0))
        // Knee strength has no norm: no reference, never a borrowed one.
        #expect(result(latest, "knee-extension-strength", "left")?.child(named: "noReference")?.text == "the protocol has no norm for this test")
        // Schober: the only norm is for men 20-30.
        #expect(result(latest, "modified-schober")?.child(named: "noReference")?.text == "no norm for a male aged 45")
    }

    @Test("RP-0003: progress counts only beyond the minimal detectable change")
    func progress() throws {
        let latest = try session("RP-0003", "2026-11-05")
        let progress = try #require(latest.child(named: "progress"))
        #expect(progress[attribute: "previousDate"] == "2026-09-15")
        // Extensor endurance 96 -> 148 s: +52 s > MDC 43.2 s: improved.
        let extensor = progress.children(named: "change").first { $0[attribute: "test"] == "trunk-extensor-endurance" }
        #expect(try number(extensor, "change") == 52)
        #expect(extensor?[attribute: "mdc"] == "43.2" && extensor?[attribute: "verdict"] == "improved")
        // Flexor 80 -> 92 s: the protocol has no MDC for it, so the change is not judged.
        let flexor = progress.children(named: "change").first { $0[attribute: "test"] == "trunk-flexor-endurance" }
        #expect(flexor?[attribute: "verdict"] == "no-mdc")
        func change(_ test: String, _ side: String) -> XMLElement? {
            progress.children(named: "change").first { $0[attribute: "test"] == test && $0[attribute: "side"] == side }
        }
        // Side bridge left 52 -> 60 s: +8 s, inside the 30.35 s derived from the typical error.
        #expect(change("side-bridge-endurance", "left")?[attribute: "mdc"] == "30.35")
        #expect(change("side-bridge-endurance", "left")?[attribute: "verdict"] == "within-mdc")
        // Every MDC with its source beside the verdict; this one derived (Juan-Recio's typical
        // error x 1.96 x sqrt(2)) in 24 women, and RP-0003 is a man: both said.
        #expect(change("side-bridge-endurance", "left")?[attribute: "source"] == "juan-recio-2022")
        #expect(change("side-bridge-endurance", "left")?[attribute: "mdcCaveat"] == "derived, not published as an MDC; from a sample of women, applied to a man")
        #expect(extensor?[attribute: "source"] == "sralab-sorensen" && extensor?[attribute: "mdcCaveat"] == nil)
        #expect(flexor?[attribute: "source"] == nil)
        // The reassessment window's source beside it (the first session's plan has one; the
        // latest, with nothing to treat, has no window).
        #expect(try session("RP-0003", "2026-09-15").child(named: "plan")?[attribute: "reassessSource"] == "nasm-continuum")
        #expect(latest.child(named: "plan")?[attribute: "reassessBy"] == nil && latest.child(named: "plan")?[attribute: "reassessSource"] == nil)
        // SLR left 52 -> 58 deg in a man: +6 deg, inside the men's 8 deg.
        #expect(change("straight-leg-raise", "left")?[attribute: "mdc"] == "8")
        #expect(change("straight-leg-raise", "left")?[attribute: "verdict"] == "within-mdc")
        // Knee flexion left 30 -> 34 lbf: ratio 34 / 30 = 1.133, inside van der Ploeg's 0.82-1.23.
        let knee = change("knee-flexion-strength", "left")
        #expect(knee?[attribute: "mdcRatioBelow"] == "0.82" && knee?[attribute: "mdcRatioAbove"] == "1.23")
        #expect(knee?[attribute: "verdict"] == "within-mdc")
        // The asymmetry's change: knee flexion (36 - 30) / 36 = 16.666667% -> (37 - 34) / 37 =
        // 8.108108%: -8.558559 points, the left weaker both times.
        let asym = progress.children(named: "asymmetryChange").first { $0[attribute: "test"] == "knee-flexion-strength" }
        #expect(close(try number(asym, "previous"), 16.666667))
        #expect(close(try number(asym, "latest"), 8.108108))
        #expect(close(try number(asym, "change"), -8.558559))
        #expect(asym?[attribute: "previousSide"] == "left" && asym?[attribute: "latestSide"] == "left")
        #expect(try session("RP-0003", "2026-09-15").child(named: "progress") == nil)
    }
}
