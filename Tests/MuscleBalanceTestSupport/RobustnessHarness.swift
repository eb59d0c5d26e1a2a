import ClinicFiles
import MuscleBalance
import FastText
import ClinicFiles
import ClinicReports
import MBXML
import MuscleBalanceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The whole path from untrusted bytes to reports, in memory, for the fuzzers and their
/// regression tests. It returns the invariants that were broken (never a NaN or infinity in a
/// score; every XML report parses and is schema-valid); an empty list means all held. A crash
/// is a bug by itself.
public struct RobustnessHarness: Sendable {
    public let library: ProtocolLibrary
    public let balanceProtocol: BalanceProtocol
    private let reportSchema: XMLSchema
    private let today = CivilDate(year: 2026, month: 11, day: 24) ?? CivilDate(daysSinceEpoch: 20_781)

    public init(library: ProtocolLibrary, protocolPath: String, reportSchemaPath: String) throws {
        self.library = library
        guard let loaded = library.load(path: protocolPath).balanceProtocol else {
            throw XMLReadError(io: "the protocol \(protocolPath) does not load")
        }
        balanceProtocol = loaded
        reportSchema = try XMLSchema(contentsOf: reportSchemaPath)
    }

    /// The harness of the checkout this process runs in (Protocols/ and Reports/ beside it),
    /// for the fuzz targets; nil when they cannot be found.
    public static func forCheckout() -> RobustnessHarness? {
        guard let directory = ProtocolLibrary.locateDefaultDirectory(),
            let library = try? ProtocolLibrary(directory: directory)
        else { return nil }
        return try? RobustnessHarness(
            library: library, protocolPath: directory + "/lumbopelvic-balance.xml",
            reportSchemaPath: directory + "/../Reports/report.xsd")
    }

    /// For a fuzz target: runs `check` on the input and aborts (a finding for libFuzzer) when
    /// the harness is missing or an invariant broke, saying which on stderr.
    public static func fuzz(_ harness: RobustnessHarness?, _ data: UnsafePointer<UInt8>?, _ count: Int,
                            _ check: (RobustnessHarness) -> ([UInt8]) -> [String]) -> Int32 {
        guard let harness else {
            _ = "fuzz: cannot find Protocols/ and Reports/; run from the checkout\n".withCString { write(2, $0, strlen($0)) }
            abort()
        }
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
        let broken = check(harness)(bytes)
        if !broken.isEmpty {
            _ = "fuzz: invariant broken: \(broken)\n".withCString { write(2, $0, strlen($0)) }
            abort()
        }
        return 0
    }

    /// A clinic file: stream, check, score every patient that passes, write both reports.
    public func clinicFile(_ bytes: [UInt8]) -> [String] {
        var broken: [String] = []
        do {
            let stream = try MeasurementStream(bytes: bytes, url: "fuzz.xml", schema: library.measurementSchema)
            var rules = MeasurementRules(protocol: balanceProtocol, today: today)
            _ = rules.check(stream.header)
            let scorer = BalanceScorer(protocol: balanceProtocol)
            var xml = ReportXML(protocol: balanceProtocol)
            let text = TextReport(protocol: balanceProtocol, clinic: stream.header.clinic)
            var document = xml.header(input: "fuzz.xml", clinic: stream.header.clinic)
            var patients = 0
            while let item = try stream.next(), patients < 50 {
                patients += 1
                if item.hasSchemaErrors { continue }
                if rules.check(item.patient).contains(where: { $0.severity == .error }) { continue }
                let score = scorer.score(item.patient)
                broken += Self.nonFinite(in: score)
                document += xml.patient(score)
                let page = text.render(score)
                if page.split(separator: "\n").contains(where: { TerminalColumns.of($0) > TextReport.width }) {
                    broken.append("a text line is wider than \(TextReport.width) terminal columns")
                }
                if page.unicodeScalars.contains(where: { $0 != "\n" && VisibleText.isHidden($0) }) {
                    broken.append("a control character from the file reaches the text report")
                }
            }
            document += xml.footer()
            do {
                let parsed = try XMLDocumentReader.parse(bytes: document, url: "report.xml", schema: reportSchema)
                if !parsed.isValid { broken.append("the XML report is not schema-valid: \(parsed.validity.prefix(3))") }
            } catch {
                broken.append("the XML report does not parse: \(error.diagnostics.prefix(3))")
            }
        } catch {
            // Refused input: fine, as long as it was refused with a reason.
            if error.diagnostics.isEmpty { broken.append("an input was refused without a reason") }
        }
        return broken
    }

