#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FastText
import Foundation
import MBXML
import ZIPFoundation

/// One sheet of an Excel workbook (`.xlsx`: zipped XML) read a row at a time. Every part the
/// reader needs (the sheet list, its relationships, the styles that say which numbers are
/// dates, the shared strings, the sheet) is unzipped to a temporary file that has no name (it
/// is unlinked as soon as it is made: no crash leaves it behind) and streamed through libxml2,
/// keeping only what is used: a part that unzips to gigabytes costs disk, never memory. The
/// shared strings are held as one block of text (`SharedStringTable`), within stated bounds.
///
/// A cell's value is what the workbook stored: for a formula, the cached result Excel saved
/// with it (mbt computes nothing); a number styled as a date becomes `yyyy-mm-dd`; other
/// numbers are written as the decimal a spreadsheet shows (15 significant digits), never in
/// exponent form.
public final class WorkbookSheetReader: SheetReader {
    public let file: String
    public let sheet: String?
    /// The names of the workbook's sheets, in order.
    public let sheetNames: [String]
    private let rows: WorkbookRows
    private let reader: XMLEventReader

    /// Unzipped parts larger than this are refused: a zip bomb must not fill the disk.
    public static let partLimit = 4 << 30
    /// The sheet list, its relationships and the styles are refused past this (a spreadsheet
    /// writes kilobytes; streamed, a larger one would cost time, not memory).
    public static let smallPartLimit = 256 << 20
    /// Sheets, relationships, number formats or cell formats listed in one part: Excel keeps at
    /// most 64,000 cell formats; past this the part did not come from a spreadsheet.
    public static let entriesLimit = 65_536

