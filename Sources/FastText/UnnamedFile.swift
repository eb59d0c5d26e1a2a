#if canImport(Glibc)
import Glibc
#endif

/// A private temporary file with no name, open for reading and writing: it lives while the
/// descriptor is open and nothing is left behind however the run ends. Linux's O_TMPFILE makes
/// it without a name at all; made with mkstemp and unlinked at once, a SIGKILL between the two
/// left the file in $TMPDIR (seen in CI: the workbook part of a killed `mbt validate`). The
/// one place such a file is made (workbook parts, gathered sheet rows, records kept for the
/// history store). Returns the descriptor, or -1 with errno set.
public func makeUnnamedFile(in folder: String, prefix: String) -> Int32 {
    // O_TMPFILE is __O_TMPFILE | O_DIRECTORY, a macro Swift does not import; O_DIRECTORY's
    // value differs by architecture.
    #if arch(arm64)
    let tmpfile: Int32 = 0o20_040_000
    #else
    let tmpfile: Int32 = 0o20_200_000
    #endif
    let fd = open(folder, tmpfile | O_RDWR | O_CLOEXEC, 0o600)
    if fd >= 0 { return fd }
    // A file system without O_TMPFILE (some network and FUSE ones): a name for an instant.
    guard errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL else { return -1 }
    var template = Array("\(folder)/\(prefix)\(getpid())-XXXXXX".utf8CString)
    let named = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard named >= 0 else { return -1 }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return named
}
