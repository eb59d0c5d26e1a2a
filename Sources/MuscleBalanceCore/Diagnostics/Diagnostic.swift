import FastText

/// One problem found in a file, in the form compilers use: `path:line:column: error: message`.
/// Lines and columns are 1-based; 0 means unknown.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning, error

        public static func < (a: Severity, b: Severity) -> Bool {
            a == .warning && b == .error
        }
    }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    /// What the message is about in the source text, so the column can be found later by the
    /// edge that holds the text (parsers give lines, not columns, for elements).
    public var anchor: SourceAnchor?
    /// Which of the anchor's elements on its line (0: the first): a spreadsheet row made into
    /// XML holds many measures on one line, and so may a hand-written file.
    public var occurrence: Int
    /// A workbook's sheet: the position is then the cell, `book.xlsx:Sheet1!E812`, with
    /// `line` the row and `column` the column's number (E is 5).
    public var sheet: String?

    public init(
        _ severity: Severity, file: String = "", line: Int, column: Int = 0, message: String,
        anchor: SourceAnchor? = nil, occurrence: Int = 0, sheet: String? = nil
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.anchor = anchor
        self.occurrence = occurrence
        self.sheet = sheet
    }

    /// Where the problem is, as a message says it: "line 12", or a workbook's "Sheet1!E812".
    public var positionWords: String {
        if let sheet { return "\(sheet)!\(Self.columnLetters(column))\(line)" }
        return "line \(line)"
    }

    /// A spreadsheet's column letters: 1 is A, 27 is AA.
    public static func columnLetters(_ column: Int) -> String { spreadsheetColumnLetters(column) }

    /// The line a person reads: the path and the message escaped whole (`VisibleText`), so
    /// that a control character or line break in a file name or a quoted value is shown, not
    /// obeyed by the terminal; each cut in the middle past 1,000 characters (`shortened`).
    /// A problem with the file as a whole (it cannot be opened, the disk is full) has no line:
    /// `path: error: message`, as compilers write it, instead of a position `:0:0` that is none.
    public var description: String {
        let file = VisibleText.shortened(file)
        let place: String
        if let sheet, line > 0 {
            place = "\(VisibleText.escaped(file)):\(VisibleText.escaped(VisibleText.shortened(sheet)))!\(Self.columnLetters(column))\(line)"
        } else {
            place = line > 0 ? "\(VisibleText.escaped(file)):\(line):\(column)" : VisibleText.escaped(file)
        }
        return "\(place): \(severity.rawValue): \(VisibleText.escaped(VisibleText.shortened(message)))"
    }
}

/// Where on its line a diagnostic points: an element's `<name`, or one of its attributes.
public enum SourceAnchor: Sendable, Hashable {
    case element(String)
    case attribute(element: String, name: String)
    /// The reading of a measure's `<trial>` at this index (0 the first), on the measure's line
    /// or after it.
    case trial(Int)
}

/// A line of a source file and the thing on it, carried by model values so that rules can
/// report positions without knowing about XML.
public struct SourceLocation: Sendable, Hashable {
    public var line: Int
    public var element: String
    /// Which of the elements of this name on the line it is (0: the first).
    public var occurrence: Int

    public init(line: Int, element: String, occurrence: Int = 0) {
        self.line = line
        self.element = element
        self.occurrence = occurrence
    }

    public func error(_ message: String, attribute: String? = nil) -> Diagnostic {
        Diagnostic(.error, line: line, message: message, anchor: anchor(attribute), occurrence: occurrence)
    }

    public func warning(_ message: String, attribute: String? = nil) -> Diagnostic {
        Diagnostic(.warning, line: line, message: message, anchor: anchor(attribute), occurrence: occurrence)
    }

    /// The `index`-th trial of the element here (a measure).
    public func trialError(_ message: String, index: Int) -> Diagnostic {
        Diagnostic(.error, line: line, message: message, anchor: .trial(index), occurrence: occurrence)
    }

    private func anchor(_ attribute: String?) -> SourceAnchor {
        attribute.map { .attribute(element: element, name: $0) } ?? .element(element)
    }
}
