#!/usr/bin/env python3
"""Writes the rule fixtures: a small valid base file, and one copy per rule with a single defect.
Each defect is preceded by a line `<!-- expect SEVERITY: TEXT -->`: the test reads it and checks
that mbt reports TEXT on the next line. Run it only to change the fixtures on purpose."""
import os
HERE = os.path.dirname(os.path.abspath(__file__))

PROTOCOL = open(os.path.join(HERE, "protocols", "valid-fixture.xml")).read()
MEASURE = open(os.path.join(HERE, "measurements", "valid-clinic.xml")).read()

def write(folder, name, base, old, new):
    assert base.count(old) == 1, (name, old)
    with open(os.path.join(HERE, folder, name + ".xml"), "w") as f:
        f.write(base.replace(old, new))

def expect(severity, text, line):
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}<!-- expect {severity}: {text} -->\n{line}"

def line(old, new, severity, text):
    """Replace the whole line `old` with `new`, marked as the line the problem is on."""
    return (old, expect(severity, text, new))

SD30 = '        <meanSD sex="female" ageMin="30" ageMax="39" unit="%BW" mean="16" sd="3" source="s1"/>\n'
SD20 = '        <meanSD sex="female" ageMin="20" ageMax="29" unit="%BW" mean="16.85" sd="3" source="s1"/>\n'
TEST2 = '    <test id="trunk-extensor-endurance" muscleGroup="lumbar-extensors" quality="endurance" quantity="time" unit="s" sides="midline" combine="max" direction="higher-is-better">\n'
RATIO = '    <ratio id="abd-ext" region="hip" numerator="hip-abduction-strength" numeratorSide="each" denominator="trunk-extensor-endurance">\n'
CUT = '        <cutoffs sex="male" ageMin="18" unit="s" source="s2">\n'
MOD = '        <threshold grade="moderate" atLeast="15" source="s2"/>\n'
MG2 = '    <muscleGroup id="lumbar-extensors" name="lumbar extensors" region="spine">Lumbar extensors</muscleGroup>\n'
S2SRC = '    <source id="s2" kind="abstract">Source two.</source>\n'
PLAUS2 = '      <plausibleRange min="0" max="240" basis="stopped at 240 s" source="s2"/>\n'
DOSE1 = '      <dosage repsMin="10" source="s2"/>\n'
ASYM_END = '  </asymmetry>\n'
ACC = '      <acceptable min="0.5" max="2" outsideGrade="mild" source="s1"/>\n'

