import BatchEngine
import Foundation
import Testing

/// A killed run's scratch folders are removed by the next run that makes one: only those of a
/// writer of this machine that no longer exists, never a live one's or another machine's.
@Suite("Dead run scratch")
struct DeadRunScratchTests {
    @Test("the next folder made removes a dead writer's folders of its prefix, with their files, and nothing else")
    func sweep() throws {
        let base = NSTemporaryDirectory() + "mbt-sweep-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        // A pid that was a process of this machine and is no more.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = "\(gone.processIdentifier)-\(WriterTag.hostHash)"
        let names = [
            "mbt-\(dead)-aaaaaa",  // dead here: removed with its file
            "mbt-\(getpid())-\(WriterTag.hostHash)-bbbbbb",  // this process: kept
            "mbt-\(gone.processIdentifier)-0badc0de-cccccc",  // another machine's: kept
            "mbt-pdf-\(dead)-dddddd",  // another prefix: kept
            "mbt-notes",  // no tag: kept
        ]
        for name in names {
            try FileManager.default.createDirectory(atPath: base + "/" + name, withIntermediateDirectories: true)
            try "x".write(toFile: base + "/" + name + "/file", atomically: false, encoding: .utf8)
        }
        let made = try #require(DeadRunScratch.makeFolder(prefix: "mbt-", in: base))
        #expect(made.hasPrefix(base + "/mbt-\(getpid())-\(WriterTag.hostHash)-"))
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: base))
        #expect(left == Set(names.dropFirst() + [String(made.dropFirst(base.count + 1))]))
        var info = stat()
        #expect(stat(made, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }
}
