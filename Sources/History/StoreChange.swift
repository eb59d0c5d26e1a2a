#if canImport(Glibc)
import Glibc
#endif

/// Who changes the store, when, with what: the audit row every import, re-score and withdrawal
/// writes (`mbt history log` prints them).
public struct ChangeSource: Sendable {
    public enum Command: String, Sendable {
        case `import`, score, retract, rescore, merge
    }

    /// UTC, ISO 8601 to the second.
    public var at: String
    public var mbtVersion: String
    public var user: String
    public var command: Command
    /// The input as recorded (its path as given, `-` for standard input).
    public var input: String
    /// SHA-256 of the input's bytes.
    public var inputHash: String

    public init(command: Command, input: String, inputHash: String, at: String = ChangeSource.now(), user: String = ChangeSource.currentUser(), mbtVersion: String = MBTVersion.current) {
        self.at = at
        self.mbtVersion = mbtVersion
        self.user = user
        self.command = command
        self.input = input
        self.inputHash = inputHash
    }

    /// Now, in UTC: 2026-12-05T22:26:23Z.
    public static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The account running mbt (its name in the password database, else $USER, else its uid).
    public static func currentUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        if let user = getenv("USER") { return String(cString: user) }
        return "uid \(geteuid())"
    }
}

/// One audit row, as stored.
public struct StoreChange: Sendable {
    public var id: Int64
    public var at: String
    public var mbtVersion: String
    public var user: String
    public var command: String
    public var input: String
    public var inputHash: String
    public var added: Int
    public var unchanged: Int
    public var amended: Int
    public var refused: Int
    public var withdrawn: Int
}

/// The version of mbt writing the store, set by the command line at start (the History module
/// does not know the executable).
public enum MBTVersion {
    nonisolated(unsafe) public static var current = "unknown"
}
