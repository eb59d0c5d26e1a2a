import BatchEngine
import FastText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to `path` whole or not at all (a temporary file renamed into place). A FIFO
/// or a character device (`-o /dev/stdout`, a named pipe another program reads) is written
/// through instead: renaming over it would replace the node with a regular file (issue 28).
func writeFileWhole(_ path: String, _ bytes: [UInt8]) throws {
    var info = stat()
    if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFIFO || info.st_mode & S_IFMT == S_IFCHR {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EnvironmentFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard writeAll(fd, bytes) else { throw EnvironmentFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        return
    }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    do {
        let file = try AtomicOutputFile(directory: directory.isEmpty ? "/" : directory, name: name)
        try file.write(bytes)
        try file.commit()
    } catch {
        throw EnvironmentFailure(message: "cannot write '\(path)': \(error.description)")
    }
}

/// `writeFileWhole` a piece at a time, for an output too large to hold: a temporary file
/// renamed into place by `commit`, or written through to a FIFO or a character device.
final class WholeFileWriter {
    private let path: String
    private var file: AtomicOutputFile?
    private var descriptor: Int32 = -1

    init(_ path: String) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFIFO || info.st_mode & S_IFMT == S_IFCHR {
            descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw EnvironmentFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))") }
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        do {
            file = try AtomicOutputFile(directory: directory.isEmpty ? "/" : directory, name: name)
        } catch {
            throw EnvironmentFailure(message: "cannot write '\(path)': \(error.description)")
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    func write(_ bytes: [UInt8]) throws {
        if let file {
            do { try file.write(bytes) } catch { throw EnvironmentFailure(message: "cannot write '\(path)': \(error.description)") }
        } else if !writeAll(descriptor, bytes) {
            throw EnvironmentFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    func commit() throws {
        guard let file else { return }
        do { try file.commit() } catch { throw EnvironmentFailure(message: "cannot write '\(path)': \(error.description)") }
    }
}

/// A small file's bytes (a key file, a list), read whole; at most `limit` bytes.
func readWhole(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw EnvironmentFailure(message: "cannot read '\(path)': \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
        if n < 0 { throw EnvironmentFailure(message: "cannot read '\(path)': \(String(cString: strerror(errno)))") }
        if n == 0 { return out }
        out += chunk[0..<n]
        if out.count > limit { throw EnvironmentFailure(message: "'\(path)' is larger than \(limit >> 20) MiB") }
    }
}
