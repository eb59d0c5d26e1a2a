import Glibc

/// Who is writing a temporary file: `PID-HOST`, HOST being eight hex digits of a hash of the
/// machine's name. A run removes the temporaries of writers that no longer exist, and a pid
/// only says that on the machine that owns it: the shards of a cluster job share one output
/// folder, and another node's live pid is no process at all here. So a temporary of another
/// host is never judged by its pid (the lock-and-age rule still applies to it).
public enum WriterTag {
    /// This process's tag.
    public static let current: String = "\(getpid())-\(hostHash)"

    /// Eight hex digits of the FNV-1a hash of this machine's name.
    public static let hostHash: String = {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? name.withUnsafeBufferPointer { b in
            String(decoding: UnsafeRawBufferPointer(b).prefix { $0 != 0 }, as: UTF8.self)
        } : ""
        var h: UInt32 = 0x811c_9dc5
        for byte in host.utf8 { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }()

    /// What a temporary's name says of its writer: this process, a process of this machine
    /// that no longer exists, or someone else (alive here, another machine, no tag at all).
    public enum Writer: Equatable {
        case this, deadHere, unknown
    }

    /// Judges the tag at the start of `text` (what follows `.tmp-` or `.part-` in a name).
    public static func writer(of text: Substring) -> Writer {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let pid = Int32(parts[0]), pid > 0, parts[1] == hostHash else { return .unknown }
        if pid == getpid() { return .this }
        return kill(pid, 0) != 0 && errno == ESRCH ? .deadHere : .unknown
    }
}
