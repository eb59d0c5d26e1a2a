/// One session to store: whose, when, as entered and as scored, and by which protocol.
public struct SessionEntry {
    /// The clinic the file names (`clinic` of `<measurements>`, `--clinic` for a sheet); empty
    /// when it names none. The same patient id in two clinics is two patients.
    public var clinic: String
    public var patientID: String
    /// yyyy-mm-dd.
    public var date: String
    public var inputs: SessionInputs
    /// What was scored, made only when the session is stored: a session found unchanged is
    /// never scored (a re-import of 20,000 patients scored every one for nothing).
    public var makeFigures: () -> SessionFigures
    public var protocolStamp: ProtocolStamp

    public init(clinic: String, patientID: String, date: String, inputs: SessionInputs, figures: SessionFigures, protocolStamp: ProtocolStamp) {
        self.init(clinic: clinic, patientID: patientID, date: date, inputs: inputs, makeFigures: { figures }, protocolStamp: protocolStamp)
    }

    public init(clinic: String, patientID: String, date: String, inputs: SessionInputs, makeFigures: @escaping () -> SessionFigures, protocolStamp: ProtocolStamp) {
        self.clinic = clinic
        self.patientID = patientID
        self.date = date
        self.inputs = inputs
        self.makeFigures = makeFigures
        self.protocolStamp = protocolStamp
    }
}

/// The protocol a session was scored against: its id, version and the hash of its file.
public struct ProtocolStamp: Sendable, Hashable {
    public var id: String
    public var version: String
    public var hash: String

    public init(id: String, version: String, hash: String) {
        self.id = id
        self.version = version
        self.hash = hash
    }
}

/// What became of one session offered to the store.
public struct SessionVerdict {
    public enum Outcome: Sendable, Equatable {
        case added
        case unchanged
        /// Stored as a new revision (`--amend`); the one before is kept, superseded.
        case amended(revision: Int)
        /// It differs from the stored session: not stored, with what differs.
        case refused(differences: [String])
        /// The stored session was withdrawn: not stored again without `--amend`.
        case withdrawn
    }

    public var entry: SessionEntry
    public var outcome: Outcome
}

/// A session as the store holds it now (its current revision).
public struct StoredSession: Sendable {
    public var clinic: String
    public var patientID: String
    public var date: String
    public var revision: Int
    public var inputs: SessionInputs
    public var figures: SessionFigures
    public var protocolID: String
    public var protocolVersion: String
    public var protocolHash: String = ""
}

/// How many sessions of one change were added, found unchanged, amended and refused.
public struct ImportCounts: Sendable, Equatable {
    public var added = 0
    public var unchanged = 0
    public var amended = 0
    public var refused = 0

    public init(added: Int = 0, unchanged: Int = 0, amended: Int = 0, refused: Int = 0) {
        self.added = added
        self.unchanged = unchanged
        self.amended = amended
        self.refused = refused
    }

    mutating func count(_ outcome: SessionVerdict.Outcome) {
        switch outcome {
        case .added: added += 1
        case .unchanged: unchanged += 1
        case .amended: amended += 1
        case .refused, .withdrawn: refused += 1
        }
    }

    public static func + (a: ImportCounts, b: ImportCounts) -> ImportCounts {
        ImportCounts(added: a.added + b.added, unchanged: a.unchanged + b.unchanged, amended: a.amended + b.amended, refused: a.refused + b.refused)
    }
}
