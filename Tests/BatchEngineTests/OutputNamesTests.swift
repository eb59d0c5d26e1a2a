@testable import BatchEngine
import SeededRandom
import Testing

/// Report names: from the path relative to a base folder, the same however the path is spelled
/// or ordered, never shared by two inputs.
@Suite("Output names")
struct OutputNamesTests {
    func name(_ path: String, base: String = "/srv/clinic", cwd: String = "/srv/clinic") -> (recorded: String, stem: String) {
        let recorded = OutputNames.relativePath(of: path, base: base, currentDirectory: cwd)
        return (recorded, OutputNames.stem(forRelativePath: recorded))
    }

    @Test("the path relative to the base, however it is spelled")
    func spellings() {
        for spelling in ["clinic.xml", "./clinic.xml", ".//clinic.xml", "a/../clinic.xml", "/srv/clinic/clinic.xml", "/srv/./clinic/clinic.xml"] {
            #expect(name(spelling).recorded == "clinic.xml", "\(spelling)")
            #expect(name(spelling).stem == "clinic", "\(spelling)")
        }
        #expect(name("clinic.xml", cwd: "/srv/clinic/a").recorded == "a/clinic.xml")
        #expect(name("../b/clinic.xml", cwd: "/srv/clinic/a").recorded == "b/clinic.xml")
        // Outside the base: the absolute path, and always the hash.
        #expect(name("/tmp/x/clinic.xml").recorded == "/tmp/x/clinic.xml")
        #expect(name("/tmp/x/clinic.xml").stem == "tmp--x--clinic-" + OutputNames.hash("/tmp/x/clinic.xml"))
    }

    @Test("folders joined by --; the same names in any order")
    func folders() {
        #expect(name("a/clinic.xml").stem == "a--clinic")
        #expect(name("b/clinic.xml").stem == "b--clinic")
        #expect(name("2026/11/week-48.xml").stem == "2026--11--week-48")
    }

    @Test("a name that would lose something ends in the path's hash, and a plain name never looks like one")
    func lossy() {
        for path in ["a b.xml", "a_b.xml", ".hidden.xml", "-x.xml", "x-.xml", "a--b.xml", "é.xml", "a b\u{0}c.xml",
                     "x-0123456789.xml", String(repeating: "long", count: 30) + ".xml", "../../etc/passwd"] {
            let stem = name(path).stem
            #expect(stem.count <= OutputNames.maxLength, "\(path)")
            #expect(!stem.hasPrefix("."), "\(path)")
            #expect(stem.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }, "\(path): \(stem)")
            let lossless = ["a_b.xml"].contains(path)
            #expect(OutputNames.endsLikeHashed(stem) != lossless, "\(path): \(stem)")
        }
        #expect(name("a b.xml").stem == "a_b-" + OutputNames.hash("a b.xml"))
        #expect(name("a b.xml").stem != name("a_b.xml").stem)
        #expect(name("a--b.xml").stem != name("a/b.xml").stem)
    }

    @Test("two different paths never get the same name (20,000 paths from a hostile alphabet)")
    func injective() {
        let pieces = ["a", "b", "-", "--", ".", "_", " ", "é", "x-0123456789", "0123456789", "/", ".xml"]
        var random = SplitMix64(state: 7)
        func next(_ n: Int) -> Int { random.below(n) }
        var byStem: [String: String] = [:]
        for _ in 0..<20_000 {
            let raw = (0..<(1 + next(6))).map { _ in pieces[next(pieces.count)] }.joined()
            let recorded = OutputNames.relativePath(of: raw, base: "/srv/c", currentDirectory: "/srv/c")
            guard !recorded.isEmpty else { continue }
            let stem = OutputNames.stem(forRelativePath: recorded)
            if let other = byStem[stem], other != recorded {
                Issue.record("\(recorded.debugDescription) and \(other.debugDescription) share \(stem)")
                return
            }
            byStem[stem] = recorded
        }
        #expect(byStem.count > 5_000)
    }
}
