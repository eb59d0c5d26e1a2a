#if canImport(Glibc)
import FastText
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small files (protocols, schemas) whole, with a size cap, and opens large ones for
/// streaming. Errors say what to fix in plain words.
enum FileBytes {
    static func checkRegularFile(_ path: String) throws(XMLReadError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw XMLReadError(io: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw XMLReadError(io: "'\(path)' is a directory, not an XML file")
        }
    }

    static func read(_ path: String, limit: Int) throws(XMLReadError) -> [UInt8] {
        try checkRegularFile(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw XMLReadError(io: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = retryingOnInterrupt { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n < 0 {
                throw XMLReadError(io: "cannot read '\(path)': \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit {
                throw XMLReadError(
                    io: "'\(path)' is larger than \(limit / (1024 * 1024)) MiB; this kind of file is read whole, so it is refused")
            }
        }
        return bytes
    }

    static func openForStreaming(_ path: String) throws(XMLReadError) -> Int32 {
        try checkRegularFile(path)
        var info = stat()
        if stat(path, &info) == 0, info.st_size == 0 {
            throw XMLReadError([
                XMLDiagnostic(severity: .error, stage: .parse, line: 1, column: 1, message: "the file is empty (0 bytes); expected an XML document")
            ])
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw XMLReadError(io: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        return fd
    }
}
