import FastText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report being written: bytes go to a temporary file beside the final one, which replaces
/// the final name only on `commit()` (rename is atomic). Killed at any moment, the folder holds
/// the old report or the new one, never half of one; dropped without commit, the temporary
/// file is removed.
public final class AtomicOutputFile {
    public let finalPath: String
    private(set) var temporaryPath: String
    private var descriptor: Int32
    /// What is written, until 64 KiB are there to hand on. The reports render straight onto
    /// its end (`write(rendering:)`), with no buffer of their own to copy from.
    private var buffer = ByteBuffer(capacity: 1 << 17)
    private var committed = false
    private var direct: DirectWrites
    /// Whether some of the file went to disk with O_DIRECT (see `DirectWrites`).
    var wroteDirect: Bool { direct.wroteDirect }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// `direct: false` writes through the page cache only (see `DirectWrites`).
    public init(directory: String, name: String, direct allowDirect: Bool = true) throws(Failure) {
        direct = DirectWrites(direct: allowDirect)
        finalPath = directory + "/" + name
        // Like mkstemp (a new name, O_EXCL), but with mode 0666 less the umask, as any file a
        // program makes: mkstemp's 0600 had to be widened by a chmod before the rename, which
        // also ignored a umask that keeps patients' reports from other users.
        var fd: Int32 = -1
        var path = ""
        for _ in 0..<100 {
            path = directory + "/." + name + ".tmp-" + WriterTag.current + "-" + Self.randomSuffix()
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw Failure(description: "cannot create a file in '\(directory)': \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        temporaryPath = path
        // Held until the file is renamed or dropped: a temporary nobody holds belongs to a run
        // that was killed, and `removeStaleTemporaries` may delete it.
        flock(fd, LOCK_EX)
    }

    deinit {
        if !committed {
            direct.cancel()
            if descriptor >= 0 { close(descriptor) }
            unlink(temporaryPath)
        }
    }

    /// Six letters or digits, as mkstemp puts in place of its XXXXXX, from one draw of the
    /// system's generator (each draw is a getrandom system call; 62^6 < 2^36).
    private static func randomSuffix() -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        var draw: UInt64 = generator.next()
        var suffix: [UInt8] = []
        for _ in 0..<6 {
            suffix.append(letters[Int(draw % UInt64(letters.count))])
            draw /= UInt64(letters.count)
        }
        return String(decoding: suffix, as: UTF8.self)
    }

    public func write(_ bytes: [UInt8]) throws(Failure) {
        buffer.appendBytes(bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends what `render` writes straight onto the end of the file's buffer.
    public func write(rendering render: (inout ByteBuffer) -> Void) throws(Failure) {
        render(&buffer)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends a whole rendered buffer: a large one goes to the disk writer as it is, with no
    /// copy into the file's own buffer first.
    public func write(contentsOf bytes: borrowing ByteBuffer) throws(Failure) {
        if buffer.count + bytes.count < 1 << 16 {
            bytes.withBytes { buffer.appendBytes($0) }
            return
        }
        try flush()
        var failure: Failure?
        bytes.withBytes { bytes in
            do throws(Failure) { try direct.append(UnsafeRawBufferPointer(bytes), descriptor: descriptor, path: finalPath) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public func write(_ text: String) throws(Failure) {
        try write(Array(text.utf8))
    }

    private func flush() throws(Failure) {
        var failure: Failure?
        buffer.withBytes { bytes in
            do throws(Failure) { try direct.append(UnsafeRawBufferPointer(bytes), descriptor: descriptor, path: finalPath) } catch { failure = error }
        }
        buffer.removeAll()
        if let failure { throw failure }
    }

    /// Flushes, syncs and renames into place. After a failure nothing is left behind.
    public func commit() throws(Failure) {
        try prepare()
        guard rename(temporaryPath, finalPath) == 0 else {
            throw Failure(description: "cannot put '\(finalPath)' in place: \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    /// Puts several files in place together, for files that belong together (a report pair):
    /// every one is written and synced before any is renamed, so a full disk or a failed write
    /// fails them all and leaves the old ones as they were. A rename that still fails puts back
    /// the ones already renamed (from hard links made beforehand), or removes them where there
    /// was none before: never one new file beside an old partner. What is left is the moment
    /// between two renames, a few microseconds, in which only SIGKILL or a power cut can land.
    public static func commitTogether(_ files: [AtomicOutputFile]) throws(Failure) {
        for file in files { try file.prepare() }
        var backups: [(file: AtomicOutputFile, backup: String?)] = []
        defer { for (_, backup) in backups { if let backup { unlink(backup) } } }
        for file in files {
            // The old file, kept under a temporary's name (the next run removes it if this one dies).
            let backup = file.temporaryPath + "-old"
            let hasOld = link(file.finalPath, backup) == 0
            guard rename(file.temporaryPath, file.finalPath) == 0 else {
                let reason = String(cString: strerror(errno))
                if hasOld { unlink(backup) }
                for (done, old) in backups.reversed() {
                    if let old { rename(old, done.finalPath) } else { unlink(done.finalPath) }
                }
                backups.removeAll()
                throw Failure(description: "cannot put '\(file.finalPath)' in place: \(reason)")
            }
            file.committed = true
            backups.append((file, hasOld ? backup : nil))
        }
    }

    /// Flushes, syncs and closes the temporary: everything but the rename.
    private func prepare() throws(Failure) {
        try flush()
        try direct.finish(descriptor: descriptor, path: finalPath)
        if fsync(descriptor) != 0 && errno != EINVAL {
            throw Failure(description: "cannot write '\(finalPath)': \(String(cString: strerror(errno)))")
        }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else {
            throw Failure(description: "cannot write '\(finalPath)': \(String(cString: strerror(errno)))")
        }
    }
}

public extension AtomicOutputFile {
    /// Deletes the temporaries that runs killed outright (SIGKILL, power loss) left in
    /// `directory`, whatever their age: hidden `.NAME.tmp-PID-HOST-XXXXXX` files whose writer
    /// (`WriterTag`: process PID on this machine) no longer exists. A live writer's are never
    /// touched, its own included. A temporary of another machine (shards sharing the folder),
    /// one without a tag (mbt before this rule), or one whose pid now names another living
    /// process, goes when no one holds its lock and it is over a minute old (a file between its
    /// creation and its lock is never taken). Returns how many were removed.
    @discardableResult
    static func removeStaleTemporaries(in directory: String) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        let now = time(nil)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix("."), let marker = name.firstRange(of: ".tmp-") else { continue }
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            switch WriterTag.writer(of: name[marker.upperBound...]) {
            case .this:
                continue
            case .deadHere:
                if unlink(path) == 0 { removed += 1 }
                continue
            case .unknown:
                break
            }
            guard now - info.st_mtim.tv_sec > 60 else { continue }
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0, unlink(path) == 0 { removed += 1 }
            close(fd)
        }
        return removed
    }
}
