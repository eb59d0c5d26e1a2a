#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FastText

/// A sheet's rows gathered by the text of one column (a patient's id), whatever their order: a
/// sheet kept in date order, a row appended per visit, comes out with each patient's rows
/// together, patients in the order they first appear, each one's rows in sheet order. Rows keep
/// their own numbers (`SheetRow.row`), so errors still name the row a person typed.
///
/// Every row must be read before the first is handed on (the last row may be the first
/// patient's). Rows are held in memory up to `budget` bytes; past it, each batch is sorted and
/// spilled to a private temporary file (unlinked as soon as it is made: nothing is left behind,
/// whatever happens to the run), and the batches are merged at the end a row at a time. Memory
/// is the budget and a read buffer per batch, whatever the sheet's size, but for the keys'
/// first-appearance order (a few dozen bytes a patient, as the duplicate-id rule keeps).
public final class GatheredSheetReader: SheetReader {
    public let file: String
    public var sheet: String? { source.sheet }
    private let source: any SheetReader
    private let keyColumn: Int
    private let key: (String) -> String
    private let budget: Int
    private let spillFolder: String?

    private var order: [String: Int32] = [:]
    private var nextOrdinal: Int32 = 0
    private var held: [Held] = []
    private var heldBytes = 0
    private var spill: SpillFile?
    private var read = false
    private var nextHeld = 0
    private var merge: RunMerge?

    struct Held {
        var ordinal: Int32
        var row: SheetRow
    }

    /// The budget a sheet is held in before it spills: 16 MiB of cells.
    public static let defaultBudget = 16 << 20

    /// Gathers `source`'s rows (read from where it stands: after its header) by the text of
    /// `keyColumn` as `key` makes it (trimmed, say). Rows with no key keep their place among
    /// the keys, each on its own. Spills go to `spillFolder`, or $TMPDIR (else /tmp).
    public init(source: any SheetReader, keyColumn: Int, budget: Int = GatheredSheetReader.defaultBudget, spillFolder: String? = nil, key: @escaping (String) -> String = { $0 }) {
        self.source = source
        self.spillFolder = spillFolder
        self.file = source.file
        self.keyColumn = keyColumn
        self.budget = budget
        self.key = key
    }

    /// Whether the rows spilled to disk (for the tests of the spill).
    public var spilled: Bool { spill != nil }

    public func next() throws(SheetError) -> SheetRow? {
        if !read { try readAll() }
        if let merge { return try merge.next() }
        guard nextHeld < held.count else {
            held = []
            return nil
        }
        defer { nextHeld += 1 }
        return held[nextHeld].row
    }

    private func readAll() throws(SheetError) {
        read = true
        while let row = try source.next() {
            let k = key(row[keyColumn])
            let ordinal: Int32
            if k.isEmpty {
                ordinal = nextOrdinal
                nextOrdinal += 1
            } else if let known = order[k] {
                ordinal = known
            } else {
                ordinal = nextOrdinal
                nextOrdinal += 1
                order[k] = ordinal
            }
            held.append(Held(ordinal: ordinal, row: row))
            heldBytes += 48 + row.cells.reduce(0) { $0 + 16 + $1.utf8.count }
            if heldBytes > budget { try spillHeld() }
        }
        order = [:]
        if let spill {
            if !held.isEmpty { try spillHeld() }
            merge = try RunMerge(spill)
        } else {
            sortHeld()
        }
    }

    /// By first appearance of the key, then by row: rows came in row order, so a stable sort
    /// by ordinal; none at all when the keys already come together.
    private func sortHeld() {
        var sorted = true
        for i in held.indices.dropFirst() where held[i].ordinal < held[i - 1].ordinal {
            sorted = false
            break
        }
        if !sorted {
            held.sort { $0.ordinal != $1.ordinal ? $0.ordinal < $1.ordinal : $0.row.row < $1.row.row }
        }
    }

    private func spillHeld() throws(SheetError) {
        if spill == nil { spill = try SpillFile(in: spillFolder) }
        sortHeld()
        try spill!.writeRun(held)
        held.removeAll(keepingCapacity: true)
        heldBytes = 0
    }
}

