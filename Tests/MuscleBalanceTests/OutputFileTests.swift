import TestSupport
@testable import BatchEngine
import Foundation
import Testing

@testable import MuscleBalance

/// Report files as they reach the disk: whole chunks with O_DIRECT on a thread of their own,
/// the tail through the page cache, renamed into place on commit. Real files in real folders:
/// the system temporary folder (ext4 here) and /dev/shm (tmpfs) where there is one.
@Suite("Report files on disk")
struct OutputFileTests {
    let scratch = Scratch("output")
    static let chunk = DirectWrites.chunkSize

    /// Sizes around every boundary: empty, under a block, a chunk less one, a chunk, a chunk
    /// and one, and enough chunks to go round the writer's chunks several times with an
    /// aligned and an unaligned tail.
    static let sizes = [0, 1, 4095, chunk - 1, chunk, chunk + 1, 3 * chunk + 4096, 7 * chunk + 777]

    /// Bytes that differ from offset to offset (xorshift), so a chunk written twice, dropped or
    /// out of order cannot go unseen.
    static func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// Folders on the file systems at hand.
    static var directories: [String] {
        var roots = [NSTemporaryDirectory()]
        if FileManager.default.isWritableFile(atPath: "/dev/shm") { roots.append("/dev/shm/") }
        return roots.map { root in
            let path = root + "mbt-output-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }
    }

    /// Whether the file system under `directory` opens files with O_DIRECT (an independent
    /// probe: `open`, not the `fcntl` the writer uses).
    static func takesDirect(_ directory: String) -> Bool {
        let path = directory + "/.probe"
        let fd = open(path, O_CREAT | O_WRONLY | __O_DIRECT, 0o600)
        defer { unlink(path) }
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Where two byte strings first differ (a count differing counts at the shorter's end); nil
    /// when they are equal. Megabytes of bytes are not worth printing on a failure.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        if let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) { return i }
        return a.count == b.count ? nil : min(a.count, b.count)
    }

    /// Writes `bytes` in pieces of uneven sizes, as the report writers do.
    static func write(_ bytes: [UInt8], to file: AtomicOutputFile) throws {
        let pieces = [1, 4095, 70_000, 1 << 20, 333, 2 << 20]
        var offset = 0
        var i = 0
        while offset < bytes.count {
            let n = min(pieces[i % pieces.count], bytes.count - offset)
            try file.write(Array(bytes[offset..<offset + n]))
            offset += n
            i += 1
        }
    }

    @Test("a report of any size is written whole and in order, with O_DIRECT where the file system takes it", arguments: sizes)
    func wholeFile(size: Int) throws {
        let bytes = Self.pattern(size, seed: UInt64(size) + 11)
        for directory in Self.directories {
            defer { try? FileManager.default.removeItem(atPath: directory) }
            for allowDirect in [true, false] {
                let file = try AtomicOutputFile(directory: directory, name: "report.xml", direct: allowDirect)
                try Self.write(bytes, to: file)
                try file.commit()
                let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/report.xml")))
                #expect(written.count == bytes.count, "\(directory) direct: \(allowDirect)")
                #expect(Self.firstDifference(written, bytes) == nil, "\(directory) direct: \(allowDirect)")
                // Chunks start at the first aligned offset past the first chunk's worth of
                // buffered bytes: a report of two chunks or more has at least one.
                if size < Self.chunk {
                    #expect(!file.wroteDirect)
                } else if size >= 2 * Self.chunk {
                    #expect(file.wroteDirect == (allowDirect && Self.takesDirect(directory)), "\(directory)")
                }
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.xml"])
            }
        }
    }

    @Test("a report dropped in the middle of its direct writes leaves no file, and a new one takes its place")
    func droppedMidway() throws {
        for directory in Self.directories {
            defer { try? FileManager.default.removeItem(atPath: directory) }
            do {
                let file = try AtomicOutputFile(directory: directory, name: "report.xml")
                try Self.write(Self.pattern(5 * Self.chunk + 5, seed: 3), to: file)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
            // The descriptors freed by the drop are given out again: nothing of the dropped
            // report's chunks may land in the next file.
            let bytes = Self.pattern(2 * Self.chunk + 9, seed: 4)
            let file = try AtomicOutputFile(directory: directory, name: "report.xml")
            try Self.write(bytes, to: file)
            try file.commit()
            #expect(Self.firstDifference(try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/report.xml"))), bytes) == nil)
        }
    }

    /// Reports hold patients' data: their mode is 0666 less the user's umask, as for any file a
    /// program makes (they were 0644 whatever the umask), the summary's too.
    @Test("reports and the summary get the mode the umask leaves", arguments: [("022", "644"), ("077", "600"), ("027", "640")])
    func modeFollowsUmask(umask: String, mode: String) throws {
        let out = scratch.path("umask")
        let result = try run("/bin/bash", ["-c", "umask \(umask) && exec \"$0\" score \"$1\" --out \"$2\" --base \"$3\"", Paths.mbtBinary, Paths.example, out, Paths.packageRoot + "/Examples"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == ["clinic-example.report.txt", "clinic-example.report.xml", "summary.csv"])
        for name in names {
            let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + name)
            let permissions = try #require(attributes[.posixPermissions] as? Int)
            #expect(String(permissions, radix: 8) == mode, "\(name)")
        }
    }
}
