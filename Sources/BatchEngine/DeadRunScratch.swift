import Glibc

/// Scratch folders a run makes in $TMPDIR (standard input's copy, validate's spill, the page a
/// PDF is printed from) carry their writer's tag (`WriterTag`): `PREFIX<pid>-<host>-XXXXXX`.
/// A run killed with SIGKILL cannot remove its own; the next run that makes one removes those
/// of writers of this machine that no longer exist, as it does for report temporaries, and
/// never a live writer's or another machine's.
public enum DeadRunScratch {
    /// $TMPDIR, or /tmp when it is unset or empty.
    public static var temporaryFolder: String {
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        return folder.isEmpty ? "/tmp" : folder
    }

    /// A new private folder (mode 0700) in `base`, named for this writer; the dead writers'
    /// folders of the same prefix are removed first. Nil, with errno set, when none can be made.
    public static func makeFolder(prefix: String, in base: String = temporaryFolder) -> String? {
        sweep(prefix: prefix, in: base)
        var template = Array((base + "/" + prefix + WriterTag.current + "-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return nil }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Removes the folders in `base` named `prefix` and a dead writer's tag, with what is in them.
    public static func sweep(prefix: String, in base: String = temporaryFolder) {
        guard let dir = opendir(base) else { return }
        var dead: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix) else { continue }
            if WriterTag.writer(of: name.dropFirst(prefix.count)) == .deadHere { dead.append(base + "/" + name) }
        }
        closedir(dir)
        for path in dead { removeTree(path) }
    }

    /// Removes `path` and everything under it (symbolic links themselves, never what they name).
    public static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR, let dir = opendir(path) else {
            unlink(path)
            return
        }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { removeTree(path + "/" + name) }
        }
        closedir(dir)
        rmdir(path)
    }
}
