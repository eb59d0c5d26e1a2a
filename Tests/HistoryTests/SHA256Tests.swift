import Foundation
import History
import SeededRandom
import TestSupport
import Testing

/// The store's hash against FIPS 180-4's test vectors and `sha256sum` (a second client).
@Suite("SHA-256")
struct SHA256Tests {
    @Test("the standard's vectors: empty, abc, the two-block message, a million a's")
    func vectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("every length from 0 to 200 bytes, as sha256sum hashes it")
    func lengths() throws {
        let tool = try #require(findExecutable("sha256sum"))
        let folder = NSTemporaryDirectory() + "mbt-sha-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var paths: [String] = []
        var mine: [String] = []
        for n in 0...200 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = folder + "/\(n)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
            mine.append(SHA256.hex(bytes))
        }
        let theirs = try run(tool, paths).stdout.split(separator: "\n").map { String($0.prefix(64)) }
        #expect(theirs == mine)
    }

    @Test("the processor's SHA extensions and the portable rounds give the same digests, in any pieces")
    func bothPaths() {
        var random = SplitMix64(state: 29)
        for _ in 0..<300 {
            let bytes = (0..<random.below(700)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var fast = SHA256()
            var portable = SHA256(portableRoundsOnly: true)
            // The same bytes in random pieces (single bytes among them), as a session's lines come.
            var at = 0
            while at < bytes.count {
                let piece = min(bytes.count - at, random.below(100))
                if piece == 1 { fast.update(byte: bytes[at]) } else { fast.update(bytes[at..<(at + piece)]) }
                portable.update(bytes[at..<(at + piece)])
                at += piece
            }
            let whole = SHA256.hex(bytes)
            #expect(fast.finalHex() == whole)
            #expect(portable.finalHex() == whole)
        }
    }

    @Test("a processor that has the SHA extensions uses them")
    func extensionsUsed() throws {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = cpu.split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ")) } ?? []
        #expect(SHA256.usesProcessorExtensions == (flags.contains("sha_ni") && flags.contains("sse4_1") && flags.contains("ssse3")))
    }

    @Test("the portable rounds on the standard's vectors (whatever this processor has)")
    func portableVectors() {
        var hash = SHA256(portableRoundsOnly: true)
        hash.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hash.finalHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
