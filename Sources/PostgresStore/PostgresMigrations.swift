/// Versioned schema of the PostgreSQL store, the same model as the SQLite
/// store's (see `SQLiteMigrations`). Append-only: a released migration is never
/// edited; a change is a new entry. Each migration runs in its own transaction
/// under an advisory lock, so instances starting together apply it once.
enum PostgresMigrations {
    struct Migration {
        var version: Int
        var name: String
        /// One statement per element (the extended protocol takes one at a time).
        var statements: [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "complaints, feed, archive manifest, quarantine, replay, sinks, dedup index", statements: [
            """
            CREATE TABLE archive_objects (
                sha256 text PRIMARY KEY,
                size bigint NOT NULL,
                media_type text NOT NULL,
                first_received_at timestamptz NOT NULL,
                pruned_at timestamptz
            )
            """,
            """
            CREATE TABLE ingestions (
                id bigserial PRIMARY KEY,
                channel text NOT NULL,
                channel_type text NOT NULL,
                raw_sha256 text NOT NULL REFERENCES archive_objects (sha256),
                source_name text NOT NULL,
                received_at timestamptz NOT NULL,
                finished_at timestamptz,
                status text NOT NULL,
                counts text,
                worker text NOT NULL DEFAULT '',
                media_type text,
                metadata text
            )
            """,
            "CREATE INDEX ingestions_by_raw ON ingestions (raw_sha256, channel, id)",
            "CREATE INDEX ingestions_processing ON ingestions (id) WHERE status = 'processing'",
            // One row per complaint; the primary key is what makes two instances
            // inserting one complaint at once fail rather than both succeed.
            """
            CREATE TABLE complaints (
                id text PRIMARY KEY,
                channel text NOT NULL,
                source_id text NOT NULL,
                revision integer NOT NULL,
                fingerprint text NOT NULL,
                current_rowid bigint NOT NULL,
                first_seq bigint NOT NULL,
                last_seq bigint NOT NULL,
                dedup text,
                dedup_entry bigint
            )
            """,
            """
            CREATE TABLE complaint_revisions (
                rowid bigserial PRIMARY KEY,
                complaint_id text NOT NULL,
                revision integer NOT NULL,
                previous_rowid bigint,
                ingestion_id bigint,
                document text NOT NULL
            )
            """,
            "CREATE INDEX complaint_revisions_by_ingestion ON complaint_revisions (ingestion_id)",
            // The feed. Sequences are taken under the commit lock (see
            // PostgresComplaintStore.commit), so they become visible in order.
            // channel, dedup_status and automated are copied from the document so
            // the feed's filters are column tests, not JSON parsing per row.
            """
            CREATE TABLE feed_events (
                seq bigserial PRIMARY KEY,
                complaint_id text NOT NULL,
                revision integer NOT NULL,
                revision_rowid bigint NOT NULL,
                type text NOT NULL,
                committed_at timestamptz NOT NULL,
                channel text NOT NULL,
                dedup_status text NOT NULL,
                automated boolean NOT NULL
            )
            """,
            """
            CREATE TABLE quarantine (
                id bigserial PRIMARY KEY,
                ingestion_id bigint,
                channel text NOT NULL,
                raw_sha256 text NOT NULL,
                location text,
                reason text NOT NULL,
                excerpt text,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX quarantine_by_raw ON quarantine (raw_sha256)",
            """
            CREATE TABLE replay_runs (
                id bigserial PRIMARY KEY,
                filter text NOT NULL,
                through bigint NOT NULL,
                cursor bigint NOT NULL DEFAULT 0,
                started_at timestamptz NOT NULL,
                finished_at timestamptz
            )
            """,
            "CREATE INDEX replay_runs_open ON replay_runs (filter) WHERE finished_at IS NULL",
            "CREATE TABLE sink_cursors (sink text PRIMARY KEY, cursor bigint NOT NULL)",
            """
            CREATE TABLE dead_letters (
                id bigserial PRIMARY KEY,
                sink text NOT NULL,
                seq bigint NOT NULL,
                attempts integer NOT NULL,
                error text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX dead_letters_by_sink ON dead_letters (sink, seq)",
            "CREATE TABLE dedup_identities (key text PRIMARY KEY, person bigint NOT NULL)",
            "CREATE INDEX dedup_identities_by_person ON dedup_identities (person)",
            "CREATE SEQUENCE dedup_persons",
            """
            CREATE TABLE dedup_entries (
                id bigserial PRIMARY KEY,
                complaint_id text NOT NULL,
                person bigint,
                at double precision NOT NULL,
                text_hash bigint NOT NULL,
                signature bytea NOT NULL,
                facts text NOT NULL,
                status text NOT NULL,
                root text,
                cluster bigint
            )
            """,
            "CREATE INDEX dedup_entries_by_person ON dedup_entries (person, at) WHERE person IS NOT NULL",
            "CREATE INDEX dedup_entries_by_cluster ON dedup_entries (cluster, at) WHERE cluster IS NOT NULL",
            // LSH buckets by UTC day, as in SQLite: inserts touch today's part of the
            // index only. (Declarative partitioning by day is the next step at scale.)
            "CREATE TABLE dedup_bands (day bigint NOT NULL, key bigint NOT NULL, entry bigint NOT NULL, PRIMARY KEY (day, key, entry))",
            """
            CREATE TABLE dedup_clusters (
                id bigint PRIMARY KEY,
                complaint_id text NOT NULL,
                size integer NOT NULL,
                customers integer NOT NULL,
                first_seen double precision NOT NULL,
                last_seen double precision NOT NULL,
                flagged_at double precision,
                flagged_customers integer
            )
            """,
            "CREATE INDEX dedup_clusters_by_last_seen ON dedup_clusters (last_seen)",
            "CREATE TABLE dedup_cluster_people (cluster bigint NOT NULL, person bigint NOT NULL, PRIMARY KEY (cluster, person))",
            // Work sharing between instances: a drop-folder input being processed,
            // and named leases (one feed poller per URL).
            """
            CREATE TABLE input_claims (
                channel text NOT NULL,
                sha256 text NOT NULL,
                owner text NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (channel, sha256)
            )
            """,
            "CREATE TABLE leases (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)",
        ]),
        // Which input a complaint's current revision came from, so the write
        // transaction can refuse another input reusing an id only its own input
        // may revise (an Idempotency-Key, a submission id).
        Migration(version: 2, name: "the raw input behind each complaint's current revision", statements: [
            "ALTER TABLE complaints ADD COLUMN raw_sha256 text",
            """
            UPDATE complaints c SET raw_sha256 = r.document::jsonb -> 'raw' ->> 'sha256'
            FROM complaint_revisions r WHERE r.rowid = c.current_rowid
            """,
        ]),
        // Each dedup entry's 25 LSH band keys (8 bytes each, as in SQLite): what
        // another instance's in-memory working set reads to catch up on it.
        Migration(version: 3, name: "band keys with each dedup entry", statements: [
            "ALTER TABLE dedup_entries ADD COLUMN bands bytea",
        ]),
        // Where each remote source (an IMAP folder) was last read up to.
        Migration(version: 4, name: "positions of remote sources", statements: [
            "CREATE TABLE source_positions (key text PRIMARY KEY, position text NOT NULL, updated_at timestamptz NOT NULL)",
        ]),
        // The [incidents] level each cluster has reached, by its public id (so a
        // rebuilt dedup index keeps it), and incident.level_changed events' data.
        Migration(version: 5, name: "incident levels", statements: [
            """
            CREATE TABLE incidents (
                cluster text PRIMARY KEY,
                rank integer NOT NULL,
                level text NOT NULL,
                customers integer NOT NULL,
                window_minutes integer NOT NULL,
                first_raised_at double precision NOT NULL,
                raised_at double precision NOT NULL,
                seq bigint
            )
            """,
            "CREATE INDEX dedup_clusters_by_complaint ON dedup_clusters (complaint_id)",
            "CREATE INDEX ingestions_by_channel_time ON ingestions (channel, received_at)",
            "ALTER TABLE feed_events ADD COLUMN payload text",
        ]),
        // One random id per store (see SQLite's v10): tells feed consumers a reset store.
        Migration(version: 6, name: "the store's identity", statements: [
            "CREATE TABLE store_identity (id text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())",
            "INSERT INTO store_identity (id) VALUES (md5(random()::text || clock_timestamp()::text))",
        ]),
        // Identities that link, shared keys and person keys (see SQLite's v11).
        Migration(version: 7, name: "identities that link, shared keys, person keys", statements: [
            "ALTER TABLE dedup_identities ADD COLUMN partners text NOT NULL DEFAULT ''",
            "ALTER TABLE dedup_identities ADD COLUMN shared boolean NOT NULL DEFAULT false",
            "ALTER TABLE dedup_entries ADD COLUMN keys text NOT NULL DEFAULT ''",
            "CREATE TABLE dedup_person_keys (person bigint PRIMARY KEY, key text NOT NULL UNIQUE, merged_into bigint)",
            "CREATE TABLE dedup_salt (salt text NOT NULL)",
            "INSERT INTO dedup_salt (salt) VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))",
        ]),
        // When each person was last announced as repeat / at risk (see SQLite's v12).
        Migration(version: 8, name: "customer signals", statements: [
            "CREATE TABLE customer_signals (person text NOT NULL, kind text NOT NULL, at double precision NOT NULL, PRIMARY KEY (person, kind))",
        ]),
    ]
}
