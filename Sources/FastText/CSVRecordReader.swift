/// Reads CSV (RFC 4180) records from bytes fed in pieces, so that a sheet of a million rows is
/// read in bounded memory: quoted fields may hold the delimiter, line breaks and doubled
/// quotes; records end at LF or CR LF (a lone CR too); a UTF-8 byte-order mark at the very
/// start is skipped. Every record says where it starts (its line, for `file.csv:812:5` errors)
/// and every field its 1-based column number, counted in fields, as a spreadsheet shows them.
///
/// What RFC 4180 leaves open is decided the way Python's `csv` module (dialect `excel`), the
/// second client of the tests, decides it: a quote inside an unquoted field is kept as it is;
/// text after a closing quote is appended to the field. A record whose quote never closes is
/// reported with the line it started on.
///
/// A record is never more than a spreadsheet's row (`SheetLimits`): a cell past its characters
/// is cut off as it is read, cells past its columns are not kept, and the record says where
/// (`Record.overflow`), so one line of a hostile file costs at most a row's memory.
public struct CSVRecordReader {
    public struct Record: Equatable, Sendable {
        /// The line (1-based) the record starts on.
        public var line: Int
        public var fields: [String]
        /// The first cell past `SheetLimits`, if any: then `fields` are not the whole record.
        public var overflow: Overflow?

        public init(line: Int, fields: [String], overflow: Overflow? = nil) {
            self.line = line
            self.fields = fields
            self.overflow = overflow
        }
    }

    /// A record larger than a spreadsheet's row: at `column` (1-based), a cell of more than
    /// `SheetLimits.cellCharacters`, or the first column past `SheetLimits.columns`.
    public struct Overflow: Equatable, Sendable {
        public enum Kind: Equatable, Sendable { case cell, columns }
        public var kind: Kind
        public var column: Int

        public init(kind: Kind, column: Int) {
            self.kind = kind
            self.column = column
        }
    }

    public struct UnclosedQuote: Error, Equatable, Sendable {
        /// The line the quoted field starts on.
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    public let delimiter: UInt8
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var inQuotes = false
    /// The field was quoted and its closing quote seen (a quote now is a doubled one).
    private var afterQuote = false
    private var fieldStarted = false
    private var quoteLine = 0
    private var line = 1
    private var recordLine = 1
    private var previousWasCR = false
    private var atStart = true
    private var bomSeen = 0
    private var overflow: Overflow?
    /// The field being read passed `SheetLimits.cellBytes`: its further bytes are dropped.
    private var fieldCut = false

    /// `atFileStart` false for bytes from inside a file (a record moved on its own): a
    /// byte-order mark is looked for at a file's start only.
    public init(delimiter: UInt8 = UInt8(ascii: ","), atFileStart: Bool = true) {
        self.delimiter = delimiter
        atStart = atFileStart
    }

    /// Feeds the next bytes; `record` is called for each complete record, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ record: (Record) -> Void) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { feed($0, record) }
        if done == nil { feedBytes(bytes, record) }
    }

