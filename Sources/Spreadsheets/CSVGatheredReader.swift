#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FastText

/// A CSV sheet's rows gathered by patient, as `GatheredSheetReader` gathers any sheet's, but
/// with each record moved as the bytes it was written in: the first pass finds records and
/// their patient's id with `CSVRecordSplitter` (no String made), and each record is parsed
/// once, when it is handed on, as the rows of a sheet kept by patient are. Gathering through
/// parsed rows made every cell a String twice more (held, spilled, read back): a sheet in date
/// order took 1.3 times as long as the same sheet kept by patient (Benchmarks/RESULTS.md,
/// issue 27).
///
/// Patients come in the order they first appear, each one's rows in sheet order, with their
/// own line numbers. Ids are told apart by a 64-bit hash of their text: two ids of the same
/// hash would be gathered as one, and then read as a patient found twice, an error, not a
/// reading lost. Records are held up to `budget` bytes, then sorted and spilled to the same
/// private, unlinked temporary file, and merged.
public final class CSVGatheredReader: SheetReader {
    public let file: String
    public var sheet: String? { nil }
    private let fd: Int32
    private let delimiter: UInt8
    private let keyColumn: Int
    private let budget: Int
    private let spillFolder: String?
    /// What the file was saved in: records are gathered as their bytes (the structure is ASCII
    /// in every `TextEncoding`) and converted to UTF-8 as each is parsed.
    private let encoding: TextEncoding
    private var converted: [UInt8] = []

    /// A record held: its patient's place, its line, its bytes in the arena.
    struct Held {
        var ordinal: Int32
        var line: Int
        var start: Int
        var length: Int
    }

    private var arena: [UInt8] = []
    private var held: [Held] = []
    private var spill: SpillFile?
    private var merge: RunMerge?
    private var read = false
    private var nextHeld = 0
    private var parser: CSVRecordReader
    /// A record past a spreadsheet's row, found as it was parsed: thrown by `next`.
    private var overflow: SheetError?
    private static let lineBreak: [UInt8] = [0x0A]

    /// Opens `path` for gathering by the text of `keyColumn` (0-based), the first row being
    /// the header. Spills go to `spillFolder`, or $TMPDIR (else /tmp).
    public init(path: String, delimiter: UInt8, keyColumn: Int, budget: Int = GatheredSheetReader.defaultBudget, spillFolder: String? = nil, encoding: TextEncoding = .utf8) throws(SheetError) {
        self.encoding = encoding
        file = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SheetError("cannot open '\(path)': \(String(cString: strerror(errno)))", unreadable: true)
        }
        self.delimiter = delimiter
        self.keyColumn = keyColumn
        self.budget = budget
        self.spillFolder = spillFolder
        parser = CSVRecordReader(delimiter: delimiter, atFileStart: false)
    }

    deinit { close(fd) }

    /// Whether the records spilled to disk (for the tests of the spill).
    public var spilled: Bool { spill != nil }

    public func next() throws(SheetError) -> SheetRow? {
        if !read { try readAll() }
        while true {
            let found: SheetRow??
            if let merge {
                found = try merge.nextRaw { bytes, line in parse(bytes, line: line) }
            } else if nextHeld < held.count {
                let h = held[nextHeld]
                nextHeld += 1
                found = arena.withUnsafeBufferPointer { parse(UnsafeBufferPointer(rebasing: $0[h.start..<(h.start + h.length)]), line: h.line) }
            } else {
                held = []
                arena = []
                found = nil
            }
            if let overflow { throw overflow }
            guard let row = found else { return nil }
            if let row { return row }
        }
    }

    /// One record's bytes as a row, parsed as the whole file's reader would: the record and
    /// a line break fed to one parser kept for all of them.
    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> SheetRow? {
        var record: CSVRecordReader.Record?
        if encoding == .utf8 {
            parser.feed(bytes) { record = $0 }
        } else {
            converted.removeAll(keepingCapacity: true)
            encoding.appendUTF8(bytes, to: &converted)
            converted.withUnsafeBufferPointer { buffer in parser.feed(buffer) { record = $0 } }
        }
        // Through the buffer overload: the generic one over a CollectionOfOne was not
        // specialised here and looked its metadata up on every record.
        Self.lineBreak.withUnsafeBufferPointer { parser.feed($0) { record = $0 } }
        if let cut = record?.overflow { overflow = SheetError(overflow: cut, row: line) }
        guard let fields = record?.fields, !SheetRow.isBlank(fields) else { return nil }
        return SheetRow(row: line, cells: fields)
    }

    private func readAll() throws(SheetError) {
        read = true
        var splitter = CSVRecordSplitter(delimiter: delimiter, keyField: keyColumn)
        var order: [UInt64: Int32] = [:]
        var nextOrdinal: Int32 = 0
        // The file's bytes from `windowStart` on: the record being read and what follows.
        var window: [UInt8] = []
        var windowStart = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var failure: SheetError?
        func take(_ record: CSVRecordSplitter.Record) -> Bool {
            let ordinal: Int32
            if let key = record.key, let known = order[key] {
                ordinal = known
            } else {
                ordinal = nextOrdinal
                nextOrdinal += 1
                if let key = record.key { order[key] = ordinal }
            }
            // Spilled before the arena would grow past the budget: an array that doubles
            // would hold twice the budget.
            let length = record.end - record.start
            if !held.isEmpty, arena.count + length + (held.count + 1) * MemoryLayout<Held>.stride > budget {
                do { try spillHeld() } catch {
                    failure = error
                    return false
                }
            }
            if arena.capacity < budget { arena.reserveCapacity(min(budget, 1 << 24)) }
            let start = arena.count
            window.withUnsafeBufferPointer { arena.append(contentsOf: UnsafeBufferPointer(rebasing: $0[(record.start - windowStart)..<(record.end - windowStart)])) }
            held.append(Held(ordinal: ordinal, line: record.line, start: start, length: length))
            return true
        }
        while true {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n < 0 { throw SheetError("cannot read '\(file)': \(String(cString: strerror(errno)))", unreadable: true) }
            if n == 0 { break }
            window.append(contentsOf: chunk[0..<n])
            let fed = window.withUnsafeBufferPointer { all in
                splitter.feed(UnsafeBufferPointer(rebasing: all[(all.count - n)...]), take)
            }
            if let failure { throw failure }
            guard fed else { break }
            // Bytes before the record being read are no longer needed.
            let drop = min(splitter.currentRecordStart - windowStart, window.count)
            if drop > 1 << 16 {
                window.removeFirst(drop)
                windowStart += drop
            }
        }
        do {
            try splitter.finish(take)
        } catch {
            throw SheetError(
                "a quoted cell opens here and never closes; add the closing \" (a quote inside a cell is written twice: \"\")",
                row: error.line, column: 1)
        }
        if let failure { throw failure }
        if let spill {
            if !held.isEmpty { try spillHeld() }
            merge = try RunMerge(spill, raw: true)
            arena = []
            held = []
        } else {
            sortHeld()
        }
    }

    /// By first appearance of the id, then by line; nothing to do when in that order already.
    private func sortHeld() {
        for i in held.indices.dropFirst() where held[i].ordinal < held[i - 1].ordinal {
            held.sort { $0.ordinal != $1.ordinal ? $0.ordinal < $1.ordinal : $0.line < $1.line }
            return
        }
    }

    private func spillHeld() throws(SheetError) {
        if spill == nil { spill = try SpillFile(in: spillFolder) }
        sortHeld()
        try spill!.writeRun(records: held, arena: arena)
        held.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }
}
