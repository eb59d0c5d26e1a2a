/// The records of a CSV file as byte ranges, each with its line and a hash of one field (a
/// patient's id), found without making a String: what it takes to tell whether a sheet keeps
/// each patient's rows together (`CSVGroupingScan`) and to gather them when it does not, a
/// record's bytes moved whole and parsed once, later.
///
/// Quotes, line breaks inside quotes, CR LF, a lone CR and a byte-order mark are read as
/// `CSVRecordReader` reads them, held to it in the tests; so are lines (a record's is the line
/// it starts on). A blank line and a row of empty or blank cells (",,,,") are no record, as the
/// sheet readers skip them. The key field's bytes are hashed trimmed of spaces and tabs and
/// without a quoted field's quotes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct CSVRecordSplitter {
    /// One record: `start..<end` in the file (its terminator not included), its first line.
    public struct Record: Equatable, Sendable {
        public var start: Int
        public var end: Int
        public var line: Int
        /// FNV-1a of the key field's text; nil when the field is empty.
        public var key: UInt64?
    }

    public struct UnclosedQuote: Error, Equatable, Sendable {
        public var line: Int
    }

    public let delimiter: UInt8
    /// The key's field, 0-based.
    public let keyField: Int
    /// The records to pass over first (a header).
    private var skip: Int

    /// The file offset of the next byte fed.
    private var offset = 0
    private var line = 1
    private var recordStart = 0
    private var recordLine = 1
    private var quoteLine = 0
    private var field = 0
    private var inQuotes = false
    private var afterQuote = false
    private var fieldStarted = false
    private var previousWasCR = false
    private var bomSeen = 0
    private var atStart = true
    /// The record has a byte other than a delimiter (a blank line is no record).
    private var recordStarted = false
    /// The record has a byte other than spaces, tabs, delimiters and quotes.
    private var recordHasText = false
    private var hash: UInt64 = Self.basis
    private var keyHasText = false
    /// Spaces and tabs inside the key not yet hashed: hashed only if text follows them.
    private var pendingSpaces: [UInt8] = []

    private static let basis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Where the record being read began: bytes before it can be let go.
    public var currentRecordStart: Int { recordStart }

    public init(delimiter: UInt8 = UInt8(ascii: ","), keyField: Int, skipRecords: Int = 1) {
        self.delimiter = delimiter
        self.keyField = keyField
        self.skip = skipRecords
    }

    /// Feeds the next bytes of the file; `record` is called for each record complete, and may
    /// return false to stop the feed (the rest of `buffer` is then not read).
    public mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>, _ record: (Record) -> Bool) -> Bool {
        let quote = UInt8(ascii: "\"")
        var i = 0
        let n = buffer.count
        defer { offset += n }
        if atStart {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while i < n, bomSeen < 3, buffer[i] == bom[bomSeen] {
                bomSeen += 1
                i += 1
            }
            if i < n || bomSeen == 3 {
                atStart = false
                // Not a byte-order mark after all: its bytes are text.
                if bomSeen > 0 && bomSeen < 3 {
                    for b in bom[0..<bomSeen] where !take(b, at: offset, record) { return false }
                }
            }
        }
        // Where the next line break and quote are, found by libc's memchr (a few bytes an
        // instruction) and kept until passed.
        var nextLF = -1, nextCR = -1, nextQuote = -1
        func next(_ byte: UInt8, from i: Int, _ cached: inout Int) -> Int {
            if cached >= i { return cached }
            let found = memchr(buffer.baseAddress! + i, Int32(byte), n - i)
            cached = found.map { buffer.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? n
            return cached
        }
        while i < n {
            // Past the key, with the row's text seen, nothing but the record's end and a quote
            // (which may hide a line break) matters: jumped to, not walked. Walking every byte
            // was 5% of reading a long sheet kept by patient (Benchmarks/RESULTS.md, issue 27).
            if field > keyField && recordHasText && !inQuotes && !afterQuote && !previousWasCR {
                let j = min(next(0x0A, from: i, &nextLF), next(0x0D, from: i, &nextCR), next(quote, from: i, &nextQuote))
                // A quote opens a quoted field only as the field's first byte.
                if j > i { fieldStarted = buffer[j - 1] != delimiter }
                i = j
                guard i < n else { break }
                if buffer[i] == quote && fieldStarted {
                    // A quote inside an unquoted field is text: the reader keeps it so.
                    i += 1
                    continue
                }
            }
            // The run is found first, then looked at once: a byte at a time through the state
            // cost as much as reading the sheet's cells (Benchmarks/RESULTS.md, issue 27).
            if !inQuotes && !afterQuote && !previousWasCR {
                var j = i
                while j < n {
                    let b = buffer[j]
                    if b == delimiter || b == 0x0A || b == 0x0D || b == quote { break }
                    j += 1
                }
                if j > i {
                    recordStarted = true
                    fieldStarted = true
                    if field == keyField {
                        for k in i..<j { text(buffer[k]) }
                    } else if !recordHasText {
                        for k in i..<j where buffer[k] != 0x20 && buffer[k] != 0x09 {
                            recordHasText = true
                            break
                        }
                    }
                }
                i = j
                guard i < n else { break }
            }
            if !take(buffer[i], at: offset + i, record) { return false }
            i += 1
        }
        return true
    }

    /// Ends the file: the last record, if it had no line break; an error if a quote is open.
    public mutating func finish(_ record: (Record) -> Bool) throws(UnclosedQuote) {
        if inQuotes { throw UnclosedQuote(line: quoteLine) }
        if recordStarted || fieldStarted { _ = endRecord(at: offset, record) }
    }

    private mutating func take(_ byte: UInt8, at position: Int, _ record: (Record) -> Bool) -> Bool {
        let quote = UInt8(ascii: "\"")
        let secondOfCRLF = previousWasCR && byte == 0x0A
        previousWasCR = false
        if secondOfCRLF {
            if inQuotes {
                text(byte)
            } else {
                // The record ended at the CR; the next begins after the LF.
                recordStart = position + 1
            }
            return true
        }
        if inQuotes {
            if byte == quote {
                inQuotes = false
                afterQuote = true
            } else {
                if byte == 0x0A || byte == 0x0D {
                    line += 1
                    previousWasCR = byte == 0x0D
                }
                text(byte)
            }
            return true
        }
        if afterQuote && byte == quote {
            text(quote)
            inQuotes = true
            afterQuote = false
            return true
        }
        afterQuote = false
        switch byte {
        case delimiter:
            recordStarted = true
            field += 1
            fieldStarted = false
        case 0x0A, 0x0D:
            let go = endRecord(at: position, record)
            line += 1
            recordStart = position + 1
            recordLine = line
            previousWasCR = byte == 0x0D
            return go
        case quote where !fieldStarted:
            inQuotes = true
            quoteLine = line
            fieldStarted = true
            recordStarted = true
        default:
            fieldStarted = true
            text(byte)
        }
        return true
    }

    /// A byte of a field's text.
    private mutating func text(_ byte: UInt8) {
        recordStarted = true
        let blank = byte == 0x20 || byte == 0x09
        if !blank { recordHasText = true }
        guard field == keyField else { return }
        if blank {
            if keyHasText { pendingSpaces.append(byte) }
            return
        }
        for s in pendingSpaces { hash = (hash ^ UInt64(s)) &* 0x0000_0100_0000_01b3 }
        pendingSpaces.removeAll(keepingCapacity: true)
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        keyHasText = true
    }

    private mutating func endRecord(at end: Int, _ record: (Record) -> Bool) -> Bool {
        defer {
            field = 0
            fieldStarted = false
            afterQuote = false
            recordStarted = false
            recordHasText = false
            hash = Self.basis
            keyHasText = false
            pendingSpaces.removeAll(keepingCapacity: true)
        }
        guard recordStarted, recordHasText else { return true }
        if skip > 0 {
            skip -= 1
            return true
        }
        return record(Record(start: recordStart, end: end, line: recordLine, key: keyHasText ? hash : nil))
    }
}