/// The private temporary file the batches are spilled to, one after another.
final class SpillFile {
    let fd: Int32
    let folder: String
    private(set) var runs: [(offset: Int, length: Int)] = []
    private var size = 0

    init(in chosen: String?) throws(SheetError) {
        let folder = chosen ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let fd = makeUnnamedFile(in: folder, prefix: ".mbt-gather-")
        guard fd >= 0 else {
            throw SheetError("cannot make a temporary file in \(folder) to gather the sheet's rows by patient: \(String(cString: strerror(errno))); set TMPDIR to a writable folder", unreadable: true)
        }
        self.folder = folder
        self.fd = fd
    }

    deinit { close(fd) }

    /// One sorted batch of raw records, each written as a row of one cell (its bytes): the
    /// format `writeRun(_:)` writes, read back by the same merge.
    func writeRun(records: [CSVGatheredReader.Held], arena: [UInt8]) throws(SheetError) {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let start = size
        for record in records {
            Self.put(UInt32(bitPattern: record.ordinal), &out)
            Self.put(UInt64(record.line), &out)
            Self.put(UInt32(1), &out)
            Self.put(UInt32(record.length), &out)
            arena.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[record.start..<(record.start + record.length)])) }
            if out.count >= 1 << 20 { try flush(&out) }
        }
        try flush(&out)
        runs.append((start, size - start))
    }

    /// One sorted batch: per row its ordinal (4 bytes), row (8), cell count (4), and each
    /// cell's length (4) and bytes.
    func writeRun(_ rows: [GatheredSheetReader.Held]) throws(SheetError) {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let start = size
        for held in rows {
            Self.put(UInt32(bitPattern: held.ordinal), &out)
            Self.put(UInt64(held.row.row), &out)
            Self.put(UInt32(held.row.cells.count), &out)
            for var cell in held.row.cells {
                cell.withUTF8 { bytes in
                    Self.put(UInt32(bytes.count), &out)
                    out.append(contentsOf: bytes)
                }
            }
            if out.count >= 1 << 20 { try flush(&out) }
        }
        try flush(&out)
        runs.append((start, size - start))
    }

    private func flush(_ out: inout [UInt8]) throws(SheetError) {
        var offset = 0
        while offset < out.count {
            let n = retryingOnInterrupt {
                out.withUnsafeBytes { raw in pwrite(fd, raw.baseAddress! + offset, raw.count - offset, off_t(size + offset)) }
            }
            guard n > 0 else {
                throw SheetError("cannot write the sheet's rows to a temporary file in \(folder) to gather them by patient: \(String(cString: strerror(errno))); free some space or set TMPDIR", unreadable: true)
            }
            offset += n
        }
        size += out.count
        out.removeAll(keepingCapacity: true)
    }

    private static func put<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// The spilled batches merged a row at a time, smallest (ordinal, row) first, through a
/// binary heap of the batches' next rows.
final class RunMerge {
    private let spill: SpillFile
    private var cursors: [RunCursor] = []
    /// Indices of cursors with a row, as a min-heap on their row's (ordinal, row).
    private var heap: [Int] = []

    /// `raw`: each row's one cell is handed on as its bytes (`nextRaw`), no String made.
    init(_ spill: SpillFile, raw: Bool = false) throws(SheetError) {
        self.spill = spill
        for run in spill.runs {
            let cursor = RunCursor(fd: spill.fd, offset: run.offset, end: run.offset + run.length, folder: spill.folder, raw: raw)
            try cursor.advance()
            cursors.append(cursor)
            if cursor.head != nil { push(cursors.count - 1) }
        }
    }

    func next() throws(SheetError) -> SheetRow? {
        guard let top = heap.first else { return nil }
        let row = cursors[top].head!.row
        try advance(top)
        return row
    }

    /// The next row's one cell as bytes, with its row number, given to `body` before the
    /// batch moves on; nil at the end.
    func nextRaw<R>(_ body: (UnsafeBufferPointer<UInt8>, Int) -> R) throws(SheetError) -> R? {
        guard let top = heap.first else { return nil }
        let result = cursors[top].withRaw { body($0, cursors[top].head!.row.row) }
        try advance(top)
        return result
    }

