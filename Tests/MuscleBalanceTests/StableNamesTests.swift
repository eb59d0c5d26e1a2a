import Foundation
import TestSupport
import Testing

/// Report names and recorded inputs that do not depend on the order, the spelling or the rest
/// of the batch, and a summary that keeps describing every report in the folder.
@Suite("Stable names")
struct StableNamesTests {
    let scratch = Scratch("names")

    /// A folder holding a/clinic.xml and b/clinic.xml (the example, and a copy with one patient
    /// fewer), and an output folder beside them.
    func clinicFolder() throws -> String {
        let root = try scratch.directory("clinic")
        let example = try String(contentsOfFile: Paths.example, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/b", withIntermediateDirectories: true)
        try example.write(toFile: root + "/a/clinic.xml", atomically: false, encoding: .utf8)
        let start = try #require(example.range(of: "  <patient id=\"RP-0003\""))
        let end = try #require(example.range(of: "</patient>", range: start.upperBound..<example.endIndex))
        try example.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
            .write(toFile: root + "/b/clinic.xml", atomically: false, encoding: .utf8)
        return root
    }

    func contents(_ folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return result
    }

    @Test("two files of the same name in two folders: the same two names and bytes in either order")
    func eitherOrder() throws {
        let root = try clinicFolder()
        let one = try run(Paths.mbtBinary, ["score", "a/clinic.xml", "b/clinic.xml", "--out", "one"], currentDirectory: root)
        let two = try run(Paths.mbtBinary, ["score", "b/clinic.xml", "a/clinic.xml", "--out", "two"], currentDirectory: root)
        #expect(one.status == 0 && two.status == 0)
        let first = try contents(root + "/one"), second = try contents(root + "/two")
        #expect(first.keys.sorted() == ["a--clinic.report.txt", "a--clinic.report.xml", "b--clinic.report.txt", "b--clinic.report.xml", "summary.csv"])
        for name in first.keys where name != "summary.csv" {
            #expect(first[name] == second[name], "\(name)")
        }
        let text = String(decoding: try #require(first["a--clinic.report.txt"]), as: UTF8.self)
        #expect(text.contains("Scored from a/clinic.xml"))
        #expect(first["a--clinic.report.txt"] != first["b--clinic.report.txt"])
    }

    @Test("a path spelled another way records the same input and writes the same bytes")
    func spelling() throws {
        let root = try clinicFolder()
        #expect(try run(Paths.mbtBinary, ["score", "a/clinic.xml", "--out", "plain"], currentDirectory: root).status == 0)
        #expect(try run(Paths.mbtBinary, ["score", "./a//clinic.xml", "--out", "dotted"], currentDirectory: root).status == 0)
        #expect(try run(Paths.mbtBinary, ["score", root + "/a/clinic.xml", "--out", root + "/absolute", "--base", root], currentDirectory: "/").status == 0)
        let plain = try contents(root + "/plain")
        #expect(plain == (try contents(root + "/dotted")))
        #expect(plain == (try contents(root + "/absolute")))
        let xml = String(decoding: try #require(plain["a--clinic.report.xml"]), as: UTF8.self)
        #expect(xml.contains("input=\"a/clinic.xml\""))
    }

    @Test("a later run of one file leaves the other's report alone, and the summary keeps its rows")
    func laterRun() throws {
        let root = try clinicFolder()
        #expect(try run(Paths.mbtBinary, ["score", "a/clinic.xml", "b/clinic.xml", "--out", "out"], currentDirectory: root).status == 0)
        let before = try contents(root + "/out")
        #expect(try run(Paths.mbtBinary, ["score", root + "/b/clinic.xml", "--out", "out"], currentDirectory: root).status == 0)
        let after = try contents(root + "/out")
        #expect(after.keys.sorted() == before.keys.sorted())
        #expect(after["a--clinic.report.xml"] == before["a--clinic.report.xml"])
        let rows = String(decoding: try #require(after["summary.csv"]), as: UTF8.self).split(separator: "\n")
        // The example's four sessions from a, then b's two (RP-0003 taken out), scored again.
        #expect(rows.count { $0.hasPrefix("a/clinic.xml,") } == 4)
        #expect(rows.count { $0.hasPrefix("b/clinic.xml,") } == 2)
        #expect(rows.count == 7)
    }

    @Test("an input outside the base folder: named from its whole path, and score says so with the flag to use")
    func outsideBase() throws {
        let root = try clinicFolder()
        let elsewhere = try scratch.directory("elsewhere")
        let outside = try run(Paths.mbtBinary, ["score", root + "/a/clinic.xml", "--out", "out"], currentDirectory: elsewhere)
        #expect(outside.status == 0)
        #expect(outside.stderr.contains("note: an input lies outside"), "\(outside.stderr)")
        #expect(outside.stderr.contains("pass --base FOLDER"))
        let based = try run(Paths.mbtBinary, ["score", root + "/a/clinic.xml", "--out", "out2", "--base", root], currentDirectory: elsewhere)
        #expect(based.status == 0 && !based.stderr.contains("note:"), "\(based.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere + "/out2").contains("a--clinic.report.xml"))
    }
}
