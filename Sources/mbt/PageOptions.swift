import ArgumentParser
import ClinicFiles
import ClinicReports
import FastText

/// The options of every command that makes an HTML or PDF page: the stylesheet and the paper.
struct PageOptions: ParsableArguments {
    static let optionsWithValues: Set<String> = ["--stylesheet", "--paper"]

    @Option(name: .long, help: ArgumentHelp("""
        An XSLT 1.0 stylesheet to make the page with, instead of Reports/report.html.xsl (or \
        Reports/handout.html.xsl for --format handout): a clinic's own layout. It is checked \
        like any input and may read or write no file.
        """, valueName: "file"))
    var stylesheet: String?

    @Option(name: .long, help: ArgumentHelp("The paper the page is laid out for: a4 or letter.", valueName: "size"))
    var paper: Paper = .a4

    enum Paper: String, ExpressibleByArgument, CaseIterable {
        case a4, letter
        var page: ReportStylesheet.Paper { self == .a4 ? .a4 : .letter }
    }

    /// The stylesheet, compiled: --stylesheet, or the bundled one beside the protocols.
    func compiled(_ bundled: ReportStylesheet.Bundled, library: ProtocolLibrary) throws -> ReportStylesheet {
        guard let path = stylesheet ?? ReportStylesheet.bundledPath(bundled, protocolsDirectory: library.directory) else {
            throw EnvironmentFailure(message: "cannot find Reports/\(bundled.rawValue) beside \(library.directory); pass --stylesheet FILE")
        }
        do {
            return try ReportStylesheet(path: path, paper: paper.page)
        } catch {
            // libxslt's words may quote the stylesheet: shown with control characters escaped.
            let lines = error.diagnostics.map { d in
                let place = d.line > 0 ? "\(path):\(d.line):\(max(d.column, 1))" : path
                return VisibleText.escaped("\(place): error: \(d.message)")
            }.joined(separator: "\n")
            throw EnvironmentFailure(message: "the stylesheet cannot be used:\n\(lines)")
        }
    }
}
