import FastText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--files-from FILE`: one path a line, read whole (a list of paths, not patients' data);
/// `-` is standard input. Blank lines are skipped and a CR before the line feed dropped (a
/// list saved on Windows), so a path is the line as written otherwise.
enum FileList {
    /// PATH_MAX on Linux.
    static let longestPath = 4096

    static func read(_ source: String) throws -> [String] {
        let fd = source == "-" ? dup(0) : open(source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw EnvironmentFailure(message: "cannot read the file list '\(source)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        // A list is paths: a NUL byte or a line longer than a path can be means it is not one
        // (`--files-from /dev/zero` read until memory ran out, issue 28).
        var line = 1
        var lineLength = 0
        while true {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n < 0 { throw EnvironmentFailure(message: "cannot read the file list '\(source)': \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            for byte in chunk[0..<n] {
                if byte == 0 {
                    throw EnvironmentFailure(message: "the file list '\(source)' holds a NUL byte on line \(line): it is not a list of paths, one a line")
                }
                if byte == 0x0A {
                    line += 1
                    lineLength = 0
                } else {
                    lineLength += 1
                    if lineLength > Self.longestPath {
                        throw EnvironmentFailure(message: "line \(line) of the file list '\(source)' is longer than a path can be (\(Self.longestPath) bytes): it is not a list of paths, one a line")
                    }
                }
            }
            bytes += chunk[0..<n]
        }
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: true).compactMap { line in
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
        }
    }
}
