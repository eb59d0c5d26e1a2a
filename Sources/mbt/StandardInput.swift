import FastText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `-` as a file means standard input (`mbt import ... | mbt score - --out reports`). It is
/// copied once into a private temporary folder (mode 0700), because checking a file reads it
/// more than once (its root element first, then the stream, then the lines of its problems),
/// and a pipe can be read only once; the copy's `PrivateFolder` goes when the command ends.
/// Messages and reports name it `-`.
final class StandardInput {
    /// The copy of standard input, made on first use.
    private(set) var path: String?
    /// Removed, with the copy, when this goes.
    private var folder: PrivateFolder?

    static let name = "-"

    /// The paths to read for `files`: `-` replaced by the copy of standard input.
    func readable(_ files: [String]) throws -> [String] {
        try files.map { $0 == Self.name ? try spool() : $0 }
    }

    /// `path` as messages should name it: the copy is `-`.
    func displayName(_ path: String) -> String {
        path == self.path ? Self.name : path
    }

    /// The file-size limit in words (ulimit -f counts blocks of 1,024 bytes in most shells).
    static var fileSizeLimit: String {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return "none" }
        return "\(limit.rlim_cur) bytes"
    }

    private func spool() throws -> String {
        if let path { return path }
        let folder = try PrivateFolder()
        self.folder = folder
        let copy = folder.path + "/stdin.xml"
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
                if w <= 0 {
                    if errno == EFBIG {
                        throw EnvironmentFailure(message: "standard input is larger than this process may write (the file-size limit, ulimit -f, \(Self.fileSizeLimit)); stopped at the limit. Raise the limit, or pass the file by its name instead of '-'")
                    }
                    throw EnvironmentFailure(message: "cannot copy standard input: \(String(cString: strerror(errno)))")
                }
                offset += w
            }
        }
        path = copy
        return copy
    }
}
