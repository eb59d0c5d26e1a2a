/// One session to store: whose, when, as entered and as scored, and by which protocol.
public struct SessionEntry: Sendable {
    /// The clinic the file names (`clinic` of `<measurements>`, `--clinic` for a sheet); empty
    /// when it names none. The same patient id in two clinics is two patients.
    public var clinic: String
    public var patientID: String
    /// yyyy-mm-dd.
    public var date: String
    public var inputs: SessionInputs
    /// `inputs.hash`, made once.
    public let inputHash: String
    /// What was scored, made only when the session is stored: a session found unchanged is
    /// never scored (a re-import of 20,000 patients scored every one for nothing).
    /// Nil for an entry read back from a record (`init(record:)`) without its figures: one the
    /// store already held unchanged when it was made, which only `--amend` could store again.
    public var makeFigures: (@Sendable () -> SessionFigures)?
    public var protocolStamp: ProtocolStamp
    /// The stored bytes, made ahead on a worker thread (`pack()`) so that the one thread
    /// writing the store only writes; made when stored otherwise.
    public var packed: PackedSession?
    /// The store held this session, current and with these inputs, when the entry was made
    /// (read through another connection, on the worker that scored it). The store takes the
    /// word for it, with no lookup, only when no other connection has written since
    /// (`HistoryStore.importSessions(trustingUnchangedAt:)`).
    public var seenUnchanged = false

    public init(clinic: String, patientID: String, date: String, inputs: SessionInputs, figures: SessionFigures, protocolStamp: ProtocolStamp) {
        self.init(clinic: clinic, patientID: patientID, date: date, inputs: inputs, makeFigures: { figures }, protocolStamp: protocolStamp)
    }

    public init(clinic: String, patientID: String, date: String, inputs: SessionInputs, makeFigures: @escaping @Sendable () -> SessionFigures, protocolStamp: ProtocolStamp) {
        self.clinic = clinic
        self.patientID = patientID
        self.date = date
        self.inputs = inputs
        self.inputHash = inputs.hash
        self.makeFigures = makeFigures
        self.protocolStamp = protocolStamp
    }

    /// Makes the stored bytes now (scoring the session, if it was not).
    public mutating func pack() throws(HistoryError) {
        guard packed == nil else { return }
        guard let makeFigures else {
            throw HistoryError("the session of patient '\(patientID)' on \(date) was read as unchanged, and its figures were not kept; import its file with mbt history import")
        }
        packed = PackedSession(inputs: inputs, figures: makeFigures())
    }

    /// The entry as one record of bytes, to be read back by `init(record:)` (`mbt score
    /// --history` keeps a file's entries so until its reports are written): each field's
    /// length, then its bytes.
    public var record: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(3000)
        for field in [clinic, patientID, date, inputHash, protocolStamp.id, protocolStamp.version, protocolStamp.hash] { Self.put(Array(field.utf8), &out) }
        Self.put(inputs.bytes, &out)
        Self.put(seenUnchanged ? [1] : [0], &out)
        if let packed {
            Self.put(packed.inputs, &out)
            Self.put(Array(String(packed.inputsSize).utf8), &out)
            Self.put(packed.figures, &out)
            Self.put(Array(String(packed.figuresSize).utf8), &out)
        }
        return out
    }

    /// An entry from its `record`; nil when the bytes are not one.
    public init?(record: [UInt8]) {
        var fields: [ArraySlice<UInt8>] = []
        var i = 0
        while i + 4 <= record.count {
            let length = Int(record[i]) | Int(record[i + 1]) << 8 | Int(record[i + 2]) << 16 | Int(record[i + 3]) << 24
            guard i + 4 + length <= record.count else { return nil }
            fields.append(record[(i + 4)..<(i + 4 + length)])
            i += 4 + length
        }
        guard i == record.count, fields.count == 9 || fields.count == 13, fields[8].count == 1 else { return nil }
        // The text fields decoded; the inputs and packed bytes kept as bytes.
        let text = fields.indices.map { [0, 1, 2, 3, 4, 5, 6, 10, 12].contains($0) ? String(decoding: fields[$0], as: UTF8.self) : "" }
        clinic = text[0]
        patientID = text[1]
        date = text[2]
        inputHash = text[3]
        protocolStamp = ProtocolStamp(id: text[4], version: text[5], hash: text[6])
        inputs = SessionInputs(bytes: Array(fields[7]))
        makeFigures = nil
        seenUnchanged = fields[8].first == 1
        if fields.count == 13, let inputsSize = Int(text[10]), let figuresSize = Int(text[12]) {
            packed = PackedSession(inputs: Array(fields[9]), inputsSize: inputsSize, figures: Array(fields[11]), figuresSize: figuresSize)
        } else {
            packed = nil
        }
    }

    private static func put(_ bytes: [UInt8], _ out: inout [UInt8]) {
        let n = UInt32(bytes.count)
        out += [UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 24)]
        out += bytes
    }
}

/// A session's inputs and figures as the store keeps them (`Deflated`).
public struct PackedSession: Sendable {
    public var inputs: [UInt8]
    public var inputsSize: Int
    public var figures: [UInt8]
    public var figuresSize: Int

    public init(inputs: [UInt8], inputsSize: Int, figures: [UInt8], figuresSize: Int) {
        self.inputs = inputs
        self.inputsSize = inputsSize
        self.figures = figures
        self.figuresSize = figuresSize
    }

    public init(inputs: SessionInputs, figures: SessionFigures) {
        let (i, f) = (inputs.bytes, figures.bytes)
        self.inputs = Deflated.pack(i)
        inputsSize = i.count
        self.figures = Deflated.pack(f)
        figuresSize = f.count
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
