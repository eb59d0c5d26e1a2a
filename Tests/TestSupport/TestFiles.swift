import ClinicFiles
import Foundation
import MuscleBalanceCore

// The helpers every test target shares: the checkout's paths, the one protocol library, the
// fixed 'today', a fixture's expected diagnostics, running a program, and a scratch folder.

/// Paths in the checkout, found from this file's own location (Tests/TestSupport).
public enum Paths {
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    public static let protocols = packageRoot + "/Protocols"
    public static let fixtures = packageRoot + "/Tests/MuscleBalanceTests/Fixtures"
    public static let golden = packageRoot + "/Tests/MuscleBalanceTests/Golden"
    public static let defaultProtocol = protocols + "/lumbopelvic-balance.xml"
    public static let example = packageRoot + "/Examples/clinic-example.xml"

    public static func fixtures(in folder: String) -> [String] {
        let dir = fixtures + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map { dir + "/" + $0 }
    }

    /// The built `mbt`, beside the test bundle in the build folder.
    public static let mbtBinary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe)
        // .../debug/MuscleBalancePackageTests.xctest (a file on Linux)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("mbt").path
    }()
}

/// One library for all tests: schemas compiled once, as in a real run.
public let sharedLibrary: ProtocolLibrary = {
    do {
        return try ProtocolLibrary(directory: Paths.protocols)
    } catch {
        preconditionFailure("the bundled schemas must compile: \(error)")
    }
}()

/// Fixed so that "in the future" means the same thing on every run.
public let testToday = CivilDate(year: 2026, month: 11, day: 24)!

public struct Expectation: Sendable, CustomStringConvertible {
    public var severity: Diagnostic.Severity
    public var text: String
    public var line: Int
    public var description: String { "\(line): \(severity.rawValue): \(text)" }
}

/// The `<!-- expect SEVERITY: TEXT -->` markers of a fixture; each names the line after it.
public func expectations(in path: String) -> [Expectation] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    var result: [Expectation] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        guard let start = line.range(of: "<!-- expect "), let end = line.range(of: " -->") else { continue }
        let body = line[start.upperBound..<end.lowerBound]
        guard let colon = body.firstIndex(of: ":") else { continue }
        let severity: Diagnostic.Severity = body[..<colon] == "warning" ? .warning : .error
        result.append(Expectation(severity: severity, text: String(body[body.index(after: colon)...].dropFirst()), line: index + 2))
    }
    return result
}

public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program and collects its output (for mbt itself and for xmllint); `environment`
/// is set over this process's own. With `timeout` (seconds), a program still running then is
/// killed (its status is then 128 + 9), so that a test of a hang fails instead of hanging.
public func run(_ executable: String, _ arguments: [String], currentDirectory: String? = nil, environment: [String: String] = [:], timeout: Double? = nil, stdin: String? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = stdin.map { _ in Pipe() }
    if let input { process.standardInput = input }
    try process.run()
    if let input, let stdin {
        // On a thread of its own: a large input would fill the pipe while nobody reads the output.
        let handle = input.fileHandleForWriting
        let bytes = Data(stdin.utf8)
        Thread.detachNewThread {
            handle.write(bytes)
            try? handle.close()
        }
    }
    if let timeout {
        let pid = process.processIdentifier
        let watched = Date()
        Thread.detachNewThread {
            while Date().timeIntervalSince(watched) < timeout {
                usleep(50_000)
                // Gone or a zombie already: nothing to kill (and the pid may not be reused yet).
                if kill(pid, 0) != 0 { return }
            }
            kill(pid, SIGKILL)
        }
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

public func findExecutable(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Where one test's files go, removed with everything in them when the test ends. Swift Testing
/// makes a new suite value for every test and holds it for the whole test, so a suite keeps one
/// of these as a stored property. (Before, each `swift test` left about 300 MB of reports in
/// /tmp: 19 GB after a day of runs.)
public final class Scratch: Sendable {
    public let root: String

    public init(_ name: String) {
        root = NSTemporaryDirectory() + "mbt-\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A new, empty folder inside this test's root.
    public func directory(_ name: String) throws -> String {
        let path = root + "/" + name + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A path inside this test's root that nothing uses yet (the caller makes the file or folder).
    public func path(_ name: String) -> String {
        root + "/" + name + "-" + UUID().uuidString
    }
}