    /// A spreadsheet (any bytes, read as a CSV file, or as a workbook when they start as a zip
    /// archive does): every problem is placed inside the sheet (a line or row it has, a column
    /// from 1); and a sheet `validate` passes is imported (`mbt import`'s indented XML) into a
    /// schema-valid file with the same patients.
    public func sheet(_ bytes: [UInt8]) -> [String] {
        let workbook = bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let suffix = workbook ? ".xlsx" : ".csv"
        // A file of its own per call: Swift Testing runs the corpus's cases in parallel in one
        // process, so one scratch file per process let cases overwrite each other's sheet.
        var template = Array("\(Self.scratchFolder)/mbt-fuzz-sheet-XXXXXX\(suffix)".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard fd >= 0 else { return ["cannot make a scratch file in \(Self.scratchFolder)"] }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        var broken: [String] = []
        // A workbook's rows are numbered by the workbook, up to a sheet's last.
        let lines = workbook ? 1_048_576 : bytes.count { $0 == 0x0A || $0 == 0x0D } + 1
        let options = SheetImportOptions(protocolID: balanceProtocol.id)
        let validator = FileValidator(library: library, today: today, sheetOptions: options)
        let result = validator.validate(path: path)
        for d in result.diagnostics where d.file == path && d.line > 0 {
            if d.line > lines { broken.append("a problem on line \(d.line) of a sheet of \(lines) lines: \(d.message)") }
            if d.column < 1 { broken.append("a problem with no column: \(d.description)") }
        }
        if result.diagnostics.isEmpty && result.hasErrors { broken.append("a sheet was refused without a reason") }
        guard !result.hasErrors, result.patients > 0 else { return broken }
        do {
            let sheet = try SpreadsheetImport.open(path: path, options: options)
            sheet.pretty = true
            var xml: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try chunk.withUnsafeMutableBytes { raw in Result { () throws(XMLReadError) in try sheet.produce(into: raw) } }.get()
                if n == 0 { break }
                xml += chunk[0..<n]
            }
            let stream = try MeasurementStream(bytes: xml, url: "imported.xml", schema: library.measurementSchema)
            var patients = 0
            while let item = try stream.next() {
                patients += 1
                if item.hasSchemaErrors { broken.append("the imported XML has schema errors: \(item.schemaProblems.prefix(2))") }
            }
            if patients != result.patients { broken.append("the imported XML has \(patients) patients, the sheet \(result.patients)") }
        } catch {
            broken.append("a sheet validate passed cannot be imported: \(error)")
        }
        return broken
    }

    /// Where `sheet` writes its scratch files: $TMPDIR, else /tmp.
    private static let scratchFolder: String =
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"

