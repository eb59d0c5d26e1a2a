#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FastText
import Foundation
import MBXML
import ZIPFoundation

/// One sheet of an Excel workbook (`.xlsx`: zipped XML) read a row at a time. The workbook's
/// small parts (its sheet list, the shared strings, the styles that say which numbers are
/// dates) are read whole; the sheet itself is unzipped to an unlinked temporary file and
/// streamed through libxml2, so a sheet of a million rows costs the memory of one chunk.
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
    /// The small parts (sheet list, shared strings, styles) are read into memory up to this.
    public static let smallPartLimit = 256 << 20

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
        let book = try Self.part(archive, "xl/workbook.xml", path)
        let relations = try Self.part(archive, "xl/_rels/workbook.xml.rels", path)
        var targets: [String: String] = [:]
        for relation in relations.root.children(named: "Relationship") {
            if let id = relation[attribute: "Id"], let target = relation[attribute: "Target"] { targets[id] = target }
        }
        var sheets: [(name: String, target: String)] = []
        for entry in book.root.child(named: "sheets")?.children(named: "sheet") ?? [] {
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
        let date1904 = book.root.child(named: "workbookPr")?[attribute: "date1904"].map { $0 == "1" || $0 == "true" } ?? false
        let shared = try archive["xl/sharedStrings.xml"].map { entry throws(SheetError) in try SharedStrings.read(Self.bytes(archive, entry, path, limit: Self.smallPartLimit), path) } ?? []
        let styles = try archive["xl/styles.xml"].map { entry throws(SheetError) in try Self.parse(Self.bytes(archive, entry, path, limit: Self.smallPartLimit), "xl/styles.xml", path) }
        let dates = DateStyles(styles?.root)
        guard let entry = archive[chosen.target] else {
            throw SheetError("'\(path)' names sheet '\(chosen.name)' at \(chosen.target), which is not in the archive; the workbook is damaged")
        }
        rows = WorkbookRows(shared: shared, dateStyles: dates, date1904: date1904)
        let unzipped = try Self.unzip(archive, entry, path)
        do {
            reader = try XMLEventReader(path: unzipped, schema: nil, vocabulary: WorkbookRows.vocabulary, handler: rows)
        } catch {
            unlink(unzipped)
            throw SheetError("'\(path)': its sheet '\(chosen.name)' cannot be read: \(error.diagnostics.first?.message ?? "unreadable")")
        }
        // The reader holds the file open: its name can go now, so nothing is left behind.
        unlink(unzipped)
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

    private static func part(_ archive: Archive, _ name: String, _ path: String) throws(SheetError) -> XMLParsedDocument {
        guard let entry = archive[name] else {
            throw SheetError("'\(path)' has no \(name): it is a zip archive but not an Excel workbook; save the sheet as .xlsx or .csv")
        }
        return try parse(bytes(archive, entry, path, limit: smallPartLimit), name, path)
    }

    private static func parse(_ bytes: [UInt8], _ name: String, _ path: String) throws(SheetError) -> XMLParsedDocument {
        do {
            return try XMLDocumentReader.parse(bytes: bytes, url: name, schema: nil)
        } catch {
            throw SheetError("'\(path)': its part \(name) cannot be read (\(error.diagnostics.first?.message ?? "broken")); the workbook is damaged")
        }
    }

    private static func bytes(_ archive: Archive, _ entry: Entry, _ path: String, limit: Int) throws(SheetError) -> [UInt8] {
        var out: [UInt8] = []
        let sum: CRC32
        do {
            sum = try archive.extract(entry, skipCRC32: false) { data in
                out.append(contentsOf: data)
                if out.count > limit { throw PartTooLarge() }
            }
        } catch is PartTooLarge {
            throw SheetError("'\(path)': its part \(entry.path) unzips to more than \(limit >> 20) MiB; refused")
        } catch {
            throw SheetError("'\(path)': its part \(entry.path) cannot be unzipped (\(error)); the workbook is damaged")
        }
        try checkSum(sum, entry, path)
        return out
    }

    private struct PartTooLarge: Error {}

    /// Unzips the sheet to a private temporary file and returns its name.
    private static func unzip(_ archive: Archive, _ entry: Entry, _ path: String) throws(SheetError) -> String {
        let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/.mbt-sheet-\(getpid())-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw SheetError("cannot make a temporary file in \(folder) to unzip '\(path)': \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
        }
        let name = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(fd) }
        var written = 0
        var failure: SheetError?
        do {
            let sum = try archive.extract(entry, skipCRC32: false) { data in
                written += data.count
                if written > partLimit { throw PartTooLarge() }
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
            failure = SheetError("'\(path)': its sheet unzips to more than \(partLimit >> 30) GiB; refused")
        } catch let error as WriteFailed {
            failure = SheetError("cannot unzip '\(path)' into \(folder): \(String(cString: strerror(error.code))); free some space or set TMPDIR", unreadable: true)
        } catch {
            failure = SheetError("'\(path)': its sheet cannot be unzipped (\(error)); the workbook is damaged")
        }
        if let failure {
            unlink(name)
            throw failure
        }
        return name
    }

    private struct WriteFailed: Error { var code: Int32 }
}

/// The workbook's shared strings, in order: cells of type `s` hold an index into them.
enum SharedStrings {
    static func read(_ bytes: [UInt8], _ path: String) throws(SheetError) -> [String] {
        final class Collector: XMLEventHandler {
            var strings: [String] = []
            var current: [UInt8] = []
            var inItem = false
            /// Phonetic runs (`rPh`) are not part of the text.
            var phonetic = 0
            func startElement(_ tag: borrowing XMLStartTag) {
                switch tag.name {
                case 0: inItem = true; current.removeAll(keepingCapacity: true)
                case 2: phonetic += 1
                default: break
                }
            }
            func endElement(name: Int, depth: Int) {
                switch name {
                case 0:
                    strings.append(String(decoding: current, as: UTF8.self))
                    inItem = false
                case 2: phonetic -= 1
                default: break
                }
            }
            func characters(_ text: borrowing XMLCharacters) {
                if inItem && phonetic == 0 { current.append(contentsOf: text.bytes) }
            }
        }
        let collector = Collector()
        do {
            let reader = try XMLEventReader(bytes: bytes, url: "xl/sharedStrings.xml", schema: nil, vocabulary: XMLVocabulary(["si", "t", "rPh"], textOf: ["t"]), handler: collector)
            while try reader.step() {}
        } catch {
            throw SheetError("'\(path)': its shared strings cannot be read (\(error.diagnostics.first?.message ?? "broken")); the workbook is damaged")
        }
        return collector.strings
    }
}

/// Which cell styles show a number as a date (`styles.xml`: each cell format's number format,
/// built in or the workbook's own).
struct DateStyles: Sendable {
    private var dateStyle: [Bool] = []

    init(_ styles: XMLElement?) {
        guard let styles else { return }
        var custom: [Int: String] = [:]
        for format in styles.child(named: "numFmts")?.children(named: "numFmt") ?? [] {
            if let id = format[attribute: "numFmtId"].flatMap({ Int($0) }), let code = format[attribute: "formatCode"] { custom[id] = code }
        }
        for format in styles.child(named: "cellXfs")?.children(named: "xf") ?? [] {
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
