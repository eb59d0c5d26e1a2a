#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FastText

/// An advisory lock on an output folder, held by a run from reading its table's old rows
/// (summary.csv) to replacing the table. Two runs into one folder at once each read the old
/// table and each wrote their own: the later rename dropped the other's rows (issue 28). With
/// the lock the second run waits, then reads the table the first wrote.
///
/// `flock` on the folder itself, so no file is made beside the reports. Released when the
/// holder is released or the process ends, whatever way it ends.
public final class FolderLock {
    private let fd: Int32

    /// Takes the lock on `directory`; `waiting` is called once if another run holds it,
    /// before this one waits for it.
    public init(directory: String, waiting: () -> Void) throws(AtomicOutputFile.Failure) {
        let path = directory
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw AtomicOutputFile.Failure(description: "cannot open the folder '\(path)' to lock it: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        if retryingOnInterrupt({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 {
            guard errno == EWOULDBLOCK else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw AtomicOutputFile.Failure(description: "cannot lock '\(path)': \(reason)")
            }
            waiting()
            guard retryingOnInterrupt({ flock(fd, LOCK_EX) }) == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw AtomicOutputFile.Failure(description: "cannot lock '\(path)': \(reason)")
            }
        }
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
