import TestSupport
@testable import ClinicFiles
@testable import ClinicReports
@testable import BatchEngine
import Foundation
@testable import MuscleBalance
import Locks
import MuscleBalanceCore
import Testing

/// Scoring and writing on worker threads must not change a byte: the reports and the summary are
/// the same with the worker threads and without them, in the input's order.
@Suite("Scoring on worker threads")
struct PipelineTests {
    let scratch = Scratch("pipeline")

    func score(_ paths: [String], pipelined: Bool) throws -> (String, [FileScoreOutcome]) {
        let directory = try scratch.directory("out")
        // Inputs named from their own folder, as a clinic scoring one folder would run it.
        let base = paths.first.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) }
        let scorer = BatchScorer(library: sharedLibrary, outputDirectory: directory, today: testToday, pipelined: pipelined, baseDirectory: base)
        let (outcomes, summaryError) = scorer.score(paths: paths)
        #expect(summaryError == nil)
        return (directory, outcomes)
    }

    @Test("the same reports with and without worker threads, many batches and a skipped patient")
    func sameOutput() throws {
        let input = NSTemporaryDirectory() + "mbt-pipeline-input-\(UUID().uuidString).xml"
        var text = ""
        SyntheticClinic(patients: 700, seed: 9).write { text += $0 }
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let paths = [input, Paths.packageRoot + "/Tests/MuscleBalanceTests/Fixtures/measurements/duplicate-patient.xml", Paths.example]

        let (threaded, a) = try score(paths, pipelined: true)
        let (inline, b) = try score(paths, pipelined: false)
        #expect(a.map(\.patientsScored) == b.map(\.patientsScored))
        #expect(a.map(\.patientsSkipped) == b.map(\.patientsSkipped))
        // Outcomes come in scoring order (by recorded name), not argument order.
        #expect(a.first { $0.input == paths[0] }?.patientsScored == 700, "700 patients is \(700 / 32 + 1) batches")
        #expect((a.first { $0.input == paths[1] }?.patientsSkipped ?? 0) >= 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: threaded).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: inline).sorted()))
        #expect(names.count == 7)
        for name in names {
            let one = try Data(contentsOf: URL(fileURLWithPath: threaded + "/" + name))
            let other = try Data(contentsOf: URL(fileURLWithPath: inline + "/" + name))
            // Compared first: an expectation on two megabytes of Data diffs them element by element.
            let same = one == other
            #expect(same, "\(name) differs")
            #expect(!one.isEmpty)
        }
        // Patients in input order: the text report's pages follow the file.
        let report = try String(contentsOfFile: threaded + "/" + names.first { $0.hasSuffix(".report.txt") && $0.contains("input") }!, encoding: .utf8)
        let ids = report.split(separator: "\n").filter { $0.contains("Patient SYN-") }.map { $0.split(separator: " ")[1] }
        #expect(ids.map { Int($0.dropFirst(4)) } == Array(1...700))

        // Three files on two cores are scored a file per core, each on one thread: the file
        // alone gets the workers, several batches in flight at once.
        #expect(BatchScorer.worthPipelining(input, files: 1) == (BatchScorer.activeCores > 1))
        let (alone, c) = try score([input], pipelined: true)
        let (aloneInline, d) = try score([input], pipelined: false)
        #expect(c.map(\.patientsScored) == [700] && d.map(\.patientsScored) == [700])
        let aloneNames = try FileManager.default.contentsOfDirectory(atPath: alone).sorted()
        #expect(aloneNames.count == 3)
        #expect(aloneNames == (try FileManager.default.contentsOfDirectory(atPath: aloneInline).sorted()))
        for name in aloneNames {
            let one = try Data(contentsOf: URL(fileURLWithPath: alone + "/" + name))
            let other = try Data(contentsOf: URL(fileURLWithPath: aloneInline + "/" + name))
            let same = one == other
            #expect(same, "\(name) differs, scored alone")
        }
    }

    /// The protocol's tables (footnotes and the XML report's fixed blocks among them) are
    /// shared by every file of a batch, several at once: no file's report may depend on what
    /// the others wrote first.
    @Test("each file's reports are the same scored in a batch of files sharing the protocol's tables as scored alone")
    func sharedTablesChangeNothing() throws {
        let input = NSTemporaryDirectory() + "mbt-shared-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let paths = try (1...12).map { seed in
            var text = ""
            SyntheticClinic(patients: 3 + seed, seed: UInt64(seed)).write { text += $0 }
            let path = input + "/clinic-\(seed).xml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let (together, outcomes) = try score(paths, pipelined: true)
        #expect(outcomes.allSatisfy { !$0.hasFailures })
        for path in paths {
            let (alone, _) = try score([path], pipelined: true)
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            for suffix in [".report.xml", ".report.txt"] {
                let a = try Data(contentsOf: URL(fileURLWithPath: together + "/" + stem + suffix))
                let b = try Data(contentsOf: URL(fileURLWithPath: alone + "/" + stem + suffix))
                #expect(a == b, "\(stem)\(suffix) differs")
                #expect(!a.isEmpty)
            }
        }
    }

    @Test("a file gets worker threads of its own when the batch leaves cores idle, or when it is large")
    func whichFilesArePipelined() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mbt-pipelining-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let small = Paths.example
        let large = dir + "/large.xml"
        // Only the size is looked at: a sparse 5 MiB file will do.
        #expect(FileManager.default.createFile(atPath: large, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: large))
        try handle.truncate(atOffset: 5 << 20)
        try handle.close()
        let cores = BatchScorer.activeCores
        #expect(BatchScorer.worthPipelining(small, files: 1))
        #expect(BatchScorer.worthPipelining(small, files: cores) == false)
        #expect(BatchScorer.worthPipelining(large, files: 2_000))
        #expect(BatchScorer.worthPipelining(small, files: 2_000) == false)
    }

    /// A file's sink with the XML and text reports, as `mbt score` makes it.
    static func sink(_ prepared: PreparedProtocol, _ header: MeasurementFileHeader, _ directory: String) throws -> ReportSink {
        try ReportSink(
            stem: "clinic",
            formats: [
                XMLReportFormat(tables: prepared.tables.xml, input: "clinic.xml", clinic: header.clinic),
                TextReportFormat(tables: prepared.tables.text, input: "clinic.xml", clinic: header.clinic),
            ], directory: directory, rows: SpillingRows(directory: directory))
    }

    /// The text report a batch renderer renders through (the second format's).
    static func text(_ renderer: BatchRenderer) -> TextReport {
        (renderer.renderers[1] as! TextReportFormat.Renderer).report
    }

    /// The text report's footnote cache is for one thread: shared by two workers, it was
    /// corrupted now and then (a crash once in some hundred thousand patients).
    @Test("each worker renders through a footnote cache of its own")
    func workersHaveTheirOwnFootnoteCache() throws {
        let loaded = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let prepared = PreparedProtocol(loaded, today: testToday)
        let directory = NSTemporaryDirectory() + "mbt-renderers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let header = MeasurementFileHeader(protocolID: loaded.id, clinic: nil, location: SourceLocation(line: 1, element: "clinic"))
        let sink = try Self.sink(prepared, header, directory)
        let (one, other) = (Self.text(sink.makeBatchRenderer()), Self.text(sink.makeBatchRenderer()))
        #expect(!one.sharesCache(with: other))
        #expect(one.sharesCache(with: one))
    }

    @Test("each worker asks once for a protocol of its own and renders with its tables")
    func workersTakeTheirOwnProtocol() throws {
        let loaded = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let prepared = PreparedProtocol(loaded, today: testToday)
        let directory = try scratch.directory("own")
        let header = MeasurementFileHeader(protocolID: loaded.id, clinic: "Riverside", location: SourceLocation(line: 1, element: "clinic"))
        let sink = try Self.sink(prepared, header, directory)
        let asked = Locked(0)
        let pipeline = ReportPipeline(
            sink: sink, scorer: prepared.scorer, file: "clinic.xml", threads: true, batchesAhead: 2,
            workerProtocol: {
                asked.withLock { $0 += 1 }
                return PreparedProtocol(loaded, today: testToday)
            }, workerCount: 3)
        pipeline.finish()
        #expect(asked.withLock { $0 } == 3)
        let own = PreparedProtocol(loaded, today: testToday)
        let renderer = Self.text(sink.makeBatchRenderer(tables: own.tables))
        #expect(renderer.tables === own.tables.text)
        #expect(renderer.clinic == "Riverside")
        #expect(Self.text(sink.makeBatchRenderer()).tables === prepared.tables.text)
    }

    /// The worker is held (its protocol is not ready) while the reader sends ten batches: the
    /// queue takes four, and for each of the other six the reader does the oldest queued; then
    /// the reader finishes the four left in the queue.
    @Test("the reader does the batches the workers are too slow for, and the report keeps the input's order")
    func readerHelps() throws {
        let loaded = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let prepared = PreparedProtocol(loaded, today: testToday)
        let directory = try scratch.directory("helps")
        let header = MeasurementFileHeader(protocolID: loaded.id, clinic: nil, location: SourceLocation(line: 1, element: "clinic"))
        let sink = try Self.sink(prepared, header, directory)
        let release = DispatchSemaphore(value: 0)
        // The reader asks for a protocol of its own too, the first time it helps: it must not wait.
        let reader = pthread_self()
        let pipeline = ReportPipeline(
            sink: sink, scorer: prepared.scorer, file: "clinic.xml", threads: true, batchesAhead: 4,
            workerProtocol: {
                if pthread_equal(pthread_self(), reader) == 0 { release.wait() }
                return nil
            }, workerCount: 1)
        for b in 0..<10 {
            let batch = (0..<3).map { CheckedPatient.skipped(patientID: "P\(b * 3 + $0)", line: b * 3 + $0, reason: "test") }
            #expect(pipeline.send(batch))
        }
        #expect(pipeline.batchesDoneByReader == 6)
        // Still held when the reader finishes: it does the four queued batches itself, then
        // waits for the worker (let go half a second later, with nothing left to do).
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { release.signal() }
        pipeline.finish()
        #expect(pipeline.batchesDoneByReader == 10)
        let written = try sink.commit()
        let xml = try String(contentsOfFile: written["report.xml"]!, encoding: .utf8)
        let ids = xml.components(separatedBy: "patient=\"P").dropFirst().map { Int($0.prefix { $0.isNumber }) }
        #expect(ids == Array(0..<30))
        #expect(sink.rows.count == 30)
    }

    /// The reader shares recurring strings for a generation of patients, the workers get
    /// batches of patients: one generation per batch keeps the counts of a batch's strings off
    /// the other threads (Benchmarks/RESULTS.md, ninth round).
    @Test("the reader's generation of recurring values is the batch scorer's batch")
    func generationIsABatch() {
        #expect(RecentValues.patientsPerGeneration == BatchScorer.batchSize)
    }

    @Test("a protocol's rules, scorer and report tables are made once per batch and path, from any thread")
    func preparedOnce() throws {
        let loaded = try #require(ProtocolLoader.load(path: Paths.defaultProtocol, schema: sharedLibrary.protocolSchema).balanceProtocol)
        let prepared = PreparedProtocols()
        let made = Locked(0)
        let got = Locked([ObjectIdentifier]())
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let p = prepared.prepared(i % 2 == 0 ? "a.xml" : "b.xml") {
                made.withLock { $0 += 1 }
                return PreparedProtocol(loaded, today: testToday)
            }
            got.withLock { $0.append(ObjectIdentifier(p)) }
        }
        // One kept per path (a race may make a spare, never keep it).
        #expect(Set(got.withLock { $0 }).count == 2)
        #expect(made.withLock { $0 } >= 2)
    }
}