/// Whether the records of a CSV file keep each key together: every record of a key (a
/// patient's id) on consecutive records, whatever other records lie before and after. A sheet
/// kept in date order (a row appended per visit) does not; it has to be gathered by key before
/// it can be read a patient at a time.
///
/// A key seen before, but not on the record before, ends the scan. A collision of two keys'
/// 64-bit hashes can only make a sheet look grouped when it is not: it then reads as it did
/// before gathering existed, and a duplicate id is an error, not data lost.
public struct CSVGroupingScan {
    private var splitter: CSVRecordSplitter
    private var keys = KeyRuns()
    public var grouped: Bool { keys.grouped }

    public init(delimiter: UInt8 = UInt8(ascii: ","), keyField: Int, skipRecords: Int = 1) {
        splitter = CSVRecordSplitter(delimiter: delimiter, keyField: keyField, skipRecords: skipRecords)
    }

    /// Feeds the next bytes; returns false once the answer is known (not grouped).
    public mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        // Taken out, not copied: a copy of the set of keys would be made at each insert.
        var keys = KeyRuns()
        swap(&keys, &self.keys)
        _ = splitter.feed(buffer) { keys.check($0) }
        swap(&keys, &self.keys)
        return grouped
    }

    /// Ends the input: the last record, if it had no line break. An unclosed quote is the
    /// reader's to report; the answer stands.
    public mutating func finish() -> Bool {
        var keys = KeyRuns()
        swap(&keys, &self.keys)
        try? splitter.finish { keys.check($0) }
        swap(&keys, &self.keys)
        return grouped
    }

    /// The keys seen, each once its run of records ended.
    private struct KeyRuns {
        var grouped = true
        var previous: UInt64?
        var seen: Set<UInt64> = []

        /// False (stop) at a key seen before, not on the record before.
        mutating func check(_ record: CSVRecordSplitter.Record) -> Bool {
            // A row with no key belongs to no patient: the reader reports it.
            guard let key = record.key, key != previous else { return true }
            if seen.contains(key) {
                grouped = false
                return false
            }
            if let previous { seen.insert(previous) }
            previous = key
            return true
        }
    }
}
