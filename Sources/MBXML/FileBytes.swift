#if canImport(Glibc)
import FastText
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small files (protocols, schemas) whole, with a size cap, and opens large ones for
/// streaming. Errors say what to fix in plain words.
enum FileBytes {
    /// Refuses what cannot be a clinic file (a folder, a device, a socket), in plain words.
    static func checkRegularFile(_ path: String) throws(XMLReadError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw XMLReadError(io: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw XMLReadError(io: "'\(path)' is a directory, not an XML file")
        case S_IFCHR, S_IFBLK:
            // /dev/zero or a disk: a stream that never ends, or not a document at all.
            throw XMLReadError(io: "'\(path)' is a device, not an XML file")
        case S_IFSOCK:
            throw XMLReadError(io: "'\(path)' is a socket, not an XML file")
        default:
            // Regular files, and pipes (a shell's <(...)), which are read as they come.
            break
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
        // An empty file is found by the reader's first read, whatever stat says of its size.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw XMLReadError(io: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        return fd
    }
}