    /// Opens `path` and the sheet called `sheetName` (the first sheet when nil).
    public init(path: String, sheet sheetName: String? = nil) throws(SheetError) {
        file = path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SheetError("cannot open '\(path)': \(String(cString: strerror(errno)))", unreadable: true)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw SheetError("'\(path)' is not a regular file; a workbook is read from a file on disk", unreadable: true)
        }
        guard access(path, R_OK) == 0 else {
            throw SheetError("cannot open '\(path)': \(String(cString: strerror(errno)))", unreadable: true)
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw SheetError("'\(path)' is not an Excel workbook (.xlsx is a zip archive, and this is not one); save the sheet as .xlsx or .csv")
        }
        try Self.checkNames(archive, path)
        let book = try Self.elements(archive, "xl/workbook.xml", ["sheets", "sheet", "workbookPr"], path, required: true)
        let relations = try Self.elements(archive, "xl/_rels/workbook.xml.rels", ["Relationship"], path, required: true)
        var targets: [String: String] = [:]
        for (relation, _) in relations {
            if let id = relation[attribute: "Id"], let target = relation[attribute: "Target"] { targets[id] = target }
        }
        var sheets: [(name: String, target: String)] = []
        for (entry, parent) in book where entry.name == "sheet" && parent == "sheets" {
            let id = entry.attributes.first { $0.name == "id" && $0.namespace?.hasSuffix("/relationships") == true }?.value
            guard let name = entry[attribute: "name"], let id, let target = targets[id] else { continue }
            // Targets are relative to xl/, or absolute within the package.
            sheets.append((name, target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target))
        }
        sheetNames = sheets.map(\.name)
        guard let chosen = sheetName.map({ wanted in sheets.first { $0.name == wanted } }) ?? sheets.first else {
            let list = sheets.map { "'\($0.name)'" }.joined(separator: ", ")
            throw SheetError(sheetName.map { "'\(path)' has no sheet called '\($0)'; its sheets: \(list)" } ?? "'\(path)' has no sheet")
        }
        sheet = chosen.name
        let date1904 = book.first { $0.element.name == "workbookPr" }?.element[attribute: "date1904"].map { $0 == "1" || $0 == "true" } ?? false
        let shared = try archive["xl/sharedStrings.xml"].map { entry throws(SheetError) in try SharedStrings.read(Self.unzip(archive, entry, path, limit: Self.partLimit), path) } ?? SharedStringTable()
        let styles = try Self.elements(archive, "xl/styles.xml", ["numFmts", "numFmt", "cellXfs", "xf"], path, required: false)
        let dates = DateStyles(
            numberFormats: styles.filter { $0.element.name == "numFmt" && $0.parent == "numFmts" }.map(\.element),
            cellFormats: styles.filter { $0.element.name == "xf" && $0.parent == "cellXfs" }.map(\.element))
        guard let entry = archive[chosen.target] else {
            throw SheetError("'\(path)' names sheet '\(chosen.name)' at \(chosen.target), which is not in the archive; the workbook is damaged")
        }
        rows = WorkbookRows(shared: shared, dateStyles: dates, date1904: date1904)
        let unzipped = try Self.unzip(archive, entry, path, limit: Self.partLimit)
        reader = XMLEventReader(descriptor: unzipped, url: chosen.target, schema: nil, vocabulary: WorkbookRows.vocabulary, handler: rows)
    }

    public func next() throws(SheetError) -> SheetRow? {
        while true {
            if let row = rows.take() {
                // A row of empty or blank cells is no row (`SheetRow.isBlank`).
                if SheetRow.isBlank(row.cells) { continue }
                return row
            }
            if let lie = rows.lie {
                throw SheetError("\(lie.message); the workbook is damaged or was not written by a spreadsheet program", row: lie.row, column: lie.column)
            }
            if rows.ended { return nil }
            do {
                if try !reader.step() { rows.ended = true }
            } catch {
                let first = error.diagnostics.first
                throw SheetError("sheet '\(sheet ?? "")' of '\(file)' is not well-formed XML (\(first?.message ?? "broken")); the workbook is damaged: open and save it again")
            }
        }
    }

    // MARK: the archive's parts

    /// A part stored twice would be read as whichever comes first, and a tool that reads the
    /// other sees another sheet: a package names each part once (ECMA-376 part 2, 8.1.3: names
    /// compared without case), so a second is refused.
    private static func checkNames(_ archive: Archive, _ path: String) throws(SheetError) {
        var seen: Set<String> = []
        for entry in archive where !seen.insert(entry.path.lowercased()).inserted {
            throw SheetError("'\(path)' holds two parts named '\(entry.path)'; the workbook is damaged or was altered: open it in a spreadsheet program and save it again")
        }
    }

    /// ZIPFoundation works the checksum out as it unzips but leaves the comparing to us: a
    /// stored part whose bytes changed (a reading 108 become 908) is refused, not read.
    private static func checkSum(_ sum: CRC32, _ entry: Entry, _ path: String) throws(SheetError) {
        guard sum == entry.checksum else {
            throw SheetError("'\(path)': its part \(entry.path) fails its checksum (the bytes are not those the program that saved it wrote); the workbook is damaged: use the clinic's original copy or save it again")
        }
    }

    /// The elements of part `name` called one of `names`, each with its parent's name, as the
    /// part streams past: nothing else of it is kept.
    private static func elements(_ archive: Archive, _ name: String, _ names: [String], _ path: String, required: Bool) throws(SheetError) -> [(element: XMLElement, parent: String)] {
        guard let entry = archive[name] else {
            if !required { return [] }
            throw SheetError("'\(path)' has no \(name): it is a zip archive but not an Excel workbook; save the sheet as .xlsx or .csv")
        }
        let collector = PartElements(names, limit: entriesLimit)
        let reader = XMLEventReader(descriptor: try unzip(archive, entry, path, limit: smallPartLimit), url: name, schema: nil, vocabulary: collector.vocabulary, handler: collector)
        do {
            while try reader.step() {}
        } catch {
            throw SheetError("'\(path)': its part \(name) cannot be read (\(error.diagnostics.first?.message ?? "broken")); the workbook is damaged")
        }
        if let over = collector.overflowing {
            throw SheetError("'\(path)': its part \(name) lists more than \(entriesLimit.formatted) <\(over)> (a spreadsheet keeps at most 64,000 cell formats); the workbook was not saved by a spreadsheet program")
        }
        return collector.found
    }

    private struct PartTooLarge: Error {}

    /// Unzips `entry` to a private temporary file, unlinked at once, and returns it open at its
    /// start: the file lives while it is open and disappears with the run, however it ends.
    private static func unzip(_ archive: Archive, _ entry: Entry, _ path: String, limit: Int) throws(SheetError) -> Int32 {
        let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let fd = makeUnnamedFile(in: folder, prefix: ".mbt-sheet-")
        guard fd >= 0 else {
            throw SheetError("cannot make a temporary file in \(folder) to unzip '\(path)': \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
        }
        var written = 0
        var failure: SheetError?
        do {
            let sum = try archive.extract(entry, skipCRC32: false) { data in
                written += data.count
                if written > limit { throw PartTooLarge() }
                try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                    var offset = 0
                    while offset < raw.count {
                        let n = retryingOnInterrupt { write(fd, raw.baseAddress! + offset, raw.count - offset) }
                        if n <= 0 { throw WriteFailed(code: errno) }
                        offset += n
                    }
                }
            }
            try checkSum(sum, entry, path)
        } catch let error as SheetError {
            failure = error
        } catch is PartTooLarge {
            let size = limit >= 1 << 30 ? "\(limit >> 30) GiB" : "\(limit >> 20) MiB"
            failure = SheetError("'\(path)': its part \(entry.path) unzips to more than \(size); refused (a zip bomb, or not a workbook a spreadsheet program saved)")
        } catch let error as WriteFailed {
            failure = SheetError("cannot unzip '\(path)' into \(folder): \(String(cString: strerror(error.code))); free some space or set TMPDIR", unreadable: true)
        } catch {
            failure = SheetError("'\(path)': its part \(entry.path) cannot be unzipped (\(error)); the workbook is damaged")
        }
        if let failure {
            close(fd)
            throw failure
        }
        lseek(fd, 0, SEEK_SET)
        return fd
    }

    private struct WriteFailed: Error { var code: Int32 }
}