P = [
    ("duplicate-muscle-group-id", MG2, MG2 + expect("error", "duplicate muscle group id 'hip-abductors' (first defined on line 13)", MG2.replace('id="lumbar-extensors"', 'id="hip-abductors"'))),
    ("duplicate-source-id", S2SRC, S2SRC + expect("error", "duplicate source id 's1' (first defined on line 6)", '    <source id="s1" kind="cited">Source three.</source>\n')),
    ("unknown-muscle-group", *line(TEST2, TEST2.replace('"lumbar-extensors"', '"lumbar-extensor"'), "error", "names muscle group 'lumbar-extensor', which is not defined")),
    ("ratio-unknown-test", *line(RATIO, RATIO.replace('numerator="hip-abduction-strength"', 'numerator="hip-abduction"'), "error", "names numerator test 'hip-abduction'")),
    ("exercise-unknown-muscle-group", *line('    <exercise id="side-lying-hip-abduction" muscleGroup="hip-abductors" problem="weak" sideRule="affected-side" source="s1">\n', '    <exercise id="side-lying-hip-abduction" muscleGroup="gluteus-medius" problem="weak" sideRule="affected-side" source="s1">\n', "error", "exercise 'side-lying-hip-abduction' names muscle group 'gluteus-medius'")),
    ("source-without-citation", *line('    <source id="s2" kind="abstract">Source two.</source>\n', '    <source id="s2" kind="abstract">  </source>\n', "error", "source 's2' has no citation")),
    ("ratio-range-negative", *line('      <acceptable min="0.5" max="2" outsideGrade="mild" source="s1"/>\n', '      <acceptable min="-0.5" max="2" outsideGrade="mild" source="s1"/>\n', "error", "min=\"-0.5\" cannot be, as a ratio of two readings is never negative")),
    ("dosage-absurd", *line('      <dosage repsMin="10" source="s2"/>\n', '      <dosage repsMin="100000" source="s2"/>\n', "error", "repsMin 100000 is beyond a thousand repetitions (1000)")),
    ("unknown-condition", *line('      <contraindication condition="hypertension" source="s2"/>\n', '      <contraindication condition="glaucoma" source="s2"/>\n', "error", "names condition 'glaucoma', which is not in <conditions>")),
    ("condition-unknown-category", *line('    <condition code="hypertension">Hypertension</condition>\n', '    <condition code="hypertension" within="heart-disease">Hypertension</condition>\n', "error", "condition 'hypertension' lies within 'heart-disease', which is not in <conditions>")),
    ("condition-category-cycle", '    <condition code="hypertension">Hypertension</condition>\n', expect("error", "condition categories form a cycle: hypertension within circulatory within hypertension", '    <condition code="hypertension" within="circulatory">Hypertension</condition>\n') + '    <condition code="circulatory" within="hypertension">Circulatory disease</condition>\n'),
    ("norm-grade-without-source", ASYM_END, ASYM_END + '  <normGrades>\n' + expect("error", "the mild norm grade threshold (below P5) has no source", '    <threshold grade="mild" percentileBelow="5"/>\n') + '  </normGrades>\n'),
    ("norm-grades-out-of-order", ASYM_END, ASYM_END + '  <normGrades>\n    <threshold grade="mild" percentileBelow="5" source="s1"/>\n' + expect("error", "norm grade thresholds out of order: moderate below P10 follows mild below P5", '    <threshold grade="moderate" percentileBelow="10" source="s1"/>\n') + '  </normGrades>\n'),
    ("norm-grade-above-median", ASYM_END, ASYM_END + '  <normGrades>\n' + expect("error", "norm grade threshold mild: percentileBelow=\"60\" must be above 0 and at most 50", '    <threshold grade="mild" percentileBelow="60" source="s1"/>\n') + '  </normGrades>\n'),
    ("mdc-value-and-ratio", PLAUS2, PLAUS2 + expect("error", "minimal detectable change of 'trunk-extensor-endurance' gives more than one of value, percent and a ratio band; keep one", '      <mdc value="43.2" ratioBelow="0.8" ratioAbove="1.2" source="s2"/>\n')),
    ("mdc-percent-range", PLAUS2, PLAUS2 + expect("error", "minimal detectable change of 'trunk-extensor-endurance': percent=\"100\" must lie between 0 and 100", '      <mdc percent="100" measure="variation" source="s2"/>\n')),
    ("mdc-ratio-band-backwards", PLAUS2, PLAUS2 + expect("error", "minimal detectable change of 'trunk-extensor-endurance': the ratio band 1.2-0.8 must run from below 1 to above 1", '      <mdc ratioBelow="1.2" ratioAbove="0.8" source="s2"/>\n')),
    ("mdc-without-figure", PLAUS2, PLAUS2 + expect("error", "minimal detectable change of 'trunk-extensor-endurance' needs value=", '      <mdc ratioBelow="0.8" source="s2"/>\n')),
    ("dosage-for-age-without-source", DOSE1, '      <dosage repsMin="10" source="s2">\n' + expect("error", "the dosage from age 65 of exercise 'side-lying-hip-abduction' has no source", '        <forAge ageMin="65" repsMin="8"/>\n') + '      </dosage>\n'),
    ("test-name-cut-in-report", *line('      <name>Extensor endurance</name>\n', '      <name>Trunk extensor endurance (Biering-Sorensen)</name>\n', "warning", "the name of 'trunk-extensor-endurance' (43 characters) is cut to 24 in the text report's tables")),
    ("norm-without-side-beside-sided", SD30, expect("error", "norm female 30-39 of 'hip-abduction-strength' has no side, but line 25 gives a left norm for the same ages (meanSD): a reading would get two z-scores", SD30) + SD30.replace('ageMax="39"', 'ageMax="39" side="left"')),
    ("asymmetry-threshold-not-positive", *line('        <threshold grade="mild" atLeast="10" source="s1"/>\n', '        <threshold grade="mild" atLeast="-5" source="s1"/>\n', "error", "asymmetry (strength) threshold mild at -5 must be greater than 0")),
    ("norm-mean-outside-plausible-range", CUT, expect("error", "the mean of 'trunk-extensor-endurance' (female 18+) is -144 s, outside the test's plausible range 0-240 s", '        <meanSD sex="female" ageMin="18" unit="s" mean="-144" sd="30" source="s2"/>\n') + CUT),
    ("norm-share-of-body-weight-not-positive", *line(SD20, SD20.replace('mean="16.85"', 'mean="-16.85"'), "error", "is -16.85 %BW; a share of body weight must be greater than 0")),
    ("dose-minutes-beyond-a-day", *line('      <dose/>\n', '      <dose maxMinutesPerDay="100000" source="s2"/>\n', "error", "dose of 'inversion-table': maxMinutesPerDay 100000 must be above 0 and at most 1440 (a day)")),
    ("dose-minutes-zero", *line('      <dose/>\n', '      <dose maxMinutesPerSession="0" source="s2"/>\n', "error", "dose of 'inversion-table': maxMinutesPerSession 0 must be above 0")),
    ("reassessment-beyond-ten-years", *line('    <reassessment weeksMin="4" weeksMax="6" source="s1"/>\n', '    <reassessment weeksMin="4" weeksMax="999999998" source="s1"/>\n', "error", "reassessment interval of 999999998 weeks is more than ten years")),
    ("unknown-source", *line(SD30, SD30.replace('source="s1"', 'source="s3"'), "error", "source 's3' is not defined in <sources>")),
    ("norm-without-source", *line(SD30, SD30.replace(' source="s1"', ''), "error", "the norm for 'hip-abduction-strength' (female 30-39) has no source")),
    ("cutoff-without-source", *line(CUT, CUT.replace(' source="s2"', ''), "error", "the cut-off for 'trunk-extensor-endurance' (male 18+) has no source")),
    ("ratio-range-without-source", *line(ACC, ACC.replace(' source="s1"', ''), "error", "the acceptable range of ratio 'abd-ext' has no source")),
    ("threshold-without-source", *line(MOD, MOD.replace(' source="s2"', ''), "error", "the moderate asymmetry threshold for strength has no source")),
    ("dosage-without-source", *line('      <dosage repsMin="10" source="s2"/>\n', '      <dosage repsMin="10"/>\n', "error", "the dosage of exercise 'side-lying-hip-abduction' has no source")),
    ("age-band-overlap", *line(SD30, SD30.replace('ageMin="30"', 'ageMin="29"'), "error", "age band female 29-39 of 'hip-abduction-strength' overlaps female 20-29")),
    ("age-band-gap", *line(SD30, SD30.replace('ageMin="30"', 'ageMin="35"'), "error", "leaves a gap after female 20-29 on line 22: ages 30-34 have no meanSD norm")),
    ("age-band-overlap-pooled", SD20, SD20 + expect("error", "age band both sexes 25-29 of 'hip-abduction-strength' overlaps female 20-29", SD20.replace('sex="female" ageMin="20"', 'sex="any" ageMin="25"'))),
    ("age-band-backwards", *line(SD30, SD30.replace('ageMax="39"', 'ageMax="29"'), "error", "ageMax 29 is below ageMin 30")),
    ("sd-zero", *line(SD30, SD30.replace('sd="3"', 'sd="0"'), "error", "SD of 'hip-abduction-strength' (female 30-39) is 0; it must be greater than 0")),
    ("ci-without-mean", *line(SD30, SD30.replace('sd="3"', 'ci95Lower="16.5" ci95Upper="17.5" n="40"'), "error", "does not contain its mean 16")),
    ("mean-without-spread", *line(SD30, SD30.replace(' sd="3"', ''), "error", "has a mean but no spread")),
    ("thresholds-out-of-order", *line(MOD, MOD.replace('atLeast="15"', 'atLeast="8"'), "error", "thresholds out of order: moderate at 8 is not above mild at 10")),
    ("cutoffs-out-of-order", *line('          <class label="no prediction" grade="normal" atMost="198"/>\n', '          <class label="no prediction" grade="normal" atMost="150"/>\n', "error", "cut-offs out of order: 150 does not come after 176")),
    ("cutoff-last-bounded", *line('          <class label="low risk" grade="normal"/>\n', '          <class label="low risk" grade="normal" below="240"/>\n', "error", "the last class 'low risk' must be open-ended")),
    ("ratio-side-on-midline", *line(RATIO, RATIO.replace('denominator="trunk-extensor-endurance"', 'denominator="trunk-extensor-endurance" denominatorSide="left"'), "error", "is a midline test; remove denominatorSide")),
    ("ratio-bilateral-without-side", *line(RATIO, RATIO.replace(' numeratorSide="each"', ''), "error", "is bilateral; say which side with numeratorSide")),
    ("ratio-range-backwards", *line(ACC, ACC.replace('min="0.5" max="2"', 'min="2" max="0.5"'), "error", "acceptable range of 'abd-ext' runs backwards")),
    ("norm-unit-dimension", *line(SD30, SD30.replace('unit="%BW"', 'unit="s"'), "error", "is in s, a unit of time, but the test measures force")),
    ("norm-side-on-midline", *line(CUT, CUT.replace('ageMin="18"', 'ageMin="18" side="left"'), "error", "names a side, but 'trunk-extensor-endurance' is a midline test")),
    ("blood-pressure-backwards", *line('      <bloodPressureLimit systolic="140" diastolic="90" source="s2"/>\n', '      <bloodPressureLimit systolic="90" diastolic="140" source="s2"/>\n', "error", "systolic 90 must be above diastolic 140")),
    ("region-weighted-twice", *line('    <regionWeight region="pelvis" weight="1"/>\n', '    <regionWeight region="hip" weight="1"/>\n', "error", "region 'hip' is weighted twice")),
    ("reassessment-backwards", *line('    <reassessment weeksMin="4" weeksMax="6" source="s1"/>\n', '    <reassessment weeksMin="8" weeksMax="6" source="s1"/>\n', "error", "reassessment interval runs backwards")),
    ("test-unit-quantity", *line(TEST2, TEST2.replace('unit="s"', 'unit="N"'), "error", "measures time, whose unit is s, not N")),
]

