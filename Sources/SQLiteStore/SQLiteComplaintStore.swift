import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// The embedded default store: one SQLite file in WAL mode through GRDB.
///
/// WAL lets any number of readers (feed pages, the API) run while one writer
/// ingests; writers from other processes wait for the lock (busy timeout)
/// rather than fail. Feed sequences come from an AUTOINCREMENT key assigned
/// inside the single writer's transaction, so they are committed in order and a
/// consumer paging by sequence never skips an event.
public final class SQLiteComplaintStore: ComplaintStore {
    /// The GRDB pool; exposed for tools and tests that inspect the file.
    public let pool: DatabasePool
    public let path: URL
    /// Turns at the write lock with other processes on the same file.
    let turn: WriterTurn
    /// Recent LSH buckets in memory, mirrored from `dedup_bands` (see `DedupWorkingSet`).
    let workingSet = DedupWorkingSet()

    /// Opens (creating when needed) the database at `path` and migrates it.
    ///
    /// - Parameter busyTimeout: how long a writer waits for another process's
    ///   write lock before the store reports itself unavailable.
    public init(path: URL, busyTimeout: TimeInterval = 30) throws {
        self.path = path
        turn = WriterTurn(store: path, timeout: busyTimeout)
        do {
            try FilePermissions.ownerOnly.createDirectories(at: path.deletingLastPathComponent())
            // Created owner-only before SQLite opens it: the store holds personal
            // data, and SQLite gives its -wal and -shm files the database's mode.
            let fd = open(path.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
            var config = Configuration()
            // Waits its turn fairly (see WriterTurn). Readers meet a lock only
            // during recovery; a reader's mark is cleared by this process's next
            // write, and costs another process at most a few milliseconds a commit.
            config.busyMode = turn.busyMode
            config.label = "complaint-store"
            config.prepareDatabase { db in
                // A 32 MiB page workingSet per connection keeps the id index of a few
                // million complaints in memory during bulk ingestion; the default
                // 2 MiB made inserts read and write pages millions of times.
                try db.execute(sql: "PRAGMA cache_size = -32768")
            }
            pool = try DatabasePool(path: path.path, configuration: config)
            try turn.exclusively { try SQLiteMigrations.migrator.migrate(pool) }
            // A store migrated by a newer gateway (a rollback without restoring the
            // backup): refused rather than misread, as the PostgreSQL store does.
            if try pool.read({ try SQLiteMigrations.migrator.hasBeenSuperseded($0) }) {
                throw StoreUnavailableError(reason: "\(path.path) was migrated by a newer gateway than this one; upgrade the gateway or restore the backup taken before the upgrade")
            }
        } catch {
            // Whatever keeps the database from opening (missing folder, no space,
            // a lock) is an outage for the caller: inputs stay archived and can be
            // processed once it is fixed. A damaged file is not, and says so.
            let mapped = Self.mapped(error, path: path)
            if mapped is StoreUnavailableError || mapped is StoreCorruptError { throw mapped }
            throw StoreUnavailableError(reason: "cannot open \(path.path): \(Self.plain(error))")
        }
    }

    /// A write transaction, after stepping aside for another process waiting
    /// for the lock (see `WriterTurn`).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if turn.anotherProcessWaiting { try? await Task.sleep(for: WriterTurn.stepAside) }
        let turn = self.turn
        return try await pool.write { db in
            turn.acquired()
            return try body(db)
        }
    }

