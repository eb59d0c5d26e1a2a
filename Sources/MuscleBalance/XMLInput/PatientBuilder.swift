import MBXML
import MuscleBalanceCore

/// Turns one `<patient>` subtree of a clinic file into a `Patient`.
enum PatientBuilder {
    static func header(_ root: XMLElement) -> MeasurementFileHeader {
        MeasurementFileHeader(protocolID: root.string("protocol") ?? "", clinic: root.string("clinic"), location: root.location)
    }

    static func patient(_ e: XMLElement) -> Patient {
        Patient(
            id: e.string("id").map { String($0.trimmingXMLWhitespace()) } ?? "",
            sex: e.string("sex").flatMap { Sex(rawValue: String($0.trimmingXMLWhitespace())) },
            birthDate: e.string("birthDate").flatMap { CivilDate($0.trimmingXMLWhitespace()) },
            bodyMassKg: e.double("bodyMassKg"), heightCm: e.double("heightCm"),
            conditions: e.children(named: "condition").map {
                PatientCondition(code: String(($0.string("code") ?? "").trimmingXMLWhitespace()), location: $0.location)
            },
            sessions: e.children(named: "session").map(session), location: e.location)
    }

    private static func session(_ e: XMLElement) -> AssessmentSession {
        let dateText = String((e.string("date") ?? "").trimmingXMLWhitespace())
        return AssessmentSession(
            date: CivilDate(dateText), dateText: dateText, assessor: e.string("assessor"),
            bloodPressure: e.string("bloodPressure").flatMap { BloodPressure(String($0.trimmingXMLWhitespace())) },
            measures: e.children(named: "measure").map(measure), location: e.location)
    }

    private static func measure(_ e: XMLElement) -> Measure {
        let unitText = String((e.string("unit") ?? "").trimmingXMLWhitespace())
        return Measure(
            test: String((e.string("test") ?? "").trimmingXMLWhitespace()),
            side: e.string("side").flatMap { BodySide(rawValue: String($0.trimmingXMLWhitespace())) },
            unit: MeasurementUnit(rawValue: unitText), unitText: unitText, value: e.double("value"),
            trials: e.children(named: "trial").compactMap { parseDecimal($0.text) }, note: e.string("note"),
            location: e.location)
    }
}
