import FastText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `-` as a file means standard input (`mbt import ... | mbt score - --out reports`). It is
/// copied once into a private temporary folder (mode 0700), because checking a file reads it
/// more than once (its root element first, then the stream, then the lines of its problems),
/// and a pipe can be read only once; the copy is removed when the command ends. Messages and
/// reports name it `-`.
final class StandardInput {
    /// The copy of standard input, made on first use.
    private(set) var path: String?
    private var folder: String?

    static let name = "-"

    /// The paths to read for `files`: `-` replaced by the copy of standard input.
    func readable(_ files: [String]) throws -> [String] {
        try files.map { $0 == Self.name ? try spool() : $0 }
    }

    /// `path` as messages should name it: the copy is `-`.
    func displayName(_ path: String) -> String {
        path == self.path ? Self.name : path
    }

    private func spool() throws -> String {
        if let path { return path }
        var template = Array("/tmp/mbt-stdin-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { b in b.baseAddress.flatMap { mkdtemp($0) } != nil }
        guard made else { throw EnvironmentFailure(message: "cannot copy standard input: \(String(cString: strerror(errno)))") }
        let dir = template.withUnsafeBufferPointer { b in String(decoding: UnsafeRawBufferPointer(b).prefix { $0 != 0 }, as: UTF8.self) }
        folder = dir
        let copy = dir + "/stdin.xml"
        let out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard out >= 0 else { throw EnvironmentFailure(message: "cannot copy standard input: \(String(cString: strerror(errno)))") }
        defer { close(out) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) } }
            if n < 0 { throw EnvironmentFailure(message: "cannot read standard input: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            var offset = 0
            while offset < n {
                let w = retryingOnInterrupt { chunk.withUnsafeBytes { write(out, $0.baseAddress! + offset, n - offset) } }
                if w <= 0 { throw EnvironmentFailure(message: "cannot copy standard input: \(String(cString: strerror(errno)))") }
                offset += w
            }
        }
        path = copy
        return copy
    }

    deinit {
        if let path { unlink(path) }
        if let folder { rmdir(folder) }
    }
}
