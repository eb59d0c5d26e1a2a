#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FastText

/// A CSV file read as a sheet, 64 KiB at a time through `CSVRecordReader`: memory holds the
/// records of one chunk, whatever the file's size.
public final class CSVSheetReader: SheetReader {
    public let file: String
    public var sheet: String? { nil }
    private let fd: Int32
    private var parser: CSVRecordReader
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var ready: [CSVRecordReader.Record] = []
    private var nextReady = 0
    private var atEnd = false
    private var started = false
    /// What the file was saved in (`TextEncoding`); its chunks are converted to UTF-8 here.
    public let encoding: TextEncoding
    private var converted: [UInt8] = []

    /// Opens `path`; `delimiter` is `,` unless the sheet was saved with `;` or a tab.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8) throws(SheetError) {
        file = path
        self.encoding = encoding
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SheetError("cannot open '\(path)': \(String(cString: strerror(errno)))", unreadable: true)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: throw SheetError("'\(path)' is a directory, not a spreadsheet", unreadable: true)
        case S_IFCHR, S_IFBLK: throw SheetError("'\(path)' is a device, not a spreadsheet", unreadable: true)
        case S_IFSOCK: throw SheetError("'\(path)' is a socket, not a spreadsheet", unreadable: true)
        default: break
        }
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SheetError("cannot open '\(path)': \(String(cString: strerror(errno)))", unreadable: true)
        }
        parser = CSVRecordReader(delimiter: delimiter)
    }

    deinit { close(fd) }

    /// The byte between cells.
    public var delimiter: UInt8 { parser.delimiter }

    public func next() throws(SheetError) -> SheetRow? {
        while true {
            if nextReady < ready.count {
                defer { nextReady += 1 }
                let record = ready[nextReady]
                if let overflow = record.overflow { throw SheetError(overflow: overflow, row: record.line) }
                // A row of empty or blank cells (",,,,": a used row a spreadsheet cleared) is
                // no row, as an empty line is none.
                if SheetRow.isBlank(record.fields) { continue }
                return SheetRow(row: record.line, cells: record.fields)
            }
            ready.removeAll(keepingCapacity: true)
            nextReady = 0
            if atEnd { return nil }
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n < 0 {
                throw SheetError("cannot read '\(file)': \(String(cString: strerror(errno)))", unreadable: true)
            }
            if n == 0 {
                atEnd = true
                do {
                    try parser.finish { ready.append($0) }
                } catch {
                    throw SheetError(
                        "a quoted cell opens here and never closes; add the closing \" (a quote inside a cell is written twice: \"\")",
                        row: error.line, column: error.column)
                }
            } else {
                if !started {
                    started = true
                    // Excel's "Unicode Text" is UTF-16 with a byte-order mark: not readable as UTF-8.
                    if n >= 2, (chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF) {
                        throw SheetError("'\(file)' is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" instead", row: 1, column: 1)
                    }
                }
                if encoding == .utf8 {
                    chunk.withUnsafeBufferPointer { buffer in
                        parser.feed(UnsafeBufferPointer(rebasing: buffer[0..<n])) { ready.append($0) }
                    }
                } else {
                    converted.removeAll(keepingCapacity: true)
                    chunk.withUnsafeBufferPointer { encoding.appendUTF8(UnsafeBufferPointer(rebasing: $0[0..<n]), to: &converted) }
                    converted.withUnsafeBufferPointer { buffer in parser.feed(buffer) { ready.append($0) } }
                }
            }
        }
    }
}

extension CSVSheetReader {
    /// Whether the rows after the header keep each text of `column` (a patient's id) on
    /// consecutive rows: read from the file's start through its own offsets, so the reader's
    /// place is kept. A sheet kept in date order is not, and is gathered before it is read.
    public func keepsTogether(column: Int) throws(SheetError) -> Bool {
        var scan = CSVGroupingScan(delimiter: parser.delimiter, keyField: column)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        while true {
            let n = retryingOnInterrupt { buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) } }
            if n < 0 { throw SheetError("cannot read '\(file)': \(String(cString: strerror(errno)))", unreadable: true) }
            if n == 0 { return scan.finish() }
            offset += n
            let more = buffer.withUnsafeBufferPointer { scan.feed(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            if !more { return false }
        }
    }
}