/// Collects the elements of a part called one of its names, with their parent's name, as the
/// part streams past; past `limit` of them it stops collecting and says which name overflowed.
final class PartElements: XMLEventHandler {
    let vocabulary: XMLVocabulary
    private let names: [String]
    private let limit: Int
    private(set) var found: [(element: XMLElement, parent: String)] = []
    private(set) var overflowing: String?
    /// The open elements' vocabulary indices (unknown for others); depth is bounded by the reader.
    private var open: [Int] = []

    init(_ names: [String], limit: Int) {
        self.names = names
        self.limit = limit
        vocabulary = XMLVocabulary(names, textOf: [])
    }

    func startElement(_ tag: borrowing XMLStartTag) {
        if tag.name != XMLVocabulary.unknown {
            if found.count < limit {
                found.append((tag.element(), open.last.map { $0 == XMLVocabulary.unknown ? "" : names[$0] } ?? ""))
            } else if overflowing == nil {
                overflowing = names[tag.name]
            }
        }
        open.append(tag.name)
    }

    func endElement(name: Int, depth: Int) { _ = open.popLast() }

    func characters(_ text: borrowing XMLCharacters) {}
}

/// The workbook's shared strings (cells of type `s` hold an index into them), held as one block
/// of UTF-8 and where each ends: fifteen million one-letter strings take 75 MB, not 800.
struct SharedStringTable: Sendable {
    private var text: [UInt8] = []
    private var ends: [UInt32] = []
    /// Strings longer than a cell can hold: refused at the cell that uses one.
    private var overlong: Set<Int> = []

    /// The text they may hold together, and how many there may be: a bound on memory that no
    /// workbook a spreadsheet saved comes near (README, "Limits").
    static let textLimit = 256 << 20
    static let countLimit = 1 << 24

    var count: Int { ends.count }

