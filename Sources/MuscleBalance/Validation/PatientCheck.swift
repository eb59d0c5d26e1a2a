import ClinicFiles
import MuscleBalanceCore

extension MeasurementStream.Item {
    /// The one check of a streamed patient, shared by `validate`, `score` and `report`: its
    /// schema problems, then the rules when the schema passed. A patient with schema errors
    /// only has its id recorded: the rules on half-understood data would repeat the schema's
    /// errors, but its id still counts, so a later duplicate is found.
    func problems(file: String, rules: inout MeasurementRules) -> [Diagnostic] {
        var problems = schemaProblems.map { $0.asDiagnostic(file: file) } + cellProblems
        // A spreadsheet's bad cell is left out of the patient: the rules would judge the rest.
        if hasSchemaErrors || cellProblems.contains(where: { $0.severity == .error }) {
            rules.record(patientID: patient.id, line: patient.location.line)
        } else {
            // Mutates in place: the ids seen so far are never copied.
            problems += rules.check(patient)
        }
        return problems
    }
}
