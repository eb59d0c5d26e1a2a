import Foundation
import History
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
}
