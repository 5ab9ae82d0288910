import GRDB

/// Versioned schema of the SQLite store. Migrations are append-only: a
/// released migration is never edited, a change is a new one.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: complaints, feed, archive manifest, quarantine") { db in
            try db.execute(sql: """
                CREATE TABLE archive_objects (
                    sha256 TEXT PRIMARY KEY NOT NULL,
                    size INTEGER NOT NULL,
                    media_type TEXT NOT NULL,
                    first_received_at TEXT NOT NULL,
                    pruned_at TEXT
                );
                CREATE TABLE ingestions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    channel TEXT NOT NULL,
                    channel_type TEXT NOT NULL,
                    raw_sha256 TEXT NOT NULL REFERENCES archive_objects(sha256),
                    source_name TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,
                    counts TEXT,
                    worker TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX ingestions_by_raw ON ingestions(raw_sha256, channel, id);
                -- One row per complaint, keyed by its id (which already hashes channel
                -- and source id, so no second unique index is needed). This is the only
                -- index on a random key; everything else links by rowid.
                CREATE TABLE complaints (
                    id TEXT PRIMARY KEY NOT NULL,
                    channel TEXT NOT NULL,
                    source_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    current_rowid INTEGER NOT NULL,
                    first_seq INTEGER NOT NULL,
                    last_seq INTEGER NOT NULL
                ) WITHOUT ROWID;
                -- Every revision's document, appended in commit order (rowid order):
                -- ~1 KB rows keyed by a random id would rewrite pages all over the
                -- B-tree. previous_rowid chains a complaint's revisions.
                CREATE TABLE complaint_revisions (
                    rowid INTEGER PRIMARY KEY,
                    complaint_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    previous_rowid INTEGER,
                    ingestion_id INTEGER,
                    document TEXT NOT NULL
                );
                -- Ingestion ids only grow, so this index is appended to, not scattered.
                CREATE INDEX complaint_revisions_by_ingestion ON complaint_revisions(ingestion_id);
                CREATE TABLE feed_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    complaint_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    revision_rowid INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    committed_at TEXT NOT NULL
                );
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    ingestion_id INTEGER,
                    channel TEXT NOT NULL,
                    raw_sha256 TEXT NOT NULL,
                    location TEXT,
                    reason TEXT NOT NULL,
                    excerpt TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX quarantine_by_raw ON quarantine(raw_sha256);
                """)
        }
        m.registerMigration("v2: replay runs") { db in
            try db.execute(sql: """
                -- Where an interrupted replay stopped, so running it again resumes there.
                CREATE TABLE replay_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    filter TEXT NOT NULL,
                    through INTEGER NOT NULL,
                    cursor INTEGER NOT NULL DEFAULT 0,
                    started_at TEXT NOT NULL,
                    finished_at TEXT
                );
                CREATE INDEX replay_runs_open ON replay_runs(filter) WHERE finished_at IS NULL;
                """)
        }
        m.registerMigration("v3: per-input media type and metadata") { db in
            // A form post carries its own Content-Type (with the multipart boundary)
            // and headers such as Idempotency-Key; replay needs them back.
            try db.execute(sql: """
                ALTER TABLE ingestions ADD COLUMN media_type TEXT;
                ALTER TABLE ingestions ADD COLUMN metadata TEXT;
                """)
        }
        m.registerMigration("v4: delivery sinks") { db in
            try db.execute(sql: """
                -- How far each sink (webhook, NDJSON file) has delivered the feed:
                -- advanced after each delivery, so a restart resumes (at least once).
                CREATE TABLE sink_cursors (
                    sink TEXT PRIMARY KEY NOT NULL,
                    cursor INTEGER NOT NULL
                );
                -- Events a sink gave up on after its retry budget.
                CREATE TABLE dead_letters (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sink TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    attempts INTEGER NOT NULL,
                    error TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX dead_letters_by_sink ON dead_letters(sink, seq);
                """)
        }
        return m
    }
}