    /// A protocol definition: parse, check, and if it passes, score a fixed patient with it.
    public func protocolDefinition(_ bytes: [UInt8]) -> [String] {
        let result = ProtocolLoader.load(bytes: bytes, url: "fuzz-protocol.xml", schema: library.protocolSchema)
        if result.balanceProtocol == nil && !result.hasErrors { return ["a protocol was refused without a reason"] }
        guard let p = result.balanceProtocol else { return [] }
        let here = SourceLocation(line: 1, element: "measure")
        let measures = p.tests.prefix(40).flatMap { test -> [Measure] in
            let sides: [BodySide?] = test.sides == .bilateral ? [.left, .right] : [nil]
            return sides.enumerated().map { index, side in
                let span = test.plausibleRange.max - test.plausibleRange.min
                let value = test.plausibleRange.min + span * (index == 0 ? 0.4 : 0.6)
                return Measure(test: test.id, side: side, unit: test.unit, unitText: test.unit.rawValue, value: value, trials: [], note: nil, location: here)
            }
        }
        let patient = Patient(
            id: "F", sex: .female, birthDate: CivilDate("1990-06-15"), bodyMassKg: 70, heightCm: 170,
            conditions: p.conditions.prefix(2).map { PatientCondition(code: $0.code, location: here) },
            sessions: [AssessmentSession(date: CivilDate("2026-11-01"), dateText: "2026-11-01", assessor: nil, bloodPressure: BloodPressure(systolic: 130, diastolic: 85), measures: measures, location: here)],
            location: here)
        let score = BalanceScorer(protocol: p).score(patient)
        var broken = Self.nonFinite(in: score) + Self.absurd(p)
        do {
            var xml = ReportXML(protocol: p)
            let document = xml.header(input: "fuzz.xml", clinic: nil) + xml.patient(score) + xml.footer()
            let parsed = try XMLDocumentReader.parse(bytes: document, url: "report.xml", schema: reportSchema)
            if !parsed.isValid { broken.append("the XML report is not schema-valid: \(parsed.validity.prefix(3))") }
        } catch {
            broken.append("the XML report could not be written or parsed: \(error)")
        }
        _ = TextReport(protocol: p, clinic: nil).render(score)
        return broken
    }

    /// Classes of broken protocol that validate once accepted (issue 27), checked here on their
    /// own: a percentile table of one value, a dosage no one could do, a negative ratio range,
    /// a source that cites nothing.
    public static func absurd(_ p: BalanceProtocol) -> [String] {
        var bad: [String] = []
        for test in p.tests {
            for norm in test.norms {
                if case .percentiles(let points) = norm.kind, points.count >= 2, Set(points.map(\.value)).count == 1 {
                    bad.append("the percentile table of \(test.id) has one value")
                }
            }
        }
        for exercise in p.exercises {
            let d = exercise.dosage
            for value in [d.sets, d.extraSetsAffectedSide, d.holds, d.holdsMax].compactMap({ $0 }) where value > 100 { bad.append("\(exercise.id): \(value) sets or holds") }
            for value in [d.repsMin, d.repsMax].compactMap({ $0 }) where value > 1000 { bad.append("\(exercise.id): \(value) repetitions") }
            for value in [d.holdSecondsMin, d.holdSecondsMax].compactMap({ $0 }) where value > 3600 { bad.append("\(exercise.id): a hold of \(value) s") }
        }
        for ratio in p.ratios {
            if let range = ratio.acceptable, [range.min, range.above, range.max, range.below].contains(where: { ($0 ?? 0) < 0 }) {
                bad.append("the acceptable range of \(ratio.id) is negative")
            }
        }
        for source in p.sources where source.citation.allSatisfy(\.isWhitespace) { bad.append("source \(source.id) cites nothing") }
        return bad
    }

    /// Every number a report prints must be finite.
    public static func nonFinite(in score: PatientScore) -> [String] {
        var bad: [String] = []
        func check(_ value: Double?, _ what: String) {
            if let value, !value.isFinite { bad.append("\(what) is \(value)") }
        }
        for s in score.sessions {
            check(s.overallIndex, "the overall index")
            for r in s.regions { check(r.value, "the \(r.region.rawValue) index") }
            for r in s.results {
                check(r.value, "\(r.testID) value")
                for c in r.comparisons {
                    check(c.value, "\(r.testID) value in the norm's unit")
                    switch c.outcome {
                    case .meanSD(let mean, let sd, _, let z, let p, let percentile):
                        check(mean, "mean"); check(sd, "SD"); check(z, "\(r.testID) z"); check(p, "percent of mean"); check(percentile, "percentile")
                    case .percentiles(let percentile, _, let median, let p):
                        check(percentile, "percentile"); check(median, "median"); check(p, "percent of median")
                    case .cutoff:
                        break
                    }
                }
            }
            for a in s.asymmetries { check(a.value, "\(a.testID) asymmetry") }
            for r in s.ratios { check(r.value, "\(r.ratioID) ratio") }
            for p in s.progress { check(p.change, "\(p.testID) change") }
        }
        return bad
    }
}
