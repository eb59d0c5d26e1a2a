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
                CREATE TABLE session (
                  id INTEGER PRIMARY KEY,
                  patient INTEGER NOT NULL REFERENCES patient(id),
                  date TEXT NOT NULL,
                  revision INTEGER NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('current', 'superseded', 'withdrawn')),
                  inputs TEXT NOT NULL,
                  inputHash TEXT NOT NULL,
                  protocolID TEXT NOT NULL,
                  protocolVersion TEXT NOT NULL,
                  protocolHash TEXT NOT NULL,
                  madeBy INTEGER NOT NULL REFERENCES change(id),
                  reason TEXT,
                  endedBy INTEGER REFERENCES change(id),
                  endReason TEXT,
                  figures TEXT NOT NULL,
                  UNIQUE (patient, date, revision)
                );
                CREATE UNIQUE INDEX session_one_current ON session(patient, date) WHERE state = 'current';
                """)
        }
        return migrator
    }
}
