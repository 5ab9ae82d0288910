import Foundation
import Synchronization
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ComplaintModel
import GatewayCore

/// The store for more than one machine: PostgreSQL through postgres-nio's
/// connection pool, shared by any number of gateway instances.
///
/// Same model and behaviour as `SQLiteComplaintStore` (both pass one test
/// suite). What sharing needs on top:
/// - **Commit order.** Every `commit` first takes a transaction-level advisory
///   lock, so commits run one at a time across instances, as SQLite's single
///   writer does. Feed sequences are drawn under that lock and the lock is
///   released only after the commit is visible, so a consumer that has seen
///   sequence 11 can never later find a 10 (READ COMMITTED is required: each
///   statement sees every commit that released the lock before it).
/// - **Dedup under concurrency** follows from the same lock (a decision reads
///   the index as the previous commit left it), with the complaints' primary
///   key as a second line of defence.
/// - **Work sharing**: `claimInput` (a drop-folder file is processed by one
///   instance) and `acquireLease` (one feed poller per URL), both rows with an
///   expiry, so the work moves when an instance dies.
/// - **Outages**: a connection that cannot be had within `connectTimeout`, a
///   dropped connection and PostgreSQL's "shutting down" errors are reported as
///   `StoreUnavailableError` (form posts answer 503 with Retry-After, the CLI
///   exits 75), and the pool reconnects by itself when the server is back.
public final class PostgresComplaintStore: ComplaintStore {
    public let settings: PostgresSettings
    let client: PostgresClient
    let logger: Logger
    /// Runs the pool's background work (connecting, keep-alives) for the
    /// store's lifetime: `PostgresClient` does nothing until `run()` is called.
    private let runner: Task<Void, Never>
    /// How long an operation waits for a connection before the store reports
    /// itself unavailable (the pool would otherwise wait forever while the
    /// server is down).
    let connectTimeout: Duration
    /// The longest one statement may go unanswered before its connection is
    /// closed and the operation reported unavailable: a server that vanished
    /// without closing the socket (a host down, a partition, a stop at the
    /// wrong moment) must not hold a form post or a commit forever.
    let statementTimeout: Duration
    /// Recent LSH buckets and dedup entries in memory (see `DedupWorkingSet`),
    /// caught up on other instances' commits under the commit lock.
    let workingSet = DedupWorkingSet()
    /// This instance's commit transactions, one at a time.
    let commitTurn = CommitTurn()