# Schema-level defects: xmllint rejects these too.
PS = [
    ("schema-missing-version", *line('<protocol xmlns="urn:musclebalance:protocol:1" id="fixture" version="1">\n', '<protocol xmlns="urn:musclebalance:protocol:1" id="fixture">\n', "error", "<protocol> has no version=\"...\", which it needs")),
    ("schema-bad-direction", *line(TEST2, TEST2.replace('higher-is-better', 'upwards'), "error", "direction=\"upwards\" on <test> is not one of higher-is-better, lower-is-better, target-band")),
    ("schema-unknown-element", '      <dose/>\n', '      <dose/>\n' + expect("error", "<dosis> is not expected here; expected <caution>", '      <dosis/>\n')),
]

P1 = '  <patient id="RP-0001" sex="female" birthDate="1998-03-12" bodyMassKg="64.5" heightCm="168">\n'
S1 = '    <session date="2026-11-02" assessor="A. Tester" bloodPressure="128/84">\n'
P2 = '  <patient id="RP-0002" sex="male" birthDate="1981-07-30">\n'
S2 = '    <session date="2026-10-01">\n'
EXT = '      <measure test="trunk-extensor-endurance" unit="s" value="120"/>\n'
SR = '      <measure test="sit-and-reach" unit="cm" value="30"/>\n'
HR = '      <measure test="hip-abduction-strength" side="right" unit="N">\n'
HL = '      <measure test="hip-abduction-strength" side="left" unit="N">\n'

