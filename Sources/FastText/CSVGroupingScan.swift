/// Whether the records of a CSV file keep each key together: every record of a key (a
/// patient's id) on consecutive records, whatever other records lie before and after. A sheet
/// kept in date order (a row appended per visit) does not; it has to be gathered by key before
/// it can be read a patient at a time.
///
/// A pass over the bytes that makes no String: the key field's bytes (between delimiters,
/// trimmed of spaces and tabs, a quoted field's quotes left out) are hashed, and a hash seen
/// before, but not on the record before, ends the scan. Quotes, line breaks inside quotes, CR LF
/// and a byte-order mark are read as `CSVRecordReader` reads them, held to it in the tests. A
/// collision of two keys' 64-bit hashes can only make a sheet look grouped when it is not: it
/// then reads as it did before gathering existed, and a duplicate id is an error, not data
/// lost.
public struct CSVGroupingScan {
    public let delimiter: UInt8
    /// The key's field, 0-based.
    public let keyField: Int
    /// The records to pass over first (a header), counted as `CSVRecordReader` counts them:
    /// blank lines are no record.
    private var skip: Int
    public private(set) var grouped = true

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
    private var previousKey: UInt64?
    private var seen: Set<UInt64> = []

    private static let basis: UInt64 = 0xcbf2_9ce4_8422_2325

    public init(delimiter: UInt8 = UInt8(ascii: ","), keyField: Int, skipRecords: Int = 1) {
        self.delimiter = delimiter
        self.keyField = keyField
        self.skip = skipRecords
    }

    /// Feeds the next bytes; returns false once the answer is known (not grouped).
    public mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let quote = UInt8(ascii: "\"")
        var i = 0
        let n = buffer.count
        if atStart {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while i < n, bomSeen < 3, buffer[i] == bom[bomSeen] {
                bomSeen += 1
                i += 1
            }
            if i < n || bomSeen == 3 {
                atStart = false
                // Not a byte-order mark after all: its bytes are text.
                if bomSeen > 0 && bomSeen < 3 { for b in bom[0..<bomSeen] { take(b) } }
            }
        }
        while i < n && grouped {
            // Bytes of a field other than the key: only what ends it matters.
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
            take(buffer[i])
            i += 1
        }
        return grouped
    }

    /// Ends the input: the last record, if it had no line break.
    public mutating func finish() -> Bool {
        if recordStarted || fieldStarted { endRecord() }
        return grouped
    }

    private mutating func take(_ byte: UInt8) {
        let quote = UInt8(ascii: "\"")
        let secondOfCRLF = previousWasCR && byte == 0x0A
        previousWasCR = false
        if secondOfCRLF && !inQuotes { return }
        if inQuotes {
            if byte == quote {
                inQuotes = false
                afterQuote = true
            } else {
                if byte == 0x0D { previousWasCR = true }
                text(byte)
            }
            return
        }
        if afterQuote && byte == quote {
            text(quote)
            inQuotes = true
            afterQuote = false
            return
        }
        afterQuote = false
        switch byte {
        case delimiter:
            recordStarted = true
            field += 1
            fieldStarted = false
        case 0x0A, 0x0D:
            endRecord()
            previousWasCR = byte == 0x0D
        case quote where !fieldStarted:
            inQuotes = true
            fieldStarted = true
            recordStarted = true
        default:
            fieldStarted = true
            text(byte)
        }
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

    private mutating func endRecord() {
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
        // A blank line, or a row of empty cells, is no row (as the readers skip it).
        guard recordStarted, recordHasText else { return }
        if skip > 0 {
            skip -= 1
            return
        }
        // A row with no key belongs to no patient: the reader reports it.
        guard keyHasText else { return }
        if hash == previousKey { return }
        if seen.contains(hash) {
            grouped = false
            return
        }
        if let previousKey { seen.insert(previousKey) }
        previousKey = hash
    }
}
