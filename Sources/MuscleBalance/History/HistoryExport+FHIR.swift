import BatchEngine
import ClinicFiles
import FastText
import History
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#endif

extension HistoryExport {
    /// `mbt history export --format fhir`: the store's current sessions as FHIR R4 Bundles, one
    /// per line, made the way `mbt score --fhir` makes them: each clinic's sessions given back
    /// as a measurement file (`--format measurements`, which scores to the same reports as the
    /// files they came from) in a private folder, scored there with the FHIR format, and the
    /// Bundles passed on; the folder is removed. Returns the sessions exported.
    @discardableResult
    public static func writeFHIR(
        _ store: HistoryStore, selection: Selection, library: ProtocolLibrary, patientSystem: String, codeSystem: String?, today: CivilDate,
        _ write: (String) throws -> Void
    ) throws -> Int {
        var clinics = try store.clinicsAndPatients()
        if let clinic = selection.clinic { clinics = clinics.filter { $0.clinic == clinic } }
        if let id = selection.patientID { clinics = clinics.filter { $0.patients.contains(id) } }
        guard !clinics.isEmpty else { throw HistoryError("no current session matches: nothing to export", unusable: false) }
        var written = 0
        for (clinic, _) in clinics {
            // A private folder named for this run, as standard input's copy and the PDF's page
            // are: a run killed before removing it has it removed by the next.
            guard let folder = DeadRunScratch.makeFolder(prefix: "mbt-export-") else {
                throw HistoryError("cannot make a scratch folder in '\(DeadRunScratch.temporaryFolder)'", unusable: true)
            }
            defer { DeadRunScratch.removeTree(folder) }
            let input = folder + "/export.xml"
            guard let file = fopen(input, "w") else { throw HistoryError("cannot write a scratch file in \(folder)", unusable: true) }
            var wrote = true
            let count: Int
            do {
                count = try HistoryExport.write(store, format: .measurements, selection: Selection(clinic: clinic, patientID: selection.patientID, since: selection.since)) { piece in
                    var piece = piece
                    piece.withUTF8 { bytes in if fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count { wrote = false } }
                }
            } catch {
                fclose(file)
                throw error
            }
            guard fclose(file) == 0, wrote else { throw HistoryError("cannot write a scratch file in \(folder)", unusable: true) }
            let out = folder + "/out"
            guard mkdir(out, 0o700) == 0 else { throw HistoryError("cannot make a scratch folder in \(folder)", unusable: true) }
            var scorer = BatchScorer(library: library, outputDirectory: out, today: today, pipelined: false)
            scorer.fhirPatientSystem = patientSystem
            scorer.fhirCodeSystem = codeSystem
            let outcome = scorer.scoreFile(input, stem: "export")
            guard !outcome.failed else {
                throw HistoryError("the stored sessions of '\(clinic)' could not be scored again: " + outcome.diagnostics.prefix(3).map(\.message).joined(separator: "; "), unusable: false)
            }
            guard let bundles = fopen(out + "/export.fhir.ndjson", "r") else { throw HistoryError("no Bundles were written for '\(clinic)'", unusable: true) }
            defer { fclose(bundles) }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = fread(&buffer, 1, buffer.count, bundles)
                if n == 0 { break }
                try write(String(decoding: buffer[..<n], as: UTF8.self))
            }
            written += count
        }
        return written
    }
}