M = [
    ("unknown-test", *line(EXT, EXT.replace('endurance"', 'endurence"'), "error", "unknown test 'trunk-extensor-endurence' for protocol 'lumbopelvic-balance'; did you mean 'trunk-extensor-endurance'?")),
    ("unknown-condition", *line('    <condition code="hypertension"/>\n', '    <condition code="hypertensoin"/>\n', "error", "unknown condition 'hypertensoin' for protocol 'lumbopelvic-balance'; did you mean 'hypertension'?")),
    ("side-on-midline", *line(EXT, EXT.replace('unit="s"', 'side="left" unit="s"'), "error", "'trunk-extensor-endurance' is a midline test; remove side=\"left\"")),
    ("missing-side", *line(HR, HR.replace(' side="right"', ''), "error", "'hip-abduction-strength' is done on each side; add side=\"left\" or side=\"right\"")),
    ("wrong-unit-dimension", *line(EXT, EXT.replace('unit="s"', 'unit="cm"'), "error", "unit 'cm' measures length, but 'trunk-extensor-endurance' measures time (in s)")),
    ("out-of-plausible-range", *line(EXT, EXT.replace('"120"', '"300"'), "error", "300 s is outside the plausible range of 'trunk-extensor-endurance', 0-240 s")),
    ("same-date-session", SR + '    </session>\n', SR + '    </session>\n' + expect("error", "patient 'RP-0001' has a second session on 2026-11-02 (first on line 5); put all measures of one day in one session", '    <session date="2026-11-02" assessor="A. Tester">\n') + '      <measure test="sit-and-reach" unit="cm" value="31"/>\n    </session>\n'),
    ("units-differ-between-sides", HR + '        <trial>120</trial>\n', expect("warning", "'hip-abduction-strength' is in N on the left and kgf on the right in the session of 2026-11-02; check the unit", HR.replace('unit="N"', 'unit="kgf"')) + '        <trial>12</trial>\n'),
    ("sides-apart-by-a-unit-factor", HR + '        <trial>120</trial>\n', expect("warning", "'hip-abduction-strength': the right side is 4.45 times the other, close to the lbf/N factor 4.45 in the session of 2026-11-02; check the unit", HR) + '        <trial>527</trial>\n'),
    ("out-of-range-converted", HR + '        <trial>120</trial>\n', expect("error", "200 kgf (1961.33 N) is outside the plausible range of 'hip-abduction-strength', 0-700 N", HR.replace('unit="N"', 'unit="kgf"')) + '        <trial>200</trial>\n'),
    ("duplicate-measure", SR, SR + expect("error", "sit-and-reach is measured twice in the session of 2026-11-02 (first on line 14)", SR.replace('unit="cm" value="30"', 'unit="in" value="12"'))),
    ("duplicate-patient", *line(P2, P2.replace('RP-0002', 'RP-0001'), "error", "duplicate patient id 'RP-0001' (first on line 4)")),
    ("session-before-birth", *line(S2, S2.replace('2026-10-01', '1980-01-01'), "error", "session on 1980-01-01 is before the patient's birth date 1981-07-30")),
    ("session-in-future", *line(S2, S2.replace('2026-10-01', '2099-10-01'), "error", "session date 2099-10-01 is in the future")),
    ("age-without-norm", P1 + S1, P1.replace('1998-03-12', '2008-03-12') + expect("warning", "no norm for a female aged 18 for hip-abduction-strength (left), hip-abduction-strength (right)", S1)),
    ("value-and-trials", *line(HL, HL.replace('unit="N"', 'unit="N" value="110"'), "error", "has both a value attribute and <trial> elements; keep one")),
    ("no-reading", *line(EXT, EXT.replace(' value="120"', ''), "error", "measure of 'trunk-extensor-endurance' has no reading")),
    ("unknown-protocol", *line('<measurements xmlns="urn:musclebalance:measurements:1" protocol="lumbopelvic-balance" clinic="Fixture clinic">\n', '<measurements xmlns="urn:musclebalance:measurements:1" protocol="lumbopelvic-imbalance" clinic="Fixture clinic">\n', "error", "protocol 'lumbopelvic-imbalance' was not found")),
    ("missing-body-mass", P1 + S1, expect("warning", "patient 'RP-0001' has no bodyMassKg, which the norms of hip-adduction-strength need", P1.replace(' bodyMassKg="64.5"', '')) + S1 + '      <measure test="hip-adduction-strength" side="left" unit="N" value="110"/>\n'),
    ("blood-pressure-backwards", *line(S1, S1.replace('128/84', '80/120'), "error", "blood pressure 80/120 has the diastolic at or above the systolic")),
    ("body-mass-implausible", *line(P1, P1.replace('64.5', '88000'), "error", "body mass 88000 kg is outside the plausible 25-400 kg")),
    ("height-implausible", *line(P1, P1.replace('heightCm="168"', 'heightCm="16"'), "error", "height 16 cm is outside the plausible 100-250 cm")),
    ("age-outside-population", *line(P2, P2.replace('1981-07-30', '1917-07-30'), "warning", "patient 'RP-0002' is 109 at the session of")),
    ("same-person-one-character", *line(P2, P2.replace('sex="male" birthDate="1981-07-30"', 'sex="female" birthDate="1998-03-12"').replace('RP-0002', 'RP-0007'), "warning", "patient 'RP-0007' has the sex and birth date of 'RP-0001', whose id differs by one character")),
    ("blood-pressure-implausible", *line(S1, S1.replace('128/84', '999/99'), "error", "blood pressure 999/99 mmHg is outside the plausible 60-300 / 30-200")),
    ("screened-after-session", *line(S1, S1.replace('128/84"', '128/84" screened="2026-11-03"'), "warning", "the screen on 2026-11-03 is after the session of 2026-11-02, so it does not count for it")),
    ("condition-resolved-before-onset", *line('    <condition code="hypertension"/>\n', '    <condition code="hypertension" onset="2026-05-01" resolved="2026-04-01"/>\n', "error", "condition 'hypertension' resolved on 2026-04-01, before its onset on 2026-05-01")),
    ("condition-none-beside-others", '    <condition code="hypertension"/>\n', '    <condition code="hypertension"/>\n' + expect("error", "'none' (screened, nothing found) is listed beside conditions of patient 'RP-0002'", '    <condition code="none"/>\n')),
    ("patient-id-control-character", *line(P2, P2.replace('RP-0002', 'RP&#13;FAKE-ID'), "error", "holds a control character (<U+000D>); an id must be plain printable text")),
    ("patient-id-bidi-override", *line(P2, P2.replace('RP-0002', 'RP-&#x202E;2000'), "error", "holds a control character (<U+202E>); an id must be plain printable text")),
]

