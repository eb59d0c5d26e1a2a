import GRDB

/// The store's tables, made by migrations from the first version on: a store made by an older
/// mbt is brought up to date when opened for writing, and one made by a newer mbt (a migration
/// this one does not know) is refused rather than misread.
enum HistorySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Every change to the store: an import of a file, a re-score, a withdrawal. Nothing
            // in the store is ever deleted; each row says who, when and from what.
            try db.execute(sql: """
                CREATE TABLE change (
                  id INTEGER PRIMARY KEY,
                  at TEXT NOT NULL,
                  mbtVersion TEXT NOT NULL,
                  user TEXT NOT NULL,
                  command TEXT NOT NULL CHECK (command IN ('import', 'score', 'retract', 'rescore', 'merge')),
                  input TEXT NOT NULL,
                  inputHash TEXT NOT NULL,
                  added INTEGER NOT NULL DEFAULT 0,
                  unchanged INTEGER NOT NULL DEFAULT 0,
                  amended INTEGER NOT NULL DEFAULT 0,
                  refused INTEGER NOT NULL DEFAULT 0,
                  withdrawn INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE patient (
                  id INTEGER PRIMARY KEY,
                  clinic TEXT NOT NULL,
                  patientID TEXT NOT NULL,
                  UNIQUE (clinic, patientID)
                );
                -- The protocols sessions were scored with: id, version and the SHA-256 of the
                -- file, once each rather than on every session.
                CREATE TABLE protocol (
                  id INTEGER PRIMARY KEY,
                  protocolID TEXT NOT NULL,
                  version TEXT NOT NULL,
                  hash TEXT NOT NULL,
                  UNIQUE (protocolID, version, hash)
                );
                -- A session's inputs (the lines of a measurement file) and figures (a line per
                -- figure) are kept as SQLite's archive format keeps a file: zlib-compressed
                -- unless that is no smaller, beside the size of the text (`Deflated`); the
                -- sqlite3 shell reads them with CAST(sqlar_uncompress(inputs, inputsSize) AS TEXT).
                CREATE TABLE session (
                  id INTEGER PRIMARY KEY,
                  patient INTEGER NOT NULL REFERENCES patient(id),
                  date TEXT NOT NULL,
                  revision INTEGER NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('current', 'superseded', 'withdrawn')),
                  inputHash TEXT NOT NULL,
                  protocol INTEGER NOT NULL REFERENCES protocol(id),
                  madeBy INTEGER NOT NULL REFERENCES change(id),
                  reason TEXT,
                  endedBy INTEGER REFERENCES change(id),
                  endReason TEXT,
                  inputsSize INTEGER NOT NULL,
                  figuresSize INTEGER NOT NULL,
                  inputs BLOB NOT NULL,
                  figures BLOB NOT NULL,
                  UNIQUE (patient, date, revision)
                );
                -- `mbt history show --patient ID` asks by id alone (the clinics that have it).
                CREATE INDEX patient_by_id ON patient(patientID);
                CREATE UNIQUE INDEX session_one_current ON session(patient, date) WHERE state = 'current';
                """)
        }
        return migrator
    }
}
