#if canImport(Glibc)
import Glibc
#endif

/// The file systems SQLite's write-ahead log does not work on: its shared-memory index needs
/// every writer on one machine, and the locks of a network file system are not to be trusted
/// (sqlite.org, "WAL mode", "How to corrupt an SQLite database file" 2.1). A store there is
/// refused, with why; shards on a cluster read a snapshot instead (README, "The history store").
public enum FileSystemKind {
    /// The kernel's names of them (/proc/self/mounts), and how a person calls each.
    static let network: [String: String] = [
        "nfs": "NFS", "nfs4": "NFS", "cifs": "CIFS/SMB", "smb3": "SMB", "smbfs": "SMB",
        "lustre": "Lustre", "gpfs": "GPFS", "ceph": "Ceph", "fuse.ceph": "Ceph", "afs": "AFS", "9p": "9P",
        "fuse.sshfs": "SSHFS", "glusterfs": "GlusterFS", "fuse.glusterfs": "GlusterFS", "beegfs": "BeeGFS",
    ]

    /// The network file system the folder of `path` is on, or nil for a local one (or when it
    /// cannot be told). `MBT_HISTORY_ASSUME_FILESYSTEM` names one instead: the tests' way to
    /// see the refusal without an NFS server ("local" for none).
    public static func networkFileSystem(of path: String) -> String? {
        if let assumed = getenv("MBT_HISTORY_ASSUME_FILESYSTEM").map({ String(cString: $0) }), !assumed.isEmpty {
            return assumed.lowercased() == "local" ? nil : network[assumed.lowercased()] ?? assumed
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard let resolved = realpath(folder, nil) else { return nil }
        let real = String(cString: resolved)
        free(resolved)
        return type(of: real, mounts: readMounts()).flatMap { network[$0] }
    }

    /// The file system type of the mount that holds `path` (the longest mount point above it).
    public static func type(of path: String, mounts: [(point: String, type: String)]) -> String? {
        var best: (point: String, type: String)?
        for mount in mounts {
            let point = mount.point
            let holds = point == "/" || path == point || path.hasPrefix(point.hasSuffix("/") ? point : point + "/")
            if holds, best.map({ point.count >= $0.point.count }) ?? true { best = mount }
        }
        return best?.type
    }

    /// /proc/self/mounts: device, mount point (spaces written \040), type, ...
    static func readMounts() -> [(point: String, type: String)] {
        guard let file = fopen("/proc/self/mounts", "r") else { return [] }
        defer { fclose(file) }
        var out: [(String, String)] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, file) > 0, let line {
            let fields = String(cString: line).split(separator: " ")
            guard fields.count >= 3 else { continue }
            out.append((String(fields[1]).replacingOccurrences(of: "\\040", with: " "), String(fields[2])))
        }
        free(line)
        return out
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
