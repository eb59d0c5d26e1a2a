import BatchEngine
import ClinicFiles
import MBXML
import MuscleBalanceCore
import Spreadsheets

/// `mbt import`: a spreadsheet checked like any clinic file (its cells, the schema, the rules,
/// every problem at its cell), then, if it has no error, written as the measurement format,
/// indented as a person would write it. A sheet with an error writes nothing: an XML file
/// that silently lacks the readings of a bad cell would be worse than none.
public struct SheetConverter: Sendable {
    public let library: ProtocolLibrary
    public let protocolOverride: String?
    public let today: CivilDate
    public let options: SheetImportOptions

    public init(library: ProtocolLibrary, protocolOverride: String?, today: CivilDate, options: SheetImportOptions) {
        self.library = library
        self.protocolOverride = protocolOverride
        self.today = today
        self.options = options
    }

    public struct Outcome: Sendable {
        public var errors = 0
        public var warnings = 0
        public var patients = 0
        public var unreadable = false
        public var written = false
        /// Why nothing was written, when it was not.
        public var failure: String?
    }

    /// Checks `path` and writes its XML to `output` (a file, replaced whole, or nil for
    /// `write`); problems go to `sink` a patient at a time.
    public func convert(
        path: String, output: String?, write: ([UInt8]) -> Bool, sink: ([Diagnostic]) -> Void
    ) -> Outcome {
        var outcome = Outcome()
        let validator = FileValidator(library: library, protocolOverride: protocolOverride, today: today, sheetOptions: options)
        let checked = validator.validate(path: path, sink: sink)
        outcome.errors = checked.errorCount
        outcome.warnings = checked.warningCount
        outcome.patients = checked.patients
        outcome.unreadable = checked.unreadable
        guard !checked.hasErrors else {
            outcome.failure = "\(checked.errorCount) error\(checked.errorCount == 1 ? "" : "s"); nothing written"
            return outcome
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        do throws(XMLReadError) {
            let sheet: SpreadsheetImport
            do {
                sheet = try SpreadsheetImport.open(path: path, options: options)
            } catch {
                outcome.failure = error.message
                return outcome
            }
            sheet.pretty = true
            var file: AtomicOutputFile?
            if let output {
                let slash = output.lastIndex(of: "/")
                let directory = slash.map { String(output[..<$0]) } ?? "."
                let name = slash.map { String(output[output.index(after: $0)...]) } ?? output
                do {
                    file = try AtomicOutputFile(directory: directory.isEmpty ? "/" : directory, name: name)
                } catch {
                    outcome.failure = error.description
                    return outcome
                }
            }
            while true {
                let n = try chunk.withUnsafeMutableBytes { raw in Result { () throws(XMLReadError) in try sheet.produce(into: raw) } }.get()
                if n == 0 { break }
                if let file {
                    do { try file.write(Array(chunk[0..<n])) } catch {
                        outcome.failure = error.description
                        return outcome
                    }
                } else if !write(Array(chunk[0..<n])) {
                    outcome.failure = "cannot write to standard output"
                    return outcome
                }
            }
            if let file {
                do { try file.commit() } catch {
                    outcome.failure = error.description
                    return outcome
                }
            }
            outcome.written = true
        } catch {
            outcome.failure = error.diagnostics.first?.message ?? "the sheet changed while it was read"
        }
        return outcome
    }
}