/// The rule: the output is the same whatever the thread count. A large file (its
/// workers rebuild the protocol) and a batch of three files, scored by 1 to 5 workers per
/// file with the reader helping, and on one thread.
@Suite("Any number of workers")
struct WorkerCountTests {
    let scratch = Scratch("worker-count")

    @Test("the same reports and summary with 1, 2, 3 or 5 workers per file as on one thread")
    func sameWhateverTheCount() throws {
        let large = scratch.path("large") + ".xml"
        var text = ""
        SyntheticClinic(patients: 1_400, seed: 13).write { text += $0 }
        try text.write(toFile: large, atomically: true, encoding: .utf8)
        #expect(BatchScorer.isLarge(large))
        let paths = [large, Paths.packageRoot + "/Tests/MuscleBalanceTests/Fixtures/measurements/duplicate-patient.xml", Paths.example]
        func score(workers: Int?, pipelined: Bool) throws -> [String: Data] {
            let directory = try scratch.directory("out")
            var scorer = BatchScorer(library: sharedLibrary, outputDirectory: directory, today: testToday, pipelined: pipelined)
            scorer.workersPerFile = workers
            let (outcomes, summaryError) = scorer.score(paths: paths)
            #expect(summaryError == nil)
            #expect(outcomes.first?.patientsScored == 1_400)
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            }
            return files
        }
        let oneThread = try score(workers: nil, pipelined: false)
        #expect(oneThread.count == 7)
        for workers in [1, 2, 3, 5] {
            let threaded = try score(workers: workers, pipelined: true)
            #expect(threaded.keys.sorted() == oneThread.keys.sorted())
            for (name, bytes) in oneThread {
                let same = threaded[name] == bytes
                #expect(same, "\(name) differs with \(workers) workers")
                #expect(!bytes.isEmpty)
            }
        }
    }
}

