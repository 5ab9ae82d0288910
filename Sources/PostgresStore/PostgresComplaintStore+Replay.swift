import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// What a replay goes through, and its persisted runs.
extension PostgresComplaintStore: ReplayLedger {
    /// As in `SQLiteComplaintStore.replaySelection`: the latest non-superseded
    /// ingestion of each (input, channel) up to $1, after $2, matching $3-$7.
    static let replaySelection = """
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

    static func replayArguments(_ filter: ReplayFilter, through: Int64, after: Int64) -> [SQLArgument] {
        [through, after, filter.channel, filter.since, filter.until, filter.sha256, filter.quarantinedOnly]
    }

    static let ingestionColumns = "i.id, i.channel, i.raw_sha256, o.size, i.source_name, o.first_received_at, i.status, i.worker, i.media_type, i.metadata"

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
}
