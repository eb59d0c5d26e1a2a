#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Device and inode: the same file whatever path names it (symlinks, "./", "../"). An output
/// that is one of the inputs is refused before anything is written: inputs are never modified.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    /// The file `path` names (following symlinks); nil when there is none yet.
    public init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The first of `inputs` that `output` names, if any.
    public static func input(overwrittenBy output: String, among inputs: [String]) -> String? {
        guard let target = FileIdentity(output) else { return nil }
        return inputs.first { FileIdentity($0) == target }
    }
}