/// A large file's workers each score and render with a protocol of their own, rebuilt from the
/// bytes the file's was loaded from: sharing one, they bounced its reference counts between the
/// cores. It must change nothing but that (the reports: `WorkerCountTests`).
@Suite("Workers' own protocols")
struct WorkerProtocolTests {
    @Test("a rebuilt protocol has the same tests, in objects of its own")
    func rebuilt() throws {
        let library = try ProtocolLibrary(directory: Paths.protocols)
        #expect(library.rebuilt(path: Paths.defaultProtocol) == nil, "only a protocol loaded before is rebuilt")
        let first = try #require(library.load(path: Paths.defaultProtocol).balanceProtocol)
        let again = try #require(library.rebuilt(path: Paths.defaultProtocol))
        #expect(again.tests.map(\.id) == first.tests.map(\.id))
        #expect(again.tests.map(\.name) == first.tests.map(\.name))
        #expect(again.ratios.map(\.id) == first.ratios.map(\.id))
        #expect(!first.tests.isEmpty && zip(again.tests, first.tests).allSatisfy { $0 !== $1 })
        // A String of more than 15 bytes lives in storage of its own, counted like an object.
        func storage(_ s: String) -> UnsafeRawPointer? {
            s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
        }
        let id = first.tests[0].id
        #expect(id.utf8.count > 15)
        #expect(storage(id) != nil && storage(id) != storage(again.tests[0].id))

        let broken = Paths.fixtures + "/protocols/cutoff-without-source.xml"
        #expect(library.load(path: broken).balanceProtocol == nil)
        #expect(library.rebuilt(path: broken) == nil, "nothing to rebuild from a broken protocol")
    }
}