    /// `feed` of a contiguous chunk, the way files are read. Runs of plain bytes (between
    /// delimiters, line breaks and quotes; inside quotes, between quotes and line breaks) are
    /// found first and copied into the field at once: a sheet of a million rows has fifteen
    /// million fields, and byte-at-a-time state changes cost 1,280 instructions a field
    /// (Benchmarks/RESULTS.md, issue 18).
    public mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>, _ record: (Record) -> Void) {
        let quote = UInt8(ascii: "\"")
        let n = buffer.count
        var i = 0
        while i < n {
            if atStart || afterQuote || previousWasCR {
                feedBytes(CollectionOfOne(buffer[i]), record)
                i += 1
                continue
            }
            var j = i
            if inQuotes {
                while j < n, buffer[j] != quote, buffer[j] != 0x0A, buffer[j] != 0x0D { j += 1 }
            } else {
                while j < n, buffer[j] != delimiter, buffer[j] != 0x0A, buffer[j] != 0x0D, buffer[j] != quote { j += 1 }
                // A whole plain field in this chunk (nearly every one): its String straight from
                // the chunk, not through the field buffer.
                if j > i, j < n, j - i <= SheetLimits.cellCharacters, fields.count < SheetLimits.columns, field.isEmpty, !fieldStarted, buffer[j] == delimiter || buffer[j] == 0x0A {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<j]), as: UTF8.self))
                    afterQuote = false
                    let end = buffer[j]
                    i = j + 1
                    if end == 0x0A {
                        emitRecord(record)
                        line += 1
                    }
                    continue
                }
                if j > i { fieldStarted = true }
            }
            if j > i {
                appendToField(UnsafeBufferPointer(rebasing: buffer[i..<j]))
                i = j
            }
            guard i < n else { break }
            let byte = buffer[i]
            i += 1
            // The two bytes that end nearly every field, handled here rather than in `take`.
            if !inQuotes && byte == delimiter {
                endField()
            } else if !inQuotes && byte == 0x0A {
                endRecord(record)
                line += 1
            } else {
                take(byte, record)
            }
        }
    }

    /// Adds bytes to the field being read, up to a cell's most.
    private mutating func appendToField(_ bytes: UnsafeBufferPointer<UInt8>) {
        let room = SheetLimits.cellBytes + 1 - field.count
        if bytes.count <= room {
            field.append(contentsOf: bytes)
        } else {
            if room > 0 { field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<room])) }
            fieldCut = true
        }
    }

    private mutating func appendToField(_ byte: UInt8) {
        if field.count <= SheetLimits.cellBytes { field.append(byte) } else { fieldCut = true }
    }

    private mutating func feedBytes(_ bytes: some Sequence<UInt8>, _ record: (Record) -> Void) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        for byte in bytes {
            if atStart {
                if bomSeen < 3 && byte == bom[bomSeen] {
                    bomSeen += 1
                    if bomSeen == 3 { atStart = false }
                    continue
                }
                atStart = false
                if bomSeen > 0 {
                    // Not a byte-order mark after all: its bytes are text.
                    for b in bom[0..<bomSeen] { take(b, record) }
                }
            }
            take(byte, record)
        }
    }

    private mutating func take(_ byte: UInt8, _ record: (Record) -> Void) {
        let quote = UInt8(ascii: "\"")
        // The LF of a CR LF: the line was counted at the CR.
        let secondOfCRLF = previousWasCR && byte == 0x0A
        previousWasCR = false
        if secondOfCRLF && !inQuotes { return }  // the record already ended at the CR
        if inQuotes {
            if byte == quote {
                inQuotes = false
                afterQuote = true
            } else {
                if byte == 0x0A && !secondOfCRLF { line += 1 }
                if byte == 0x0D {
                    line += 1
                    previousWasCR = true
                }
                appendToField(byte)
            }
            return
        }
        if afterQuote && byte == quote {
            // A doubled quote inside a quoted field.
            appendToField(quote)
            inQuotes = true
            afterQuote = false
            return
        }
        switch byte {
        case delimiter:
            endField()
        case 0x0A, 0x0D:
            endRecord(record)
            line += 1
            previousWasCR = byte == 0x0D
        case quote where !fieldStarted:
            inQuotes = true
            quoteLine = line
            fieldStarted = true
        default:
            appendToField(byte)
            fieldStarted = true
        }
        if byte != quote { afterQuote = false }
    }

    private mutating func endField() {
        if fields.count >= SheetLimits.columns {
            // Past a sheet's last column: counted, never kept.
            if overflow == nil { overflow = Overflow(kind: .columns, column: fields.count + 1) }
        } else if fieldCut || SheetLimits.overfills(field) {
            if overflow == nil { overflow = Overflow(kind: .cell, column: fields.count + 1) }
            fields.append("")
        } else {
            fields.append(String(decoding: field, as: UTF8.self))
        }
        fieldCut = false
        field.removeAll(keepingCapacity: true)
        fieldStarted = false
        afterQuote = false
    }

    /// Hands on the fields collected, the last one included already.
    private mutating func emitRecord(_ record: (Record) -> Void) {
        record(Record(line: recordLine, fields: fields, overflow: overflow))
        overflow = nil
        fields.removeAll(keepingCapacity: true)
        recordLine = line + 1
    }

    private mutating func endRecord(_ record: (Record) -> Void) {
        // A blank line is no record, as Python's csv reads it.
        if fields.isEmpty && field.isEmpty && !fieldStarted {
            recordLine = line + 1
            return
        }
        endField()
        record(Record(line: recordLine, fields: fields, overflow: overflow))
        overflow = nil
        fields.removeAll(keepingCapacity: true)
        recordLine = line + 1
    }

    /// Ends the input: the last record if it had no line break; an error if a quote is open.
    public mutating func finish(_ record: (Record) -> Void) throws(UnclosedQuote) {
        if inQuotes { throw UnclosedQuote(line: quoteLine, column: fields.count + 1) }
        if !fields.isEmpty || !field.isEmpty || fieldStarted { endRecord(record) }
    }
}
