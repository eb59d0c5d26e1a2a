#if canImport(Glibc)
import FastText
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MuscleBalanceCore

/// Finds columns for diagnostics that know only their line and what they point at (libxml2
/// keeps no column for elements, and schema errors come with column 0). The source is scanned
/// once, line by line, only when some diagnostic needs it: memory stays flat for any file size.
public enum ColumnResolver {
    public static func resolve(_ diagnostics: [Diagnostic], bytes: [UInt8]) -> [Diagnostic] {
        let wanted = Set(diagnostics.filter { $0.column == 0 && $0.line > 0 }.map(\.line))
        guard !wanted.isEmpty else { return diagnostics }
        var lines: [Int: [UInt8]] = [:]
        var lineNumber = 1
        var start = 0
        for index in 0...bytes.count {
            if index == bytes.count || bytes[index] == 10 {
                if wanted.contains(lineNumber) { lines[lineNumber] = Array(bytes[start..<index]) }
                lineNumber += 1
                start = index + 1
            }
        }
        return apply(diagnostics, lines: lines)
    }

    /// The longest prefix of a line kept to find a column in: a hostile file written on one
    /// line must not be read into memory whole just to point into it.
    static let lineLimit = 1 << 20

    public static func resolve(_ diagnostics: [Diagnostic], path: String) -> [Diagnostic] {
        let wanted = Set(diagnostics.filter { $0.column == 0 && $0.line > 0 }.map(\.line))
        guard !wanted.isEmpty, let last = wanted.max() else { return diagnostics }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return diagnostics }
        defer { close(fd) }
        var lines: [Int: [UInt8]] = [:]
        var lineNumber = 1
        var current: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        // Line numbers only grow: the wanted ones, in order, with the next one not yet passed.
        let ordered = wanted.sorted()
        var next = 0
        func isWanted(_ line: Int) -> Bool {
            while next < ordered.count && ordered[next] < line { next += 1 }
            return next < ordered.count && ordered[next] == line
        }
        reading: while lineNumber <= last {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n <= 0 { break }
            // Line ends found with memchr: a clinic file is read to its last warning, and a
            // byte-by-byte scan of it cost more than scoring a patient.
            let done = chunk.withUnsafeBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress else { return true }
                var start = 0
                while let found = memchr(base + start, 10, n - start) {
                    let index = found.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
                    if isWanted(lineNumber) {
                        current += buffer[start..<min(index, start + max(0, lineLimit - current.count))]
                        lines[lineNumber] = current
                    }
                    current.removeAll(keepingCapacity: true)
                    lineNumber += 1
                    start = index + 1
                    if lineNumber > last { return true }
                }
                if isWanted(lineNumber) && current.count < lineLimit {
                    current += buffer[start..<min(n, start + lineLimit - current.count)]
                }
                return false
            }
            if done { break reading }
        }
        if isWanted(lineNumber), !current.isEmpty, lines[lineNumber] == nil { lines[lineNumber] = current }
        return apply(diagnostics, lines: lines)
    }

    static func apply(_ diagnostics: [Diagnostic], lines: [Int: [UInt8]]) -> [Diagnostic] {
        diagnostics.map { diagnostic in
            guard diagnostic.column == 0, let line = lines[diagnostic.line] else { return diagnostic }
            var resolved = diagnostic
            resolved.column = column(in: line, anchor: diagnostic.anchor, occurrence: diagnostic.occurrence)
            return resolved
        }
    }

    /// 1-based column, in characters, of the anchor on the line; the first non-blank character
    /// when the anchor is not on it (an element that spans lines).
    static func column(in line: [UInt8], anchor: SourceAnchor?, occurrence: Int = 0) -> Int {
        var offset: Int?
        switch anchor {
        case .element(let name):
            offset = elementStart(line, name, occurrence: occurrence)
        case .attribute(let element, let name):
            let from = elementStart(line, element, occurrence: occurrence) ?? 0
            offset = attributeStart(line, name, from: from) ?? elementStart(line, element, occurrence: occurrence)
        case .trial(let index):
            // The trial when it is on the measure's line, else the measure.
            let measure = elementStart(line, "measure", occurrence: occurrence)
            offset = elementStart(line, "trial", occurrence: index, from: measure ?? 0, exactly: true) ?? measure
        case nil:
            offset = nil
        }
        let byteOffset = offset ?? (line.firstIndex { $0 != 32 && $0 != 9 } ?? 0)
        // Count characters, not bytes: continuation bytes of UTF-8 do not start a character.
        return line[..<min(byteOffset, line.count)].count { $0 & 0xC0 != 0x80 } + 1
    }

    /// Where the `occurrence`-th element called `name` starts on the line, from `from`; when
    /// there are fewer, the first one, or nil `exactly` (a trial on a later line than its
    /// measure is not the measure's first trial on this one).
    private static func elementStart(_ line: [UInt8], _ name: String, occurrence: Int, from: Int = 0, exactly: Bool = false) -> Int? {
        let needle = Array(name.utf8)
        var i = from
        var seen = 0
        var first: Int?
        while i < line.count {
            if line[i] == UInt8(ascii: "<") {
                // Skip a namespace prefix: <m:patient
                var j = i + 1
                var k = j
                while k < line.count, line[k] != UInt8(ascii: ":"), isNameByte(line[k]) { k += 1 }
                if k < line.count, line[k] == UInt8(ascii: ":") { j = k + 1 }
                if matches(line, at: j, needle), j + needle.count == line.count || !isNameByte(line[j + needle.count]) {
                    if seen == occurrence { return i }
                    if first == nil { first = i }
                    seen += 1
                }
            }
            i += 1
        }
        return exactly ? nil : first
    }

    private static func attributeStart(_ line: [UInt8], _ name: String, from: Int) -> Int? {
        let needle = Array(name.utf8)
        var i = from
        while i < line.count {
            if (line[i] == 32 || line[i] == 9), matches(line, at: i + 1, needle) {
                var k = i + 1 + needle.count
                while k < line.count, line[k] == 32 { k += 1 }
                if k < line.count, line[k] == UInt8(ascii: "=") { return i + 1 }
            }
            i += 1
        }
        return nil
    }

    private static func matches(_ line: [UInt8], at index: Int, _ needle: [UInt8]) -> Bool {
        guard index >= 0, index + needle.count <= line.count else { return false }
        return line[index..<(index + needle.count)].elementsEqual(needle)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
            || byte == 95 || byte == 46 || byte >= 128
    }
}
