import BatchEngine
import ClinicFiles
import ClinicReports
import FHIRExport
import MBXML
import MuscleBalanceCore

/// `mbt report`: one patient's report from a clinic file, for standard output.
public struct PatientReportPrinter: Sendable {
    public struct Failure: Error, Sendable {
        public var message: String
        /// 1: the input is wrong (not found, invalid); 2: unreadable.
        public var status: Int32
    }

    public let library: ProtocolLibrary
    public let protocolOverride: String?
    public let today: CivilDate
    /// How spreadsheets are read; nil reads every file as XML.
    public var sheetOptions: SheetImportOptions?

    public init(library: ProtocolLibrary, protocolOverride: String?, today: CivilDate, sheetOptions: SheetImportOptions? = nil) {
        self.library = library
        self.protocolOverride = protocolOverride
        self.today = today
        self.sheetOptions = sheetOptions
    }

    /// What `report` makes of the patient.
    public enum Output: Sendable {
        /// The printable 80-column text report of one session.
        case text
        /// The XML report of the patient (every session).
        case xml
        /// A page the stylesheet makes of the XML report: the clinician's report, the
        /// patient's handout, or a clinic's own.
        case page(ReportStylesheet)
        /// The session's FHIR R4 transaction Bundle (one line of JSON), its identifiers under
        /// `patientSystem`, its codes under `codeSystem` (nil: the protocol's).
        case fhir(patientSystem: String, codeSystem: String?)
    }

    /// The report of `patientID` in `file`; `recordedAs` names the input in the report (by
    /// default its path relative to this folder).
    public func report(file: String, patientID: String, session: CivilDate?, xml: Bool, recordedAs: String? = nil) -> Result<String, Failure> {
        report(file: file, patientID: patientID, session: session, output: xml ? .xml : .text, recordedAs: recordedAs)
    }

    /// `warn` is given, one line each and positioned, every warning the patient's data raised
    /// and those of the file as a whole (a sheet's unread column): a report is never made
    /// with a warning unseen.
    public func report(
        file: String, patientID: String, session: CivilDate?, output: Output, recordedAs: String? = nil,
        warn: (String) -> Void = { _ in }
    ) -> Result<String, Failure> {
        var engine = DiagnosticsEngine(file: file)
        do {
            let stream = try ClinicFileStream(path: file, schema: library.measurementSchema, sheetOptions: sheetOptions)
            let validator = FileValidator(library: library, protocolOverride: protocolOverride, today: today)
            guard var rules = validator.measurementRules(for: stream.header, &engine) else {
                return .failure(Failure(message: engine.sorted.map(\.description).joined(separator: "\n"), status: 1))
            }
            let headerProblems = rules.check(stream.header)
            if headerProblems.contains(where: { $0.severity == .error }) {
                engine.emit(contentsOf: headerProblems)
                return .failure(Failure(message: engine.sorted.map(\.description).joined(separator: "\n"), status: 1))
            }
            // The nearest ids seen, for a --patient that names none: the same in another case
            // first, then the fewest edits (at most 2). Kept as the file streams: no id list.
            var nearest: (id: String, distance: Int)?
            let wanted = patientID.lowercased()
            while let item = try stream.next() {
                // Earlier patients are checked too: a duplicate id must not hide.
                let problems = item.problems(file: file, rules: &rules)
                guard item.patient.id == patientID else {
                    let id = item.patient.id
                    let distance = id.lowercased() == wanted ? 0 : (abs(id.count - patientID.count) <= 2 ? editDistance(id.lowercased(), wanted) : 3)
                    if distance <= 2, nearest.map({ distance < $0.distance }) ?? true { nearest = (id, distance) }
                    continue
                }
                engine.emit(contentsOf: problems)
                // What the file as a whole raised so far: a sheet's header (an unread column
                // that looks clinical is an error) and the rows before this patient.
                let loose = stream.looseProblems
                engine.emit(contentsOf: loose)
                if problems.contains(where: { $0.severity == .error }) || loose.contains(where: { $0.severity == .error }) {
                    engine.resolveColumns { stream.place($0) }
                    let lines = engine.sorted.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
                    return .failure(Failure(message: "\(lines)\npatient '\(patientID)' cannot be scored until these are fixed", status: 1))
                }
                engine.resolveColumns { stream.place($0) }
                // The rest of the file too: a second record of the same id holds sessions this
                // report would leave out, and an older session must never pass as the newest.
                while let later = try stream.next() {
                    guard later.patient.id == patientID else { continue }
                    let line = later.patient.location.line
                    return .failure(Failure(
                        message: "\(file):\(line): error: patient '\(patientID)' appears again (a duplicate id, first on line \(item.patient.location.line)); this report would leave out the sessions there: put every session of the patient in one <patient>",
                        status: 1))
                }
                for warning in engine.sorted where warning.severity == .warning { warn(warning.description) }
                let score = BalanceScorer(index: rules.index).score(item.patient)
                var index: Int?
                if let session {
                    guard let found = score.sessions.firstIndex(where: { $0.date == session }) else {
                        let dates = score.sessions.map(\.date.description).joined(separator: ", ")
                        return .failure(Failure(message: "patient '\(patientID)' has no session on \(session); sessions: \(dates)", status: 1))
                    }
                    index = found
                }
                // Recorded as `mbt score` run here would record it: relative to this folder.
                let cwd = BatchScorer.workingDirectory()
                let recorded = recordedAs ?? OutputNames.relativePath(of: file, base: cwd, currentDirectory: cwd)
                switch output {
                case .text: break
                case .fhir(let system, let codeSystem):
                    // One session's Bundle, through the same format `mbt score --fhir` writes.
                    do throws(FHIRExportError) {
                        let format = try FHIRReportFormat(index: rules.index, patientSystem: system, codeSystem: codeSystem)
                        let line = try format.bundle.bundle(score, session: index ?? score.sessions.count - 1)
                        return .success(String(decoding: line, as: UTF8.self) + "\n")
                    } catch {
                        return .failure(Failure(message: "\(file): patient '\(patientID)': \(error)", status: 1))
                    }
                case .xml, .page:
                    var writer = ReportXML(tables: ReportXML.Tables(index: rules.index))
                    let bytes = writer.header(input: recorded, clinic: stream.header.clinic) + writer.patient(score) + writer.footer()
                    guard case .page(let stylesheet) = output else { return .success(String(decoding: bytes, as: UTF8.self)) }
                    let date = index.map { score.sessions[$0].date.description } ?? ""
                    do {
                        let page = try stylesheet.page(report: bytes, url: recorded, patient: patientID, session: date)
                        return .success(String(decoding: page, as: UTF8.self))
                    } catch {
                        let lines = error.diagnostics.map { "\(stylesheet.stylesheet.path): error: \($0.message)" }.joined(separator: "\n")
                        return .failure(Failure(message: lines, status: 2))
                    }
                }
                return .success(TextReport(tables: TextReport.Tables(index: rules.index), clinic: stream.header.clinic, input: recorded).render(score, session: index))
            }
            let hint = nearest.map { "; did you mean '\($0.id)'?" } ?? ""
            return .failure(Failure(message: "\(file): no patient with id '\(patientID)'\(hint)", status: 1))
        } catch {
            return .failure(Failure(message: error.diagnostics.map(\.description).joined(separator: "\n"), status: error.unreadable ? 2 : 1))
        }
    }
}