PS2 = [
    ("schema-count-too-large", *line('  <plan maxExercises="8" rationale="fixture">\n', '  <plan maxExercises="99999999999999999999" rationale="fixture">\n', "error", "maxExercises=\"99999999999999999999\" on <plan> is too large a number for it")),
    ("schema-reps-too-large", *line(DOSE1, DOSE1.replace('repsMin="10"', 'repsMin="3000000000"'), "error", "repsMin=\"3000000000\" on <dosage> is too large a number for it")),
]

MS = [
    ("schema-decimal-comma", *line('        <trial>118.5</trial>\n', '        <trial>12,5</trial>\n', "error", "<trial> '12,5' is not a number written with a decimal point, e.g. 12.5; did you mean <trial>12.5</trial>?")),
    ("schema-nan", *line(EXT, EXT.replace('"120"', '"NaN"'), "error", "value=\"NaN\" on <measure> is not a number written with a decimal point")),
    ("schema-exponent", *line(EXT, EXT.replace('"120"', '"1e400"'), "error", "value=\"1e400\" on <measure> is not a number written with a decimal point")),
    ("schema-impossible-date", *line(S2, S2.replace('2026-10-01', '2026-02-30'), "error", "date=\"2026-02-30\" on <session> is not a day of the calendar; check the day and the month")),
    ("schema-unknown-sex", *line(P2, P2.replace('sex="male"', 'sex="unknown"'), "error", "sex=\"unknown\" on <patient> is not one of female, male")),
    ("schema-unknown-unit", *line(EXT, EXT.replace('unit="s"', 'unit="min"'), "error", "unit=\"min\" on <measure> is not one of N, kgf, lbf, deg, cm, mm, in, s")),
    ("schema-empty-value", *line(EXT, EXT.replace('"120"', '""'), "error", "value=\"\" on <measure> is not a number written with a decimal point")),
    ("schema-no-session", P2 + '    <condition code="hypertension"/>\n' + S2 + EXT + '    </session>\n', expect("error", "<patient> ends before a child it needs: add <session>", P2) + '    <condition code="hypertension"/>\n'),
]

for name, old, new in P + PS + PS2:
    write("protocols", name, PROTOCOL, old, new)
for name, old, new in M + MS:
    write("measurements", name, MEASURE, old, new)
