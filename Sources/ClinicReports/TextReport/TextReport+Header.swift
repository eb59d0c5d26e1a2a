import FastText
import MuscleBalanceCore

extension TextReport {
    /// The page's head: the clinic, the patient, the session, the protocol, the conditions and the sessions on file.
    func header(_ patient: PatientScore, _ s: SessionScore, _ page: inout PageText) {
        page.add("MUSCLE BALANCE REPORT")
        let clinicName = clinic ?? ""
        let space = Self.width - 21 - textColumns(clinicName)
        if space >= 1 {
            page.spaces(space)
            page.add(clinicName)
        } else {
            page.add(" ")
            page.add(String(clinicName.unicodeScalars.prefix(max(0, Self.width - 21 - 1))))
        }
        page.endLine()
        page.line(Self.rule)
        var who = ["Patient \(patient.patientID)", "Sex \(patient.sex?.rawValue ?? "not recorded")",
                   "Age \(s.age.map(String.init) ?? "not recorded")",
                   "Body mass \(patient.bodyMassKg.map { decimal($0) + " kg" } ?? "not recorded")"]
        who.append("Height \(patient.heightCm.map { decimal($0) + " cm" } ?? "not recorded")")
        page.fields(who)
        var when = ["Session \(s.date)"]
        if let assessor = s.assessor { when.append("Assessor \(assessor)") }
        when.append("Blood pressure \(s.bloodPressure.map { "\($0) mmHg" } ?? "not recorded")")
        page.fields(when)
        page.wrap(tables.protocolLine)
        if let input {
            page.wrap { p in
                p.put("Scored from ")
                p.put(input)
            }
        }
        // The conditions in force on this day (what the plan and the adjuncts were screened
        // against), and whether the patient was screened at all: "none recorded" never
        // stands for "screened, none".
        page.wrap { p in
            p.put("Conditions: ")
            if s.conditions.isEmpty { p.put(s.screened ? "none (screened)" : "none recorded; NOT SCREENED") }
            for (n, code) in s.conditions.enumerated() {
                if n > 0 { p.put(", ") }
                p.put(tables.index.conditionLabels[code] ?? code)
            }
            if !s.conditions.isEmpty && !s.screened { p.put("; NOT SCREENED for the others") }
        }
        if patient.sessions.count > 1 {
            page.wrap { p in
                p.put("Sessions on file: ")
                for (n, session) in patient.sessions.enumerated() {
                    if n > 0 { p.put(", ") }
                    session.date.appendISO8601(to: &p)
                }
            }
        }
    }
}