    /// The string at `index`, or nil when it holds more than a cell can.
    subscript(index: Int) -> String? {
        if !overlong.isEmpty && overlong.contains(index) { return nil }
        let start = index == 0 ? 0 : Int(ends[index - 1])
        return text.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<Int(ends[index])]), as: UTF8.self) }
    }

    /// Adds a string; false when the table is full.
    mutating func append(_ bytes: [UInt8], cut: Bool) -> Bool {
        guard ends.count < Self.countLimit else { return false }
        if cut || SheetLimits.overfills(bytes) {
            overlong.insert(ends.count)
        } else {
            guard text.count + bytes.count <= Self.textLimit else { return false }
            text.append(contentsOf: bytes)
        }
        ends.append(UInt32(text.count))
        return true
    }
}

/// Reads `xl/sharedStrings.xml` as it streams past.
enum SharedStrings {
    static func read(_ fd: Int32, _ path: String) throws(SheetError) -> SharedStringTable {
        final class Collector: XMLEventHandler {
            var table = SharedStringTable()
            var current: [UInt8] = []
            var cut = false
            var inItem = false
            var full = false
            /// Phonetic runs (`rPh`) are not part of the text.
            var phonetic = 0
            func startElement(_ tag: borrowing XMLStartTag) {
                switch tag.name {
                case 0:
                    inItem = true
                    cut = false
                    current.removeAll(keepingCapacity: true)
                case 2: phonetic += 1
                default: break
                }
            }
            func endElement(name: Int, depth: Int) {
                switch name {
                case 0:
                    if !full && !table.append(current, cut: cut) { full = true }
                    inItem = false
                case 2: phonetic -= 1
                default: break
                }
            }
            func characters(_ text: borrowing XMLCharacters) {
                guard inItem && phonetic == 0 && !full else { return }
                if !SheetLimits.appendToCell(text.bytes, to: &current) { cut = true }
            }
        }
        let collector = Collector()
        let reader = XMLEventReader(descriptor: fd, url: "xl/sharedStrings.xml", schema: nil, vocabulary: XMLVocabulary(["si", "t", "rPh"], textOf: ["t"]), handler: collector)
        do {
            while try reader.step() {}
        } catch {
            throw SheetError("'\(path)': its shared strings cannot be read (\(error.diagnostics.first?.message ?? "broken")); the workbook is damaged")
        }
        if collector.full {
            throw SheetError("'\(path)': its shared strings hold more than \(SharedStringTable.countLimit.formatted) strings or \(SharedStringTable.textLimit >> 20) MiB of text, more than mbt reads (README, \"Limits\"); save the sheet as CSV")
        }
        return collector.table
    }
}

/// Which cell styles show a number as a date (`styles.xml`: each cell format's number format,
/// built in or the workbook's own).
struct DateStyles: Sendable {
    private var dateStyle: [Bool] = []

    /// From styles.xml's `numFmts/numFmt` and `cellXfs/xf` elements.
    init(numberFormats: [XMLElement], cellFormats: [XMLElement]) {
        var custom: [Int: String] = [:]
        for format in numberFormats {
            if let id = format[attribute: "numFmtId"].flatMap({ Int($0) }), let code = format[attribute: "formatCode"] { custom[id] = code }
        }
        for format in cellFormats {
            let id = format[attribute: "numFmtId"].flatMap { Int($0) } ?? 0
            dateStyle.append(custom[id].map(Self.isDateCode) ?? Self.builtInDates.contains(id))
        }
    }

    func isDate(style: Int) -> Bool { style >= 0 && style < dateStyle.count && dateStyle[style] }

    /// ECMA-376 part 1, 18.8.30: the built-in number formats that show dates.
    static let builtInDates: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// A format code shows a date when, outside quoted text and [brackets], it has a day or a
    /// year (`m` alone may be minutes).
    static func isDateCode(_ code: String) -> Bool {
        var quoted = false, bracket = false, escaped = false
        for c in code {
            if escaped { escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[" where !quoted: bracket = true
            case "]" where !quoted: bracket = false
            case "d", "D", "y", "Y": if !quoted && !bracket { return true }
            default: break
            }
        }
        return false
    }
}