    /// Connects, creates the schema when missing and migrates it.
    public init(settings: PostgresSettings, connectTimeout: Duration = .seconds(5), statementTimeout: Duration = .seconds(60),
                logger: Logger = Logger(label: "complaint-gateway.postgres")) async throws {
        self.settings = settings
        self.logger = logger
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username,
            password: settings.password.map { String(decoding: $0.bytes, as: UTF8.self) },
            database: settings.database, tls: Self.tls(settings.tls))
        configuration.options.maximumConnections = settings.maxConnections
        configuration.options.connectTimeout = connectTimeout
        // Every connection works in the configured schema; names in SQL stay unqualified.
        configuration.options.additionalStartupParameters = [("search_path", settings.schema)]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await migrate()
        } catch {
            runner.cancel()
            throw StoreUnavailableError(reason: "cannot open PostgreSQL \(settings.username)@\(settings.host):\(settings.port)/\(settings.database) schema \(settings.schema): \(Self.mapped(error))")
        }
    }

    deinit {
        runner.cancel()
    }

    /// Closes the pool's connections.
    public func close() {
        runner.cancel()
    }

    private static func tls(_ mode: PostgresSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    // MARK: Connections

    /// Runs `body` on a pooled connection, giving up when none can be had
    /// within `connectTimeout`. Only the wait for a connection is bounded: a
    /// commit waiting for another instance's commit lock is not an outage.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = LeaseFlag()
        let client = self.client, timeout = self.connectTimeout
        do {
            return try await withThrowingTaskGroup(of: LeaseOutcome<T>.self) { group in
                group.addTask {
                    .value(try await client.withConnection { connection in
                        leased.set()
                        return try await body(connection)
                    })
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return leased.isSet ? .leased : .timedOut
                }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .value(let value):
                        group.cancelAll()
                        return value
                    case .leased:
                        continue
                    case .timedOut:
                        // The pool waits for a connection forever while the server is
                        // down (postgres-nio #489); the caller must hear about it.
                        group.cancelAll()
                        throw StoreUnavailableError(reason: "no connection to PostgreSQL at \(settings.host):\(settings.port) within \(timeout)")
                    }
                }
                throw CancellationError()
            }
        } catch {
            throw Self.mapped(error)
        }
    }

    /// One statement's rows, within `statementTimeout`.
    func rows(_ sql: String, _ arguments: [SQLArgument] = []) async throws -> [PostgresRow] {
        let query = try PostgresQuery.sql(sql, arguments)
        let logger = self.logger, timeout = statementTimeout
        return try await withConnection { connection in
            try await withThrowingTaskGroup(of: [PostgresRow]?.self) { group in
                group.addTask { try await connection.query(query, logger: logger).collect() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let rows = try await group.next(), let rows else {
                    // No answer: the connection is closed so the pool replaces it.
                    try? await connection.close()
                    throw StoreUnavailableError(reason: "PostgreSQL did not answer within \(timeout)")
                }
                return rows
            }
        }
    }

    /// One statement, for its effect.
    func execute(_ sql: String, _ arguments: [SQLArgument] = []) async throws {
        _ = try await rows(sql, arguments)
    }

    /// Runs `body` in one transaction on a thread that may block (see
    /// `BlockingTransaction`); commits unless it throws or `rollback` is set.
    func transaction<T: Sendable>(rollback: Bool = false, _ body: @escaping @Sendable (BlockingTransaction) throws -> T) async throws -> T {
        let logger = self.logger, timeout = statementTimeout
        return try await withConnection { connection in
            try await NIOThreadPool.singleton.runIfActive {
                let tx = BlockingTransaction(connection: connection, logger: logger, timeout: timeout)
                try tx.execute("BEGIN")
                do {
                    let value = try body(tx)
                    try tx.execute(rollback ? "ROLLBACK" : "COMMIT")
                    return value
                } catch {
                    // A broken connection cannot roll back; the server does on disconnect.
                    _ = try? tx.execute("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// The advisory lock key commits serialize on, per schema (tenants and test
    /// schemas in one database do not wait for each other).
    static let commitLock = "SELECT pg_advisory_xact_lock(hashtext('complaint-gateway.commit.' || current_schema()))"

    private func migrate() async throws {
        let schema = settings.schema
        try await transaction { tx in
            // Instances starting together: one migrates, the others wait, then find it done.
            try tx.execute("SELECT pg_advisory_xact_lock(hashtext('complaint-gateway.migrate.' || $1))", [schema])
            try tx.execute("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"")
            try tx.execute("SET LOCAL search_path TO \"\(schema)\"")
            try tx.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try tx.rows("SELECT version FROM schema_migrations").map { try $0.makeRandomAccess().required(0, Int32.self) })
            for migration in PostgresMigrations.all where !applied.contains(Int32(migration.version)) {
                for statement in migration.statements { try tx.execute(statement) }
                try tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [Int32(migration.version), migration.name])
            }
            if let newest = applied.max(), Int(newest) > PostgresMigrations.all.map(\.version).max() ?? 0 {
                throw PostgresStoreError("the schema is at version \(newest), newer than this gateway knows; upgrade the gateway")
            }
        }
    }

    // MARK: Ingestions

    public func beginIngestion(_ start: IngestionStart) async throws -> Int64 {
        try await transaction { tx in try Self.insertIngestion(start, tx: tx) }
    }

    /// The manifest entry and the ingestion row (`processing`) of an input.
    static func insertIngestion(_ start: IngestionStart, tx: BlockingTransaction) throws -> Int64 {
        try tx.execute("""
            INSERT INTO archive_objects (sha256, size, media_type, first_received_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (sha256) DO NOTHING
            """, [start.object.sha256, Int64(start.object.size), start.mediaType, start.receivedAt])
        guard let id = try tx.scalar(Int64.self, """
            INSERT INTO ingestions (channel, channel_type, raw_sha256, source_name, received_at, status, worker, media_type, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
            """, [start.channel.name, start.channel.type, start.object.sha256, start.sourceName, start.receivedAt,
                  IngestionStatus.processing.rawValue, WorkerIdentity.current.description, start.mediaType,
                  start.metadata.isEmpty ? nil : Self.encodeMetadata(start.metadata)]) else {
            throw PostgresStoreError("ingestion insert returned no id")
        }
        return id
    }

    static func insertQuarantine(_ entries: [QuarantineEntry], ingestion: Int64, tx: BlockingTransaction) throws {
        for entry in entries {
            try tx.execute("""
                INSERT INTO quarantine (ingestion_id, channel, raw_sha256, location, reason, excerpt, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, now())
                """, [ingestion, entry.channel, entry.rawSHA256, entry.rejection.location, entry.rejection.reason,
                      entry.rejection.excerpt])
        }
    }

    public func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws {
        let json = String(decoding: try JSONEncoder().encode(counts), as: UTF8.self)
        try await execute("UPDATE ingestions SET status = $1, counts = $2, finished_at = now() WHERE id = $3",
                          [status.rawValue, json, id])
    }

    public func hasFinishedIngestion(sha256: String, channel: String) async throws -> Bool {
        !(try await rows("""
            SELECT 1 FROM ingestions WHERE raw_sha256 = $1 AND channel = $2 AND status IN ('completed', 'failed') LIMIT 1
            """, [sha256, channel])).isEmpty
    }

    // MARK: Feed and complaints

    private static let feedColumns = "f.seq, f.type, f.committed_at, r.document, f.payload"

    private static func feedEvent(_ row: PostgresRow, decoder: JSONDecoder) throws -> FeedEvent {
        let cells = row.makeRandomAccess()
        return try FeedEvent.decode(sequence: try cells.required(0), type: try cells.required(1, String.self),
                                    committedAt: try cells.required(2, Date.self), document: try cells.at(3, String.self),
                                    payload: try cells.at(4, String.self), decoder: decoder)
    }

    public func feed(after: Int64, limit: Int) async throws -> [FeedEvent] {
        try await feed(FeedQuery(after: after, limit: limit))
    }

    public func feed(_ query: FeedQuery) async throws -> [FeedEvent] {
        let decoder = JSONDecoder()
        return try await rows("""
            SELECT \(Self.feedColumns)
            FROM feed_events f LEFT JOIN complaint_revisions r ON r.rowid = f.revision_rowid
            WHERE f.seq > $1
              AND ($2::text IS NULL OR f.channel = $2)
              AND ($3::text IS NULL OR f.dedup_status = $3)
              AND ($4 OR f.dedup_status NOT IN ('duplicate', 'near_duplicate'))
              AND ($6 OR NOT f.automated)
            ORDER BY f.seq LIMIT $5
            """, [query.after, query.channel, query.dedupStatus, query.includeDuplicates, Int64(query.limit), query.includeAutomated])
            .map { try Self.feedEvent($0, decoder: decoder) }
    }

    public func feedEvent(sequence: Int64) async throws -> FeedEvent? {
        try await feed(after: sequence - 1, limit: 1).first { $0.sequence == sequence }
    }

    public func complaint(id: String) async throws -> Complaint? {
        guard let row = try await rows("""
            SELECT r.document FROM complaints c JOIN complaint_revisions r ON r.rowid = c.current_rowid WHERE c.id = $1
            """, [id]).first else { return nil }
        return try JSONDecoder().decode(Complaint.self, from: Data(try row.makeRandomAccess().required(0, String.self).utf8))
    }

    public func revisions(of id: String) async throws -> [Complaint] {
        let decoder = JSONDecoder()
        return try await rows("""
            WITH RECURSIVE chain(rowid, previous, document) AS (
                SELECT r.rowid, r.previous_rowid, r.document FROM complaints c
                JOIN complaint_revisions r ON r.rowid = c.current_rowid WHERE c.id = $1
                UNION ALL
                SELECT r.rowid, r.previous_rowid, r.document FROM complaint_revisions r JOIN chain ON r.rowid = chain.previous
            )
            SELECT document FROM chain
            """, [id]).map { try decoder.decode(Complaint.self, from: Data(try $0.makeRandomAccess().required(0, String.self).utf8)) }
    }

    public func complaintCount() async throws -> Int {
        Int(try await rows("SELECT COUNT(*) FROM complaints").first?.makeRandomAccess().required(0, Int64.self) ?? 0)
    }

    // MARK: Sinks

    public func sinkCursor(_ sink: String) async throws -> Int64 {
        try await rows("SELECT cursor FROM sink_cursors WHERE sink = $1", [sink]).first?.makeRandomAccess().required(0, Int64.self) ?? 0
    }

    public func advanceSink(_ sink: String, to cursor: Int64) async throws {
        try await execute("""
            INSERT INTO sink_cursors (sink, cursor) VALUES ($1, $2)
            ON CONFLICT (sink) DO UPDATE SET cursor = GREATEST(sink_cursors.cursor, excluded.cursor)
            """, [sink, cursor])
    }

    public func addDeadLetter(_ letter: DeadLetter) async throws {
        try await execute("INSERT INTO dead_letters (sink, seq, attempts, error, created_at) VALUES ($1, $2, $3, $4, $5)",
                          [letter.sink, letter.sequence, Int32(letter.attempts), letter.error, letter.createdAt])
    }

    public func deadLetters(sink: String?, limit: Int) async throws -> [DeadLetter] {
        try await rows("""
            SELECT id, sink, seq, attempts, error, created_at FROM dead_letters
            WHERE $1::text IS NULL OR sink = $1 ORDER BY id LIMIT $2
            """, [sink, Int64(limit)]).map { row in
            let c = row.makeRandomAccess()
            return DeadLetter(id: try c.required(0), sink: try c.required(1), sequence: try c.required(2),
                              attempts: Int(try c.required(3, Int32.self)), error: try c.required(4), createdAt: try c.required(5))
        }
    }

    public func removeDeadLetter(id: Int64) async throws {
        try await execute("DELETE FROM dead_letters WHERE id = $1", [id])
    }

    // MARK: Quarantine and archive manifest

    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("ORDER BY id DESC LIMIT $1", [Int64(limit)])
    }

    public func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("WHERE id > $1 ORDER BY id LIMIT $2", [after, Int64(limit)])
    }

    private func quarantineRecords(_ clause: String, _ bindings: [SQLArgument]) async throws -> [QuarantineRecord] {
        try await rows("SELECT id, channel, raw_sha256, location, reason, excerpt, created_at FROM quarantine \(clause)", bindings).map { row in
            let c = row.makeRandomAccess()
            return QuarantineRecord(id: try c.required(0), channel: try c.required(1), rawSHA256: try c.required(2),
                                    location: try c.at(3), reason: try c.required(4), excerpt: try c.at(5), createdAt: try c.required(6))
        }
    }

    public func sourcePosition(_ key: String) async throws -> String? {
        try await rows("SELECT position FROM source_positions WHERE key = $1", [key]).first?.makeRandomAccess().required(0, String.self)
    }

    public func saveSourcePosition(_ key: String, _ position: String) async throws {
        try await execute("""
            INSERT INTO source_positions (key, position, updated_at) VALUES ($1, $2, now())
            ON CONFLICT (key) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            """, [key, position])
    }

    public func latestFeedSequence() async throws -> Int64 {
        try await rows("SELECT COALESCE(MAX(seq), 0) FROM feed_events").first?.makeRandomAccess().required(0, Int64.self) ?? 0
    }

    public func clearQuarantine(sha256: String, channel: String) async throws {
        try await execute("DELETE FROM quarantine WHERE raw_sha256 = $1 AND channel = $2", [sha256, channel])
    }

    private static func archivedObject(_ row: PostgresRow) throws -> ArchivedObjectRecord {
        let c = row.makeRandomAccess()
        return ArchivedObjectRecord(sha256: try c.required(0), size: Int(try c.required(1, Int64.self)), mediaType: try c.required(2),
                                    firstReceivedAt: try c.required(3))
    }

    public func archivedObjects(after: String, limit: Int) async throws -> [ArchivedObjectRecord] {
        try await rows("""
            SELECT sha256, size, media_type, first_received_at FROM archive_objects
            WHERE sha256 > $1 AND pruned_at IS NULL ORDER BY sha256 LIMIT $2
            """, [after, Int64(limit)]).map(Self.archivedObject)
    }

    public func pruneCandidates(before cutoff: Date, limit: Int, dryRun: Bool) async throws -> [ArchivedObjectRecord] {
        try await transaction { tx in
            let records = try tx.rows("""
                SELECT o.sha256, o.size, o.media_type, o.first_received_at FROM archive_objects o
                WHERE o.pruned_at IS NULL AND o.first_received_at < $1
                  AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = o.sha256)
                  AND NOT EXISTS (SELECT 1 FROM ingestions i WHERE i.raw_sha256 = o.sha256
                                  AND (i.status = 'processing' OR i.received_at >= $1))
                  AND NOT EXISTS (SELECT 1 FROM ingestions i
                                  JOIN complaint_revisions r ON r.ingestion_id = i.id
                                  JOIN complaints c ON c.id = r.complaint_id
                                  JOIN feed_events f ON f.seq = c.last_seq
                                  WHERE i.raw_sha256 = o.sha256 AND f.committed_at >= $1)
                ORDER BY o.first_received_at LIMIT $2
                FOR UPDATE OF o SKIP LOCKED
                """, [cutoff, Int64(limit)]).map(Self.archivedObject)
            if !dryRun, !records.isEmpty {
                try tx.execute("UPDATE archive_objects SET pruned_at = now() WHERE sha256 = ANY($1)", [records.map(\.sha256)])
            }
            return records
        }
    }

    public func archiveStatistics() async throws -> [ArchiveDayStatistics] {
        // One row per (input, channel): its first receipt's UTC day, its latest counts.
        try await rows("""
            SELECT i.channel, to_char(o.first_received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, COUNT(*),
                   SUM(o.size)::bigint, string_agg(COALESCE(i.counts, '{}'), chr(30))
            FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
            WHERE i.id IN (SELECT MAX(id) FROM ingestions WHERE status != 'superseded' GROUP BY raw_sha256, channel)
            GROUP BY i.channel, day ORDER BY day, i.channel
            """).map { row in
            let c = row.makeRandomAccess()
            var total = IngestCounts()
            for part in try c.required(4, String.self).split(separator: "\u{1E}") {
                if let counts = try? JSONDecoder().decode(IngestCounts.self, from: Data(part.utf8)) { total += counts }
            }
            return ArchiveDayStatistics(channel: try c.required(0), day: try c.required(1), inputs: Int(try c.required(2, Int64.self)),
                                        bytes: Int(try c.required(3, Int64.self)), counts: total)
        }
    }

    // MARK: Replay and recovery

    /// As in `SQLiteComplaintStore.replaySelection`: the latest non-superseded
    /// ingestion of each (input, channel) up to $1, after $2, matching $3-$7.
    private static let replaySelection = """
        FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
        WHERE i.id > $2 AND i.id <= $1 AND i.status != 'superseded'
          AND NOT EXISTS (SELECT 1 FROM ingestions j
                          WHERE j.raw_sha256 = i.raw_sha256 AND j.channel = i.channel
                            AND j.id > i.id AND j.id <= $1 AND j.status != 'superseded')
          AND o.pruned_at IS NULL
          AND ($3::text IS NULL OR i.channel = $3)
          AND ($4::timestamptz IS NULL OR o.first_received_at >= $4)
          AND ($5::timestamptz IS NULL OR o.first_received_at < $5)
          AND ($6::text IS NULL OR i.raw_sha256 = $6)
          AND (NOT $7 OR EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = i.raw_sha256 AND q.channel = i.channel))
        """

    private static func replayArguments(_ filter: ReplayFilter, through: Int64, after: Int64) -> [SQLArgument] {
        [through, after, filter.channel, filter.since, filter.until, filter.sha256, filter.quarantinedOnly]
    }

    private static let ingestionColumns = "i.id, i.channel, i.raw_sha256, o.size, i.source_name, o.first_received_at, i.status, i.worker, i.media_type, i.metadata"

    private static func ingestionRecord(_ row: PostgresRow) throws -> IngestionRecord {
        let c = row.makeRandomAccess()
        let worker: String? = try c.at(7)
        let metadata: String? = try c.at(9)
        return IngestionRecord(id: try c.required(0), channel: try c.required(1), sha256: try c.required(2),
                               size: Int(try c.required(3, Int64.self)), sourceName: try c.required(4), receivedAt: try c.required(5),
                               status: IngestionStatus(rawValue: try c.required(6, String.self)) ?? .processing,
                               worker: worker.flatMap(WorkerIdentity.init(parsing:)), mediaType: try c.at(8),
                               metadata: metadata.flatMap(Self.decodeMetadata) ?? [:])
    }

    public func ingestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64, limit: Int) async throws -> [IngestionRecord] {
        try await rows("SELECT \(Self.ingestionColumns) \(Self.replaySelection) ORDER BY i.id LIMIT $8",
                       Self.replayArguments(filter, through: through, after: after) + [Int64(limit)]).map(Self.ingestionRecord)
    }

    public func countIngestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64) async throws -> Int {
        Int(try await rows("SELECT COUNT(*) \(Self.replaySelection)", Self.replayArguments(filter, through: through, after: after))
            .first?.makeRandomAccess().required(0, Int64.self) ?? 0)
    }

    public func latestIngestionID() async throws -> Int64 {
        try await rows("SELECT COALESCE(MAX(id), 0) FROM ingestions").first?.makeRandomAccess().required(0, Int64.self) ?? 0
    }

    public func openReplayRun(filterKey: String, through: Int64) async throws -> ReplayRun {
        try await transaction { tx in
            if let row = try tx.rows("""
                SELECT id, through, cursor FROM replay_runs WHERE filter = $1 AND finished_at IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE
                """, [filterKey]).first {
                let c = row.makeRandomAccess()
                return ReplayRun(id: try c.required(0), through: try c.required(1), cursor: try c.required(2), resumed: true)
            }
            guard let id = try tx.scalar(Int64.self, "INSERT INTO replay_runs (filter, through, started_at) VALUES ($1, $2, now()) RETURNING id",
                                         [filterKey, through]) else {
                throw PostgresStoreError("replay run insert returned no id")
            }
            return ReplayRun(id: id, through: through, cursor: 0, resumed: false)
        }
    }

    public func advanceReplayRun(_ id: Int64, cursor: Int64) async throws {
        try await execute("UPDATE replay_runs SET cursor = $1 WHERE id = $2", [cursor, id])
    }

    public func finishReplayRun(_ id: Int64) async throws {
        try await execute("UPDATE replay_runs SET finished_at = now() WHERE id = $1", [id])
    }

    public func interruptedIngestions() async throws -> [IngestionRecord] {
        try await rows("""
            SELECT i.id, i.channel, i.raw_sha256, o.size, i.source_name, i.received_at, i.status, i.worker, i.media_type, i.metadata
            FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
            WHERE i.status = 'processing' ORDER BY i.id
            """).map(Self.ingestionRecord)
    }

    public func markSuperseded(_ id: Int64) async throws {
        try await execute("UPDATE ingestions SET status = 'superseded' WHERE id = $1", [id])
    }

    // MARK: Clusters and the dedup index

    public func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord] {
        try await rows("""
            SELECT k.complaint_id, k.size, k.customers, k.first_seen, k.last_seen, k.flagged_at, k.flagged_customers,
                   substr(COALESCE(NULLIF((r.document::jsonb)->>'body', ''), (r.document::jsonb)->>'subject', ''), 1, 120),
                   (SELECT level FROM incidents i WHERE i.cluster = k.complaint_id)
            FROM dedup_clusters k
            LEFT JOIN complaints c ON c.id = k.complaint_id
            LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
            WHERE k.size >= $1 AND (NOT $2 OR k.flagged_at IS NOT NULL) AND ($3::float8 IS NULL OR k.last_seen >= $3)
            ORDER BY k.last_seen DESC LIMIT $4
            """, [Int32(query.minimumSize), query.massComplaintsOnly, query.activeSince?.timeIntervalSince1970, Int64(query.limit)]).map { row in
            let c = row.makeRandomAccess()
            let flagged: Double? = try c.at(5)
            let flaggedCustomers: Int32? = try c.at(6)
            let excerpt: String? = try c.at(7)
            return ClusterRecord(id: try c.required(0), size: Int(try c.required(1, Int32.self)), customers: Int(try c.required(2, Int32.self)),
                                 firstSeen: Date(timeIntervalSince1970: try c.required(3)), lastSeen: Date(timeIntervalSince1970: try c.required(4)),
                                 flaggedAt: flagged.map(Date.init(timeIntervalSince1970:)), flaggedCustomers: flaggedCustomers.map(Int.init),
                                 excerpt: excerpt?.replacingOccurrences(of: "\n", with: " ") ?? "", level: try c.at(8, String.self))
        }
    }

    public func rebuildDedupIndex(_ stage: ComplaintDedupStage, progress: (@Sendable (Int) -> Void)?) async throws -> Int {
        try await transaction { tx in
            try tx.execute(Self.commitLock)
            try PostgresDedupIndex.clear(tx)
        }
        // Entry ids go on from the sequence: what the working set holds names entries that are gone.
        workingSet.reset()
        defer { workingSet.reset() }
        var after: Int64 = 0
        var done = 0
        let decoder = JSONDecoder()
        while true {
            // First revisions' feed events give the complaints in arrival order.
            let page = try await rows("""
                SELECT f.seq, c.id, c.dedup, r.document FROM feed_events f
                JOIN complaints c ON c.id = f.complaint_id
                JOIN complaint_revisions r ON r.rowid = c.current_rowid
                WHERE f.seq > $1 AND f.revision = 1 ORDER BY f.seq LIMIT 1000
                """, [after])
            guard let last = page.last else { break }
            after = try last.makeRandomAccess().required(0, Int64.self)
            let work: [RebuildItem] = try page.map { row in
                let c = row.makeRandomAccess()
                let complaint = try decoder.decode(Complaint.self, from: Data(try c.required(3, String.self).utf8))
                let stored: String? = try c.at(2)
                return RebuildItem(id: try c.required(1), verdict: stored == nil ? complaint.dedup : DedupInfo(storedText: stored),
                                   features: DedupFeatures(of: complaint))
            }
            try await transaction { tx in
                try tx.execute(Self.commitLock)
                let index = PostgresDedupIndex(tx)
                for item in work {
                    var cluster: DedupEntry? = nil
                    if let named = item.verdict.cluster, named != item.id,
                       let entry = try tx.scalar(Int64.self, "SELECT dedup_entry FROM complaints WHERE id = $1", [named]) {
                        cluster = try index.entry(id: entry)
                    }
                    index.resetLastEntry()
                    let info = try stage.reindex(id: item.id, verdict: item.verdict, features: item.features, cluster: cluster, index: index)
                    try tx.execute("UPDATE complaints SET dedup = $1, dedup_entry = $2 WHERE id = $3",
                                   [info.storedText, index.lastEntry, item.id])
                }
            }
            done += work.count
            progress?(done)
        }
        return done
    }

    struct RebuildItem: Sendable {
        var id: String
        var verdict: DedupInfo
        var features: DedupFeatures
    }

    // MARK: Work sharing

    public func claimInput(sha256: String, channel: String, owner: String, for duration: TimeInterval) async throws -> Bool {
        // Taken when free, expired, or already ours (renewal).
        !(try await rows("""
            INSERT INTO input_claims (channel, sha256, owner, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
            ON CONFLICT (channel, sha256) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE input_claims.owner = excluded.owner OR input_claims.expires_at < now()
            RETURNING owner
            """, [channel, sha256, owner, duration])).isEmpty
    }

    public func releaseInput(sha256: String, channel: String, owner: String) async throws {
        try await execute("DELETE FROM input_claims WHERE channel = $1 AND sha256 = $2 AND owner = $3", [channel, sha256, owner])
    }

    public func acquireLease(_ name: String, owner: String, for duration: TimeInterval) async throws -> Bool {
        !(try await rows("""
            INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE leases.owner = excluded.owner OR leases.expires_at < now()
            RETURNING owner
            """, [name, owner, duration])).isEmpty
    }

    public func releaseLease(_ name: String, owner: String) async throws {
        try await execute("DELETE FROM leases WHERE name = $1 AND owner = $2", [name, owner])
    }

    // MARK: Tools

    /// Runs one SQL statement with text parameters (`$1`…) and returns every
    /// row's cells as text (cast in the SQL where needed): for operators'
    /// tools and tests, as `SQLiteComplaintStore.pool` is.
    public func rawQuery(_ sql: String, _ arguments: [String?] = []) async throws -> [[String?]] {
        try await rows(sql, arguments.map { $0 }).map { row in
            let cells = row.makeRandomAccess()
            return try (0..<cells.count).map { try cells.at($0, String.self) }
        }
    }

    // MARK: Errors

    /// "Cannot reach or use the server right now" as `StoreUnavailableError`
    /// (retry later); everything else (bugs, constraint violations) as it is.
    static func mapped(_ error: any Error) -> any Error {
        switch error {
        case is StoreUnavailableError:
            return error
        case is CancellationError:
            return StoreUnavailableError(reason: "PostgreSQL operation cancelled")
        case let psql as PSQLError:
            if psql.code == .server {
                let state = psql.serverInfo?[.sqlState] ?? ""
                // 08: connection exception; 53: insufficient resources; 57P0x: the
                // server is shutting down or starting; 40001/40P01: retry the transaction.
                if state == "XX001" || state == "XX002" {
                    return StoreCorruptError(reason: "PostgreSQL reports damaged data: \(psql.serverInfo?[.message] ?? state) (\(state)); restore from a backup or reindex")
                }
                if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") || state == "40001" || state == "40P01" {
                    return StoreUnavailableError(reason: "PostgreSQL: \(psql.serverInfo?[.message] ?? state) (\(state))")
                }
                return PostgresStoreError("PostgreSQL: \(psql.serverInfo?[.message] ?? "error") (\(state))")
            }
            return StoreUnavailableError(reason: "PostgreSQL connection: \(psql.code)")
        case is IOError, is ChannelError:
            return StoreUnavailableError(reason: "PostgreSQL connection: \(error)")
        default:
            return error
        }
    }

    static func encodeMetadata(_ metadata: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(metadata)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeMetadata(_ text: String) -> [String: String]? {
        try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}

/// Set once a connection has been leased (read by the lease timeout).
final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// How a connection lease ended (see `PostgresComplaintStore.withConnection`).
enum LeaseOutcome<T: Sendable>: Sendable {
    case value(T)
    case leased
    case timedOut
}