    private func advance(_ top: Int) throws(SheetError) {
        try cursors[top].advance()
        if cursors[top].head == nil {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        } else {
            siftDown(0)
        }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = cursors[a].head!, y = cursors[b].head!
        return x.ordinal != y.ordinal ? x.ordinal < y.ordinal : x.row.row < y.row.row
    }

    private func push(_ cursor: Int) {
        heap.append(cursor)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count && less(heap[l], heap[smallest]) { smallest = l }
            if r < heap.count && less(heap[r], heap[smallest]) { smallest = r }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }
}

/// One spilled batch read back through a 64 KiB buffer.
final class RunCursor {
    private let fd: Int32
    private var offset: Int
    private let end: Int
    private let folder: String
    private var buffer: [UInt8] = []
    private var position = 0
    private(set) var head: GatheredSheetReader.Held?
    private let raw: Bool
    /// In raw mode, where the head's one cell lies in the buffer.
    private var rawRange = 0..<0

    init(fd: Int32, offset: Int, end: Int, folder: String, raw: Bool = false) {
        self.raw = raw
        self.fd = fd
        self.offset = offset
        self.end = end
        self.folder = folder
    }

    /// Reads the batch's next row into `head` (nil at its end). The row is parsed from the
    /// buffer through one pointer once its bytes are all in: reading each number and cell
    /// through `ensure` and the class's properties was a sixth of what gathering costs
    /// (Benchmarks/RESULTS.md, issue 27).
    func advance() throws(SheetError) {
        guard try ensure(16) else {
            head = nil
            return
        }
        // The row's length: its header, then each cell's length and bytes.
        var length = 16
        let count = Int(peek(UInt32.self, at: position + 12))
        for _ in 0..<count {
            guard try ensure(length + 4) else { throw broken() }
            length += 4 + Int(peek(UInt32.self, at: position + length))
        }
        guard try ensure(length) else { throw broken() }
        let start = position
        position += length
        if raw {
            rawRange = (start + 20)..<(start + length)
            head = GatheredSheetReader.Held(ordinal: Int32(bitPattern: peek(UInt32.self, at: start)), row: SheetRow(row: Int(peek(UInt64.self, at: start + 4)), cells: []))
            return
        }
        head = buffer.withUnsafeBufferPointer { b -> GatheredSheetReader.Held in
            func read<T: FixedWidthInteger>(_: T.Type, _ at: Int) -> T {
                T(littleEndian: UnsafeRawPointer(b.baseAddress! + at).loadUnaligned(as: T.self))
            }
            var at = start + 16
            var cells: [String] = []
            cells.reserveCapacity(count)
            for _ in 0..<count {
                let n = Int(read(UInt32.self, at))
                cells.append(String(decoding: UnsafeBufferPointer(rebasing: b[(at + 4)..<(at + 4 + n)]), as: UTF8.self))
                at += 4 + n
            }
            return GatheredSheetReader.Held(
                ordinal: Int32(bitPattern: read(UInt32.self, start)), row: SheetRow(row: Int(read(UInt64.self, start + 4)), cells: cells))
        }
    }

    /// The head's one cell, as bytes (raw mode), valid until the next `advance`.
    func withRaw<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[rawRange])) }
    }

    private func peek<T: FixedWidthInteger>(_: T.Type, at: Int) -> T {
        buffer.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) }
    }

    /// At least `count` bytes ready from `position`; false when the batch has fewer left.
    private func ensure(_ count: Int) throws(SheetError) -> Bool {
        if buffer.count - position >= count { return true }
        buffer.removeFirst(position)
        position = 0
        while buffer.count < count {
            let want = min(max(1 << 16, count - buffer.count), end - offset)
            if want <= 0 { return false }
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: want))
            let n = retryingOnInterrupt {
                buffer.withUnsafeMutableBytes { raw in pread(fd, raw.baseAddress! + old, want, off_t(offset)) }
            }
            guard n > 0 else {
                throw SheetError("cannot read back the sheet's rows from a temporary file in \(folder): \(n < 0 ? String(cString: strerror(errno)) : "it ended early")", unreadable: true)
            }
            buffer.removeLast(want - n)
            offset += n
        }
        return true
    }

    private func broken() -> SheetError {
        SheetError("the sheet's rows in a temporary file in \(folder) ended inside a row; the file was changed while mbt read it", unreadable: true)
    }
}
