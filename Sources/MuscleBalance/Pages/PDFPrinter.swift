import BatchEngine
import FastText
import MBXML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints an HTML page to PDF with headless Chromium (Debian's `chromium-headless-shell`, or
/// `chromium`), the engine clinics' browsers use, so the PDF is what the page looks like.
/// A PDF costs about a third of a second, most of it the browser starting (Benchmarks/RESULTS.md,
/// issue 19): it is made for one patient on request (`mbt report --format pdf`), never in the batch.
public struct PDFPrinter: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The browser's path.
    public let browser: String
    /// How long the browser may take before it is stopped.
    public var timeoutSeconds = 120

    /// The browser named by $MBT_CHROMIUM, else the first of chromium-headless-shell,
    /// chromium, chromium-browser, google-chrome on $PATH; nil when none is installed.
    public static func locate() -> PDFPrinter? {
        if let named = getenv("MBT_CHROMIUM").map({ String(cString: $0) }), !named.isEmpty {
            return access(named, X_OK) == 0 ? PDFPrinter(browser: named) : nil
        }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for name in ["chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") where !folder.isEmpty {
                let candidate = "\(folder)/\(name)"
                if access(candidate, X_OK) == 0 { return PDFPrinter(browser: candidate) }
            }
        }
        return nil
    }

    public static let notInstalled = """
        no Chromium to print the PDF with: install Debian's chromium-headless-shell \
        (apt-get install chromium-headless-shell), or set MBT_CHROMIUM to a Chromium binary; \
        --format html writes the page, which any browser prints
        """

    public init(browser: String) {
        self.browser = browser
    }

    /// The PDF of `html`. The page is written to a private temporary folder holding nothing
    /// else (the browser's profile goes there too), locked down (`lockedDown`), printed offline
    /// and without the browser's header and footer, and the folder removed.
    public func pdf(of html: [UInt8]) throws(Failure) -> [UInt8] {
        // A page that sends the browser elsewhere is not printed: what would be printed is not
        // the page (and could be a local file).
        if let target = HTMLPageCheck.refresh(in: html) {
            throw Failure(description: "the page asks the browser to go elsewhere (<meta http-equiv=\"refresh\" content=\"\(target.prefix(200))\">), so it is not printed: remove it from the stylesheet")
        }
        guard let folder = DeadRunScratch.makeFolder(prefix: "mbt-pdf-") else {
            throw Failure(description: "cannot make a temporary folder: \(String(cString: strerror(errno)))")
        }
        defer { DeadRunScratch.removeTree(folder) }
        let page = folder + "/page.html"
        let output = folder + "/page.pdf"
        do {
            let file = try AtomicOutputFile(directory: folder, name: "page.html")
            try file.write(Self.lockedDown(html))
            try file.commit()
        } catch {
            throw Failure(description: "cannot write the page to print: \(error)")
        }
        var arguments = [
            browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions", "--no-pdf-header-footer",
            // No network: a clinic's stylesheet may link a web font or image; the page prints
            // without it rather than fetching it. (Scripts stay on: headless Chromium 156 does
            // not print with --blink-settings=scriptEnabled=false.)
            "--proxy-server=127.0.0.1:9", "--user-data-dir=\(folder)/profile", "--print-to-pdf=\(output)",
            Self.fileURL(page),
        ]
        // Chromium's sandbox needs user namespaces, which it refuses to use as root.
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
        try run(arguments, home: folder)
        guard let bytes = Self.readFile(output), bytes.starts(with: Array("%PDF-".utf8)) else {
            throw Failure(description: "\(browser) wrote no PDF")
        }
        return bytes
    }

    /// The policy every printed page carries (issue 28: a clinic's `--stylesheet` with an
    /// `<iframe>` of `file:///etc/os-release`, or a script that went there, put the local file
    /// into the PDF). A page loaded from `file:` may frame or open any other local file, and
    /// Chromium has no flag that confines it to a folder; a Content-Security-Policy does: no
    /// frame, object, script, fetch, font or image but those written inside the page itself.
    /// (A `<meta http-equiv="refresh">` fires after the page has loaded, when it is already
    /// printed; the tests hold that too.)
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-src 'none'; child-src 'none'; object-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'"

    /// `html` with `contentSecurityPolicy` as its first element: after a leading byte-order
    /// mark, white space and `<!DOCTYPE ...>` (before them it would put the page in quirks
    /// mode), where the parser puts it into the head before anything the page says.
    public static func lockedDown(_ html: [UInt8]) -> [UInt8] {
        var at = 0
        if html.starts(with: [0xEF, 0xBB, 0xBF]) { at = 3 }
        while at < html.count, [0x20, 0x09, 0x0A, 0x0D].contains(html[at]) { at += 1 }
        let doctype = Array("<!doctype".utf8)
        if html.count >= at + doctype.count, zip(html[at..<(at + doctype.count)], doctype).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) || $0 == $1 }),
            let end = html[at...].firstIndex(of: UInt8(ascii: ">")) {
            at = end + 1
        }
        let meta = Array("<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">".utf8)
        return Array(html[..<at]) + meta + Array(html[at...])
    }

    private func run(_ arguments: [String], home: String) throws(Failure) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The browser's own chatter (GPU, sandbox notes) is not the user's business.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let environment = ["HOME=\(home)", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // A process group of its own: Debian's `chromium` is a shell script that does not exec,
        // and the browser starts a zygote, renderers and a GPU process under it; stopping only
        // the first left seven processes running, a renderer at 98% CPU. The whole group goes.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let status = posix_spawn(&pid, browser, &actions, &attributes, &argv, &envp)
        guard status == 0 else {
            throw Failure(description: "cannot start \(browser): \(String(cString: strerror(status)))")
        }
        // Whatever happens, nothing of the browser outlives the print: a helper left behind by
        // a browser that did finish goes with the group too.
        defer { kill(-pid, SIGKILL) }
        var waited = 0
        var exit: Int32 = 0
        while true {
            let done = waitpid(pid, &exit, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { throw Failure(description: "lost \(browser): \(String(cString: strerror(errno)))") }
            if waited >= timeoutSeconds * 20 {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &exit, 0)
                throw Failure(description: "\(browser) did not finish printing in \(timeoutSeconds) s; stopped")
            }
            usleep(50_000)
            waited += 1
        }
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        if exit & 0x7f != 0 || (exit >> 8) & 0xff != 0 {
            throw Failure(description: "\(browser) failed (status \(exit)) printing the page")
        }
    }

    /// `file://` and the path, each byte but unreserved ones and `/` percent-encoded, so that a
    /// TMPDIR holding a space, `#` or `?` still names the page.
    static func fileURL(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var url = "file://"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                url.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                url += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return url
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { buffer in retryingOnInterrupt { systemRead(fd, buffer.baseAddress, buffer.count) } }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}

/// read(2), named apart from `PDFPrinter.readFile`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
