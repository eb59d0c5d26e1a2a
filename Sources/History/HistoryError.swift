/// Why the store cannot be used or a change cannot be made, said for the person at the
/// terminal: the store's path and what to do.
public struct HistoryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The store could not be opened or read at all (exit status 2), as against a refused change.
    public var unusable: Bool

    public init(_ message: String, unusable: Bool = true) {
        self.message = message
        self.unusable = unusable
    }

    public var description: String { message }
}