    func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if turn.anotherProcessWaiting { try? await Task.sleep(for: WriterTurn.stepAside) }
        let turn = self.turn
        return try await pool.writeWithoutTransaction { db in
            turn.acquired()
            return try body(db)
        }
    }

    public func beginIngestion(_ start: IngestionStart) async throws -> Int64 {
        try await guarded {
            try await write { db in try Self.insertIngestion(start, status: .processing, counts: nil, db: db) }
        }
    }

    /// The manifest entry and the ingestion row of an input.
    private static func insertIngestion(_ start: IngestionStart, status: IngestionStatus, counts: IngestCounts?,
                                        db: Database) throws -> Int64 {
        let received = RFC3339.string(from: start.receivedAt)
        try db.cachedStatement(sql: """
            INSERT INTO archive_objects (sha256, size, media_type, first_received_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (sha256) DO NOTHING
            """).execute(arguments: [start.object.sha256, start.object.size, start.mediaType, received])
        try db.cachedStatement(sql: """
            INSERT INTO ingestions (channel, channel_type, raw_sha256, source_name, received_at, status, worker,
                                    media_type, metadata, counts, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                start.channel.name, start.channel.type, start.object.sha256, start.sourceName, received,
                status.rawValue, WorkerIdentity.current.description, start.mediaType,
                start.metadata.isEmpty ? nil : Self.encodeMetadata(start.metadata),
                try counts.map(Self.encodeCounts), counts == nil ? nil : RFC3339.string(from: Date())])
        return db.lastInsertedRowID
    }

    static func encodeCounts(_ counts: IngestCounts) throws -> String {
        String(decoding: try JSONEncoder().encode(counts), as: UTF8.self)
    }

    public func commitInputs<Stage: DedupStage>(_ inputs: [PreparedIntake<Stage>], dedup: Stage) async throws -> [IntakeOutcome] {
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { [workingSet] db in
                let index = try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet)
                var outcomes: [IntakeOutcome] = []
                outcomes.reserveCapacity(inputs.count)
                for prepared in inputs {
                    let input = prepared.input
                    // The ingestion row is written first (its id links the revisions)
                    // and given its final counts once the complaints are decided.
                    let ingestion = try Self.insertIngestion(input.start, status: .processing, counts: nil, db: db)
                    var result = CommitResult()
                    _ = try Self.apply(prepared.batch, ingestion: ingestion, dedup: dedup, index: index, now: now, db: db,
                                       result: &result)
                    try Self.insertQuarantine(input.quarantine, ingestion: ingestion, now: now, db: db)
                    let counts = input.parsed.adding(result)
                    try db.cachedStatement(sql: "UPDATE ingestions SET status = ?, counts = ?, finished_at = ? WHERE id = ?")
                        .execute(arguments: [input.status.rawValue, try Self.encodeCounts(counts), now, ingestion])
                    result.massComplaints = index.takeFlagged()
                    result.incidents = try Self.announce(index.takeRaised(), now: now, db: db)
                    outcomes.append(IntakeOutcome(ingestion: ingestion, result: result, counts: counts))
                }
                return outcomes
            }
        }
    }

    private static func insertQuarantine(_ entries: [QuarantineEntry], ingestion: Int64, now: String, db: Database) throws {
        guard !entries.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO quarantine (ingestion_id, channel, raw_sha256, location, reason, excerpt, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in entries {
            try insert.execute(arguments: [
                ingestion, entry.channel, entry.rawSHA256, entry.rejection.location, entry.rejection.reason,
                entry.rejection.excerpt, now])
        }
    }

    public func commit<Stage: DedupStage>(_ batch: PreparedBatch<Stage>, quarantine: [QuarantineEntry], ingestion: Int64,
                                          dedup: Stage) async throws -> CommitResult {
        // Documents and dedup features were computed outside the write lock: most complaints
        // are inserted as revision 1 as they are; only the others are encoded again inside.
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { [workingSet] db in
                var result = CommitResult()
                let index = try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet)
                _ = try Self.apply(batch, ingestion: ingestion, dedup: dedup, index: index, now: now, db: db, result: &result)
                try Self.insertQuarantine(quarantine, ingestion: ingestion, now: now, db: db)
                result.massComplaints = index.flagged
                result.incidents = try Self.announce(index.takeRaised(), now: now, db: db)
                return result
            }
        }
    }

    /// Decides and writes each complaint of a batch (inside the caller's transaction).
    private static func apply<Stage: DedupStage>(
        _ batch: PreparedBatch<Stage>, ingestion: Int64?,
        dedup: Stage, index: SQLiteDedupIndex, now: String, db: Database, result: inout CommitResult, loadPrevious: Bool = false
    ) throws -> [(DedupDecision, Complaint?)] {
        let complaints = batch.complaints, features = batch.features
        var known = try Self.storedVersions(db, ids: complaints.map(\.complaint.id))
        let insertComplaint = try db.cachedStatement(sql: """
            INSERT INTO complaints (id, channel, source_id, revision, fingerprint, current_rowid, first_seq, last_seq, dedup, dedup_entry, raw_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let updateComplaint = try db.cachedStatement(sql: """
            UPDATE complaints SET revision = ?, fingerprint = ?, current_rowid = ?, last_seq = ?, raw_sha256 = ? WHERE id = ?
            """)
        let insertRevision = try db.cachedStatement(sql: """
            INSERT INTO complaint_revisions (complaint_id, revision, previous_rowid, ingestion_id, document)
            VALUES (?, ?, ?, ?, ?)
            """)
        let insertEvent = try db.cachedStatement(sql: """
            INSERT INTO feed_events (complaint_id, revision, revision_rowid, type, committed_at) VALUES (?, ?, ?, ?, ?)
            """)
        var decisions: [(DedupDecision, Complaint?)] = []
        for (position, incoming) in complaints.enumerated() {
            let existing = known[incoming.complaint.id]
            let decision = try dedup.decide(incoming, features: features[position], existing: existing?.version, index: index)
            var previous: Complaint? = nil
            switch decision {
            case .unchanged:
                result.unchanged += 1
            case .conflict(let rejection):
                try db.execute(sql: """
                    INSERT INTO quarantine (ingestion_id, channel, raw_sha256, location, reason, excerpt, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [ingestion, incoming.complaint.channel.name, incoming.complaint.raw.sha256, rejection.location,
                                    rejection.reason, rejection.excerpt, now])
                result.conflicts.append(rejection)
            case .insert(let complaint), .revise(let complaint):
                let isInsert: Bool
                if case .insert = decision { isInsert = true } else { isInsert = false }
                if !isInsert, loadPrevious, let rowid = existing?.rowid,
                   let document = try String.fetchOne(db, sql: "SELECT document FROM complaint_revisions WHERE rowid = ?", arguments: [rowid]) {
                    previous = try JSONDecoder().decode(Complaint.self, from: Data(document.utf8))
                }
                let document = batch.document(position, for: complaint)
                try insertRevision.execute(arguments: [
                    complaint.id, complaint.revision, existing?.rowid, ingestion, document])
                let revisionRowID = db.lastInsertedRowID
                let type: FeedEventType = !isInsert ? .updated : complaint.dedup.status == .unique ? .received : .duplicate
                try insertEvent.execute(arguments: [complaint.id, complaint.revision, revisionRowID, type.rawValue, now])
                let seq = db.lastInsertedRowID
                if isInsert {
                    try insertComplaint.execute(arguments: [
                        complaint.id, complaint.channel.name, complaint.sourceID, complaint.revision,
                        incoming.fingerprint, revisionRowID, seq, seq, Self.encodeDedup(complaint.dedup), index.lastEntry,
                        complaint.raw.sha256])
                } else {
                    try updateComplaint.execute(arguments: [
                        complaint.revision, incoming.fingerprint, revisionRowID, seq, complaint.raw.sha256, complaint.id])
                }
                result.count(stored: complaint, isInsert: isInsert)
                known[complaint.id] = (StoredVersion(revision: complaint.revision, fingerprint: incoming.fingerprint,
                                                     dedup: complaint.dedup, rawSHA256: complaint.raw.sha256), revisionRowID)
            }
            index.resetLastEntry()
            decisions.append((decision, previous))
        }
        return decisions
    }

    /// A verdict as stored in `complaints.dedup`: NULL for the default.
    static func encodeDedup(_ info: DedupInfo) -> String? { info.storedText }

    static func decodeDedup(_ text: String?) -> DedupInfo { DedupInfo(storedText: text) }

    public func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws {
        let json = try Self.encodeCounts(counts)
        try await guarded {
            try await write { db in
                try db.execute(sql: "UPDATE ingestions SET status = ?, counts = ?, finished_at = ? WHERE id = ?",
                               arguments: [status.rawValue, json, RFC3339.string(from: Date()), id])
            }
        }
    }

    public func hasFinishedIngestion(sha256: String, channel: String) async throws -> Bool {
        try await guarded {
            try await pool.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM ingestions WHERE raw_sha256 = ? AND channel = ? AND status IN (?, ?))
                    """, arguments: [sha256, channel, IngestionStatus.completed.rawValue, IngestionStatus.failed.rawValue]) ?? false
            }
        }
    }

    public func feed(after: Int64, limit: Int) async throws -> [FeedEvent] {
        try await guarded {
            try await pool.read { db in
                let decoder = JSONDecoder()
                return try Row.fetchAll(db, sql: """
                    SELECT f.seq, f.type, f.committed_at, r.document, f.payload
                    FROM feed_events f
                    LEFT JOIN complaint_revisions r ON r.rowid = f.revision_rowid
                    WHERE f.seq > ? ORDER BY f.seq LIMIT ?
                    """, arguments: [after, limit]).map { try Self.feedEvent($0, decoder: decoder) }
            }
        }
    }

    public func feed(_ query: FeedQuery) async throws -> [FeedEvent] {
        guard query.channel != nil || query.dedupStatus != nil || !query.includeDuplicates || !query.includeAutomated else {
            return try await feed(after: query.after, limit: query.limit)
        }
        return try await guarded {
            try await pool.read { db in
                let decoder = JSONDecoder()
                // The channel is read from the complaints row (by primary key) and the
                // dedup status from the revision's document: no extra columns to keep
                // in step. A rare channel is found by scanning the events after the cursor.
                return try Row.fetchAll(db, sql: """
                    SELECT f.seq, f.type, f.committed_at, r.document, f.payload
                    FROM feed_events f
                    LEFT JOIN complaint_revisions r ON r.rowid = f.revision_rowid
                    LEFT JOIN complaints c ON c.id = f.complaint_id AND f.payload IS NULL
                    WHERE f.seq > ?1
                      AND (?2 IS NULL OR c.channel = ?2)
                      AND (?3 IS NULL OR json_extract(r.document, '$.dedup.status') = ?3)
                      AND (?4 = 1 OR COALESCE(json_extract(r.document, '$.dedup.status'), '') NOT IN ('duplicate', 'near_duplicate'))
                      AND (?6 = 1 OR json_extract(r.document, '$.automated') IS NULL)
                    ORDER BY f.seq LIMIT ?5
                    """, arguments: [query.after, query.channel, query.dedupStatus, query.includeDuplicates, query.limit,
                                     query.includeAutomated]).map { try Self.feedEvent($0, decoder: decoder) }
            }
        }
    }

    /// A feed row: `seq`, `type`, `committed_at`, and the revision's `document` or the event's `payload`.
    static func feedEvent(_ row: Row, decoder: JSONDecoder) throws -> FeedEvent {
        let committed: String = row["committed_at"]
        return try FeedEvent.decode(sequence: row["seq"], type: row["type"],
                                    committedAt: RFC3339.date(from: committed) ?? Date(timeIntervalSince1970: 0),
                                    document: row["document"], payload: row["payload"], decoder: decoder)
    }

    public func sinkCursor(_ sink: String) async throws -> Int64 {
        try await guarded {
            try await pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT cursor FROM sink_cursors WHERE sink = ?", arguments: [sink]) ?? 0
            }
        }
    }

    public func advanceSink(_ sink: String, to cursor: Int64) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: """
                    INSERT INTO sink_cursors (sink, cursor) VALUES (?, ?)
                    ON CONFLICT (sink) DO UPDATE SET cursor = MAX(cursor, excluded.cursor)
                    """, arguments: [sink, cursor])
            }
        }
    }

    public func addDeadLetter(_ letter: DeadLetter) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: "INSERT INTO dead_letters (sink, seq, attempts, error, created_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [letter.sink, letter.sequence, letter.attempts, letter.error, RFC3339.string(from: letter.createdAt)])
            }
        }
    }

    public func deadLetters(sink: String?, limit: Int) async throws -> [DeadLetter] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT id, sink, seq, attempts, error, created_at FROM dead_letters
                    WHERE ?1 IS NULL OR sink = ?1 ORDER BY id LIMIT ?2
                    """, arguments: [sink, limit]).map { row in
                    let created: String = row["created_at"]
                    return DeadLetter(id: row["id"], sink: row["sink"], sequence: row["seq"], attempts: row["attempts"],
                                      error: row["error"], createdAt: RFC3339.date(from: created) ?? Date(timeIntervalSince1970: 0))
                }
            }
        }
    }

    public func removeDeadLetter(id: Int64) async throws {
        try await guarded {
            try await write { db in try db.execute(sql: "DELETE FROM dead_letters WHERE id = ?", arguments: [id]) }
        }
    }

    public func feedEvent(sequence: Int64) async throws -> FeedEvent? {
        try await feed(after: sequence - 1, limit: 1).first { $0.sequence == sequence }
    }

    public func revisions(of id: String) async throws -> [Complaint] {
        let documents = try await guarded {
            try await pool.read { db in
                // Follow the chain from the current revision: every step is a rowid lookup.
                try String.fetchAll(db, sql: """
                    WITH RECURSIVE chain(rowid, previous, document) AS (
                        SELECT r.rowid, r.previous_rowid, r.document FROM complaints c
                        JOIN complaint_revisions r ON r.rowid = c.current_rowid WHERE c.id = ?
                        UNION ALL
                        SELECT r.rowid, r.previous_rowid, r.document FROM complaint_revisions r JOIN chain ON r.rowid = chain.previous
                    )
                    SELECT document FROM chain
                    """, arguments: [id])
            }
        }
        let decoder = JSONDecoder()
        return try documents.map { try decoder.decode(Complaint.self, from: Data($0.utf8)) }
    }

    public func complaint(id: String) async throws -> Complaint? {
        let document = try await guarded {
            try await pool.read { db in
                try String.fetchOne(db, sql: """
                    SELECT r.document FROM complaints c
                    JOIN complaint_revisions r ON r.rowid = c.current_rowid
                    WHERE c.id = ?
                    """, arguments: [id])
            }
        }
        return try document.map { try JSONDecoder().decode(Complaint.self, from: Data($0.utf8)) }
    }

    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("ORDER BY id DESC LIMIT ?", [limit])
    }

    public func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("WHERE id > ? ORDER BY id LIMIT ?", [after, limit])
    }

    private func quarantineRecords(_ clause: String, _ arguments: StatementArguments) async throws -> [QuarantineRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT id, channel, raw_sha256, location, reason, excerpt, created_at
                    FROM quarantine \(clause)
                    """, arguments: arguments).map { row in
                    let created: String = row["created_at"]
                    return QuarantineRecord(id: row["id"], channel: row["channel"], rawSHA256: row["raw_sha256"],
                                            location: row["location"], reason: row["reason"], excerpt: row["excerpt"],
                                            createdAt: RFC3339.date(from: created) ?? Date(timeIntervalSince1970: 0))
                }
            }
        }
    }

    public func sourcePosition(_ key: String) async throws -> String? {
        try await guarded {
            try await pool.read { db in try String.fetchOne(db, sql: "SELECT position FROM source_positions WHERE key = ?", arguments: [key]) }
        }
    }

    public func saveSourcePosition(_ key: String, _ position: String) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: """
                    INSERT INTO source_positions (key, position, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                    """, arguments: [key, position, RFC3339.string(from: Date())])
            }
        }
    }

    public func latestFeedSequence() async throws -> Int64 {
        try await guarded {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM feed_events") ?? 0 }
        }
    }

    public func archivedObjects(after: String, limit: Int) async throws -> [ArchivedObjectRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT sha256, size, media_type, first_received_at FROM archive_objects
                    WHERE sha256 > ? AND pruned_at IS NULL ORDER BY sha256 LIMIT ?
                    """, arguments: [after, limit]).map { row in
                    let received: String = row["first_received_at"]
                    return ArchivedObjectRecord(sha256: row["sha256"], size: row["size"], mediaType: row["media_type"],
                                                firstReceivedAt: RFC3339.date(from: received) ?? Date(timeIntervalSince1970: 0))
                }
            }
        }
    }

    public func pruneCandidates(before cutoff: Date, limit: Int, dryRun: Bool) async throws -> [ArchivedObjectRecord] {
        let cutoffText = RFC3339.string(from: cutoff)
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT o.sha256, o.size, o.media_type, o.first_received_at FROM archive_objects o
                    WHERE o.pruned_at IS NULL AND julianday(o.first_received_at) < julianday(?1)
                      AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = o.sha256)
                      AND NOT EXISTS (SELECT 1 FROM ingestions i WHERE i.raw_sha256 = o.sha256
                                      AND (i.status = 'processing' OR julianday(i.received_at) >= julianday(?1)))
                      AND NOT EXISTS (SELECT 1 FROM ingestions i
                                      JOIN complaint_revisions r ON r.ingestion_id = i.id
                                      JOIN complaints c ON c.id = r.complaint_id
                                      JOIN feed_events f ON f.seq = c.last_seq
                                      WHERE i.raw_sha256 = o.sha256 AND julianday(f.committed_at) >= julianday(?1))
                    ORDER BY o.first_received_at LIMIT ?2
                    """, arguments: [cutoffText, limit])
                let records = rows.map { row in
                    let received: String = row["first_received_at"]
                    return ArchivedObjectRecord(sha256: row["sha256"], size: row["size"], mediaType: row["media_type"],
                                                firstReceivedAt: RFC3339.date(from: received) ?? Date(timeIntervalSince1970: 0))
                }
                if !dryRun {
                    for r in records {
                        try db.execute(sql: "UPDATE archive_objects SET pruned_at = ? WHERE sha256 = ?", arguments: [now, r.sha256])
                    }
                }
                return records
            }
        }
    }

    public func archiveStatistics() async throws -> [ArchiveDayStatistics] {
        try await guarded {
            try await pool.read { db in
                // One row per (input, channel): its first ingestion's day, its latest counts.
                try Row.fetchAll(db, sql: """
                    SELECT i.channel, substr(o.first_received_at, 1, 10) AS day, COUNT(*) AS inputs,
                           SUM(o.size) AS bytes, group_concat(coalesce(i.counts, '{}'), char(30)) AS counts
                    FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
                    WHERE i.id IN (SELECT MAX(id) FROM ingestions WHERE status != 'superseded' GROUP BY raw_sha256, channel)
                    GROUP BY i.channel, day ORDER BY day, i.channel
                    """).map { row in
                    var total = IngestCounts()
                    let joined: String = row["counts"]
                    for part in joined.split(separator: "\u{1E}") {
                        if let c = try? JSONDecoder().decode(IngestCounts.self, from: Data(part.utf8)) { total += c }
                    }
                    return ArchiveDayStatistics(channel: row["channel"], day: row["day"], inputs: row["inputs"],
                                                bytes: row["bytes"], counts: total)
                }
            }
        }
    }

    /// The inputs a replay takes: the latest non-superseded ingestion of each
    /// (input, channel) pair up to ?1, after ?2, matching the filter (?3-?7).
    /// Walks ingestions by id from the cursor and checks "is it the latest" per
    /// row through the (raw_sha256, channel, id) index, so a page costs the same
    /// at the end of a large archive as at its start.
    private static let replaySelection = """
        FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
        WHERE i.id > ?2 AND i.id <= ?1 AND i.status != 'superseded'
          AND NOT EXISTS (SELECT 1 FROM ingestions j
                          WHERE j.raw_sha256 = i.raw_sha256 AND j.channel = i.channel
                            AND j.id > i.id AND j.id <= ?1 AND j.status != 'superseded')
          AND o.pruned_at IS NULL
          AND (?3 IS NULL OR i.channel = ?3)
          AND (?4 IS NULL OR julianday(o.first_received_at) >= julianday(?4))
          AND (?5 IS NULL OR julianday(o.first_received_at) < julianday(?5))
          AND (?6 IS NULL OR i.raw_sha256 = ?6)
          AND (?7 = 0 OR EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = i.raw_sha256 AND q.channel = i.channel))
        """

    private static func replayArguments(_ filter: ReplayFilter, through: Int64, after: Int64) -> StatementArguments {
        [through, after, filter.channel, filter.since.map(RFC3339.string(from:)), filter.until.map(RFC3339.string(from:)),
         filter.sha256, filter.quarantinedOnly]
    }

    public func ingestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64, limit: Int) async throws -> [IngestionRecord] {
        try await guarded {
            try await pool.read { db in
                var arguments = Self.replayArguments(filter, through: through, after: after)
                arguments += [limit]
                return try Row.fetchAll(db, sql: """
                    SELECT i.id, i.channel, i.raw_sha256, o.size, i.source_name, o.first_received_at, i.status, i.media_type, i.metadata
                    \(Self.replaySelection)
                    ORDER BY i.id LIMIT ?8
                    """, arguments: arguments).map(Self.ingestionRecord)
            }
        }
    }

    public func countIngestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64) async throws -> Int {
        try await guarded {
            try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) \(Self.replaySelection)",
                                 arguments: Self.replayArguments(filter, through: through, after: after)) ?? 0
            }
        }
    }

    public func openReplayRun(filterKey: String, through: Int64) async throws -> ReplayRun {
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { db in
                if let row = try Row.fetchOne(db, sql: """
                    SELECT id, through, cursor FROM replay_runs WHERE filter = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1
                    """, arguments: [filterKey]) {
                    return ReplayRun(id: row["id"], through: row["through"], cursor: row["cursor"], resumed: true)
                }
                try db.execute(sql: "INSERT INTO replay_runs (filter, through, started_at) VALUES (?, ?, ?)",
                               arguments: [filterKey, through, now])
                return ReplayRun(id: db.lastInsertedRowID, through: through, cursor: 0, resumed: false)
            }
        }
    }

    public func advanceReplayRun(_ id: Int64, cursor: Int64) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: "UPDATE replay_runs SET cursor = ? WHERE id = ?", arguments: [cursor, id])
            }
        }
    }

    public func finishReplayRun(_ id: Int64) async throws {
        let now = RFC3339.string(from: Date())
        try await guarded {
            try await write { db in
                try db.execute(sql: "UPDATE replay_runs SET finished_at = ? WHERE id = ?", arguments: [now, id])
            }
        }
    }

    public func latestIngestionID() async throws -> Int64 {
        try await guarded {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM ingestions") ?? 0 }
        }
    }

    public func interruptedIngestions() async throws -> [IngestionRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT i.id, i.channel, i.raw_sha256, o.size, i.source_name, i.received_at AS first_received_at, i.status, i.worker,
                           i.media_type, i.metadata
                    FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
                    WHERE i.status = ? ORDER BY i.id
                    """, arguments: [IngestionStatus.processing.rawValue]).map(Self.ingestionRecord)
            }
        }
    }

    public func markSuperseded(_ id: Int64) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: "UPDATE ingestions SET status = ? WHERE id = ?", arguments: [IngestionStatus.superseded.rawValue, id])
            }
        }
    }

    public func clearQuarantine(sha256: String, channel: String) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: "DELETE FROM quarantine WHERE raw_sha256 = ? AND channel = ?", arguments: [sha256, channel])
            }
        }
    }

    public func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)] {
        let prepared = PreparedBatch(complaints, dedup: dedup)
        let now = RFC3339.string(from: Date())
        return try await guarded {
            // The decisions are taken exactly as a commit would take them (the dedup
            // index sees the batch's own complaints), then the transaction is rolled back.
            try await writeWithoutTransaction { [workingSet] db in
                var decisions: [(DedupDecision, Complaint?)] = []
                try db.inTransaction {
                    var result = CommitResult()
                    decisions = try Self.apply(prepared, ingestion: nil, dedup: dedup,
                                               index: SQLiteDedupIndex.forTransaction(db, workingSet: workingSet), now: now, db: db, result: &result, loadPrevious: true)
                    return .rollback
                }
                return decisions
            }
        }
    }

    public func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT k.complaint_id, k.size, k.customers, k.first_seen, k.last_seen, k.flagged_at, k.flagged_customers,
                           (SELECT level FROM incidents i WHERE i.cluster = k.complaint_id) AS level,
                           substr(COALESCE(NULLIF(json_extract(r.document, '$.body'), ''), json_extract(r.document, '$.subject'), ''), 1, 120) AS excerpt
                    FROM dedup_clusters k
                    LEFT JOIN complaints c ON c.id = k.complaint_id
                    LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
                    WHERE k.size >= ?1 AND (?2 = 0 OR k.flagged_at IS NOT NULL) AND (?3 IS NULL OR k.last_seen >= ?3)
                    ORDER BY k.last_seen DESC LIMIT ?4
                    """, arguments: [query.minimumSize, query.massComplaintsOnly, query.activeSince?.timeIntervalSince1970,
                                     query.limit]).map { row in
                    let first: Double = row["first_seen"], last: Double = row["last_seen"]
                    let flagged: Double? = row["flagged_at"]
                    return ClusterRecord(id: row["complaint_id"], size: row["size"], customers: row["customers"],
                                         firstSeen: Date(timeIntervalSince1970: first), lastSeen: Date(timeIntervalSince1970: last),
                                         flaggedAt: flagged.map(Date.init(timeIntervalSince1970:)),
                                         flaggedCustomers: row["flagged_customers"],
                                         excerpt: (row["excerpt"] as String?)?.replacingOccurrences(of: "\n", with: " ") ?? "",
                                         level: row["level"])
                }
            }
        }
    }

    public func rebuildDedupIndex(_ stage: ComplaintDedupStage, progress: (@Sendable (Int) -> Void)?) async throws -> Int {
        try await guarded {
            try await write { [workingSet] db in
                try SQLiteDedupIndex.clear(db)
                db.afterNextTransaction(onCommit: { _ in workingSet.reset() })
            }
        }
        var after: Int64 = 0
        var done = 0
        let decoder = JSONDecoder()
        while true {
            // First revisions' feed events give the complaints in the order they arrived,
            // through the feed's primary key (the complaints table is keyed by id).
            let page = try await guarded {
                try await pool.read { db in
                    try Row.fetchAll(db, sql: """
                        SELECT f.seq, c.id, c.dedup, r.document FROM feed_events f
                        JOIN complaints c ON c.id = f.complaint_id
                        JOIN complaint_revisions r ON r.rowid = c.current_rowid
                        WHERE f.seq > ? AND f.revision = 1 ORDER BY f.seq LIMIT 1000
                        """, arguments: [after])
                }
            }
            guard let last = page.last else { break }
            after = last["seq"]
            // Features are computed off the write lock, as in a commit.
            let work: [(id: String, verdict: DedupInfo, features: DedupFeatures)] = try page.map { row in
                let document: String = row["document"]
                let complaint = try decoder.decode(Complaint.self, from: Data(document.utf8))
                let stored: String? = row["dedup"]
                return (row["id"], stored == nil ? complaint.dedup : Self.decodeDedup(stored), DedupFeatures(of: complaint))
            }
            try await guarded {
                try await write { [workingSet] db in
                    let index = try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet)
                    for item in work {
                        var cluster: DedupEntry? = nil
                        if let named = item.verdict.cluster, named != item.id,
                           let entry = try Int64.fetchOne(db, sql: "SELECT dedup_entry FROM complaints WHERE id = ?", arguments: [named]) {
                            cluster = try index.entry(id: entry)
                        }
                        index.resetLastEntry()
                        let info = try stage.reindex(id: item.id, verdict: item.verdict, features: item.features, cluster: cluster, index: index)
                        try db.execute(sql: "UPDATE complaints SET dedup = ?, dedup_entry = ? WHERE id = ?",
                                       arguments: [Self.encodeDedup(info), index.lastEntry, item.id])
                    }
                }
            }
            done += work.count
            progress?(done)
        }
        return done
    }

    private static func ingestionRecord(_ row: Row) -> IngestionRecord {
        let received: String = row["first_received_at"]
        let status: String = row["status"]
        let worker: String? = row["worker"]
        let metadata: String? = row["metadata"]
        return IngestionRecord(id: row["id"], channel: row["channel"], sha256: row["raw_sha256"], size: row["size"],
                               sourceName: row["source_name"], receivedAt: RFC3339.date(from: received) ?? Date(timeIntervalSince1970: 0),
                               status: IngestionStatus(rawValue: status) ?? .processing,
                               worker: worker.flatMap(WorkerIdentity.init(parsing:)),
                               mediaType: row["media_type"],
                               metadata: metadata.flatMap(Self.decodeMetadata) ?? [:])
    }

    /// Number of stored complaints (current revisions).
    public func complaintCount() async throws -> Int {
        try await guarded {
            try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM complaints") ?? 0 }
        }
    }

    /// The stored version of each id, with the rowid of its current revision.
    private static func storedVersions(_ db: Database, ids: [String]) throws -> [String: (version: StoredVersion, rowid: Int64)] {
        var out: [String: (version: StoredVersion, rowid: Int64)] = [:]
        // SQLite limits bound parameters per statement; look up in slices.
        let unique = Array(Set(ids))
        var start = 0
        while start < unique.count {
            let slice = unique[start..<min(start + 500, unique.count)]
            let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: "SELECT id, revision, fingerprint, current_rowid, dedup, raw_sha256 FROM complaints WHERE id IN (\(marks))",
                                        arguments: StatementArguments(Array(slice)))
            for row in rows {
                out[row["id"]] = (StoredVersion(revision: row["revision"], fingerprint: row["fingerprint"],
                                                dedup: decodeDedup(row["dedup"]), rawSHA256: row["raw_sha256"] ?? ""), row["current_rowid"])
            }
            start += 500
        }
        return out
    }

    /// Runs a store operation, turning "the database cannot be used right now"
    /// errors into `StoreUnavailableError` (retry later) and leaving the rest
    /// (bugs, constraint violations) as they are.
    func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// What a SQLite failure means for the operator, in words: the file, the
    /// cause and the fix, never the SQL statement that hit it.
    static func mapped(_ error: any Error, path: URL) -> any Error {
        guard let db = error as? DatabaseError else { return error }
        let file = path.path
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL:
            return StoreUnavailableError(reason: "the database \(file) is locked by another process")
        case .SQLITE_FULL:
            return StoreUnavailableError(reason: "the disk holding \(file) is full; free space and retry")
        case .SQLITE_READONLY:
            return StoreUnavailableError(reason: "the database \(file) is read-only; check the permissions of the file and its folder")
        case .SQLITE_IOERR:
            return StoreUnavailableError(reason: "reading or writing \(file) failed (\(db.message ?? "I/O error")); check the disk")
        case .SQLITE_CANTOPEN:
            return StoreUnavailableError(reason: "cannot open \(file); check that its folder exists and is writable")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreCorruptError(reason: "the database \(file) is damaged (\(db.message ?? "corrupt")); stop the gateway and restore it "
                + "from a backup (`sqlite3 \(file) .recover` may save what is left); every raw input stays in the archive")
        default:
            return SQLiteStoreError(description: "the database \(file) failed: \(plain(error))")
        }
    }

    /// An error's text without the SQL GRDB appends to it.
    static func plain(_ error: any Error) -> String {
        guard let db = error as? DatabaseError else { return "\(error)" }
        return db.message ?? "SQLite error \(db.resultCode)"
    }

    /// Ingestion metadata as a JSON object with sorted keys.
    static func encodeMetadata(_ metadata: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(metadata)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeMetadata(_ text: String) -> [String: String]? {
        try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

}

/// A SQLite failure that is neither an outage nor damage (a bug, a broken
/// constraint), described without its SQL.
public struct SQLiteStoreError: Error, CustomStringConvertible {
    public var description: String
}
