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
        m.registerMigration("v5: dedup index and incident clusters") { db in
            try db.execute(sql: """
                -- The verdict of each complaint's first revision (JSON, NULL = unique and
                -- unclustered) and its dedup entry: later revisions keep both.
                ALTER TABLE complaints ADD COLUMN dedup TEXT;
                ALTER TABLE complaints ADD COLUMN dedup_entry INTEGER;
                -- Identity keys (email:, phone:, handle:, account:) and the person they
                -- belong to; a complaint carrying keys of two persons merges them.
                CREATE TABLE dedup_identities (
                    key TEXT PRIMARY KEY NOT NULL,
                    person INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX dedup_identities_by_person ON dedup_identities(person);
                -- One row per complaint with text, appended in commit order. The
                -- signature is 128 16-bit MinHash values (256 bytes).
                CREATE TABLE dedup_entries (
                    id INTEGER PRIMARY KEY,
                    complaint_id TEXT NOT NULL,
                    person INTEGER,
                    at REAL NOT NULL,
                    text_hash INTEGER NOT NULL,
                    signature BLOB NOT NULL,
                    facts TEXT NOT NULL,
                    status TEXT NOT NULL,
                    root TEXT,                  -- first complaint of its duplicate group; NULL = itself
                    cluster INTEGER             -- first entry of its cluster; NULL = itself
                );
                CREATE INDEX dedup_entries_by_person ON dedup_entries(person, at) WHERE person IS NOT NULL;
                CREATE INDEX dedup_entries_by_cluster ON dedup_entries(cluster, at) WHERE cluster IS NOT NULL;
                -- LSH buckets, partitioned by UTC day of receipt: inserts go to today's
                -- part of the B-tree only, so their cost follows the daily volume and not
                -- the size of the store; lookups visit the days of the cluster window.
                CREATE TABLE dedup_bands (
                    day INTEGER NOT NULL,
                    key INTEGER NOT NULL,
                    entry INTEGER NOT NULL,
                    PRIMARY KEY (day, key, entry)
                ) WITHOUT ROWID;
                -- Clusters of two or more complaints (a lone complaint is its own cluster
                -- and has no row), keyed by their first entry.
                CREATE TABLE dedup_clusters (
                    id INTEGER PRIMARY KEY,
                    complaint_id TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    customers INTEGER NOT NULL,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    flagged_at REAL,
                    flagged_customers INTEGER
                );
                CREATE INDEX dedup_clusters_by_last_seen ON dedup_clusters(last_seen);
                CREATE TABLE dedup_cluster_people (
                    cluster INTEGER NOT NULL,
                    person INTEGER NOT NULL,
                    PRIMARY KEY (cluster, person)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v6: the raw input behind each complaint's current revision") { db in
            try db.execute(sql: """
                -- Which input a complaint's current revision came from, so that the
                -- write transaction can refuse another input reusing an id that only
                -- its own input may revise (an Idempotency-Key, a submission id).
                ALTER TABLE complaints ADD COLUMN raw_sha256 TEXT;
                UPDATE complaints SET raw_sha256 = (
                    SELECT json_extract(document, '$.raw.sha256') FROM complaint_revisions
                    WHERE complaint_revisions.rowid = complaints.current_rowid);
                """)
        }
        m.registerMigration("v7: band keys with each dedup entry") { db in
            try db.execute(sql: """
                -- The entry's 25 LSH band keys (8 bytes each): what another process's
                -- in-memory bucket cache reads to catch up on this entry without a
                -- scan of dedup_bands. NULL for entries stored before.
                ALTER TABLE dedup_entries ADD COLUMN bands BLOB;
                """)
        }
        m.registerMigration("v8: positions of remote sources") { db in
            try db.execute(sql: """
                -- Where each remote source (an IMAP folder) was last read up to, so a
                -- restart resumes there: 'UIDVALIDITY:UID' for IMAP.
                CREATE TABLE source_positions (
                    key TEXT PRIMARY KEY NOT NULL,
                    position TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v9: incident levels") { db in
            try db.execute(sql: """
                -- The [incidents] level each cluster has reached, by the cluster's public id
                -- (its first complaint's id), so a rebuilt dedup index keeps it; seq is the
                -- feed event that announced the current level.
                CREATE TABLE incidents (
                    cluster TEXT PRIMARY KEY NOT NULL,
                    rank INTEGER NOT NULL,
                    level TEXT NOT NULL,
                    customers INTEGER NOT NULL,
                    window_minutes INTEGER NOT NULL,
                    first_raised_at REAL NOT NULL,
                    raised_at REAL NOT NULL,
                    seq INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX incidents_by_raised_at ON incidents(raised_at);
                CREATE INDEX dedup_clusters_by_complaint ON dedup_clusters(complaint_id);
                -- Each channel's recent inputs (the console's counts and last input time).
                CREATE INDEX ingestions_by_channel_time ON ingestions(channel, received_at);
                -- An incident.level_changed event's data (JSON); NULL for a complaint
                -- revision's event, whose document is in complaint_revisions.
                ALTER TABLE feed_events ADD COLUMN payload TEXT;
                """)
        }
        m.registerMigration("v10: the store's identity") { db in
            try db.execute(sql: """
                -- One random id per store, made when the store is: feed consumers
                -- compare it with the one they paged with, so a store that was
                -- reset (a new file, a restored backup) is told from one that moved on.
                CREATE TABLE store_identity (
                    id TEXT PRIMARY KEY NOT NULL,
                    created_at TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO store_identity (id, created_at) VALUES (lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
                """)
        }
        m.registerMigration("v11: identities that link, shared keys, person keys") { db in
            try db.execute(sql: """
                -- The other keys each key was seen with (newline-separated, at most one
                -- more than [identity] shared_key_identities) and whether it is shared:
                -- a shared key links nobody (IdentityLinker).
                ALTER TABLE dedup_identities ADD COLUMN partners TEXT NOT NULL DEFAULT '';
                ALTER TABLE dedup_identities ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
                -- The identity keys of each entry, to split a person again.
                ALTER TABLE dedup_entries ADD COLUMN keys TEXT NOT NULL DEFAULT '';
                -- Each person's public key (customer.person); a merged person's key
                -- keeps answering, for the person it was merged into.
                CREATE TABLE dedup_person_keys (
                    person INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    merged_into INTEGER
                );
                -- The secret person keys are made with (PersonKey): never shown.
                CREATE TABLE dedup_salt (salt TEXT NOT NULL);
                INSERT INTO dedup_salt (salt) VALUES (lower(hex(randomblob(32))));
                """)
        }
        m.registerMigration("v12: customer signals") { db in
            try db.execute(sql: """
                -- When each person (customer.person) was last announced as a repeat
                -- complainant or at risk of escalating: once per window (CustomerSignals).
                CREATE TABLE customer_signals (
                    person TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    at REAL NOT NULL,
                    PRIMARY KEY (person, kind)
                ) WITHOUT ROWID;
                """)
        }
        return m
    }
}
