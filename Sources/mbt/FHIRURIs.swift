import ArgumentParser
import FastText
import MuscleBalance

/// The FHIR options' one check, for `score --fhir`, `report --format fhir` and `history export
/// --format fhir`: each given value an absolute URI, or the command is refused before anything
/// is written, with the value shown escaped.
func checkFHIRURIs(_ options: [(flag: String, value: String?)]) throws {
    for (flag, value) in options {
        if let value, !BatchScorer.isAbsoluteURI(value) {
            throw ValidationError("\(flag) takes an absolute URI (e.g. https://clinic.example/patients), not '\(VisibleText.escaped(value))'")
        }
    }
}
