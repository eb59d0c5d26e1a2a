import FastText
import Foundation
import MBXML
import ZIPFoundation

/// An Excel workbook of one sheet holding a header row (`mbt template -o clinic.xlsx`): the
/// header frozen so that it stays in view, and drop-down lists where a column takes one of a
/// few words (sex, side). The parts are the fewest a spreadsheet program opens without a
/// repair; the zip is made in memory by ZIPFoundation and written whole by the caller.
public enum WorkbookWriter {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The workbook's bytes: `header` in row 1 of a sheet named `sheet`, and for each column
    /// index in `lists` a drop-down of its words on every row below.
    public static func workbook(header: [String], lists: [Int: [String]] = [:], sheet: String = "Sheet1") throws(Failure) -> [UInt8] {
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbookPart(sheet)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/worksheets/sheet1.xml", sheetPart(header, lists)),
        ]
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw Failure(description: "the workbook could not be assembled") }
            return [UInt8](data)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "the workbook could not be assembled: \(error)")
        }
    }

    /// "A", "Z", "AA": a column's letters from its 0-based index.
    static func columnLetters(_ index: Int) -> String { spreadsheetColumnLetters(index + 1) }

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    static let contentTypes = declaration + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        </Types>
        """

    static let rootRelationships = declaration + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    static let workbookRelationships = declaration + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        </Relationships>
        """

    static func workbookPart(_ sheet: String) -> String {
        declaration + """
            <workbook xmlns="\(main)" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets><sheet name="\(xmlAttributeText(sheet))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """
    }

    static func sheetPart(_ header: [String], _ lists: [Int: [String]]) -> String {
        var cells = ""
        for (i, name) in header.enumerated() {
            cells += "<c r=\"\(columnLetters(i))1\" t=\"inlineStr\"><is><t>\(xmlAttributeText(name))</t></is></c>"
        }
        var validations = ""
        let listed = lists.keys.sorted().filter { $0 < header.count }
        if !listed.isEmpty {
            validations = "<dataValidations count=\"\(listed.count)\">"
            for column in listed {
                let letters = columnLetters(column)
                let words = (lists[column] ?? []).joined(separator: ",")
                validations += "<dataValidation type=\"list\" allowBlank=\"1\" showErrorMessage=\"1\" sqref=\"\(letters)2:\(letters)1048576\">"
                validations += "<formula1>\"\(xmlAttributeText(words))\"</formula1></dataValidation>"
            }
            validations += "</dataValidations>"
        }
        let last = columnLetters(max(header.count - 1, 0))
        return declaration + """
            <worksheet xmlns="\(main)">\
            <dimension ref="A1:\(last)1"/>\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            <sheetData><row r="1">\(cells)</row></sheetData>\(validations)</worksheet>
            """
    }
}
