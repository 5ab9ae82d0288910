import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// The ingestion ledger: each input's run for a channel, recovery, remote sources' positions.
extension PostgresComplaintStore: IngestionLedger {
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
                  start.metadata.isEmpty ? nil : IngestionMetadata.encode(start.metadata)]) else {
            throw PostgresStoreError("ingestion insert returned no id")
        }
        return id
    }

    public func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws {
        let json = try counts.storedJSON
        try await execute("UPDATE ingestions SET status = $1, counts = $2, finished_at = now() WHERE id = $3",
                          [status.rawValue, json, id])
    }

    public func hasFinishedIngestion(sha256: String, channel: String) async throws -> Bool {
        !(try await rows("""
            SELECT 1 FROM ingestions WHERE raw_sha256 = $1 AND channel = $2 AND status IN ('completed', 'failed') LIMIT 1
            """, [sha256, channel])).isEmpty
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

    static func ingestionRecord(_ row: PostgresRow) throws -> IngestionRecord {
        let c = row.makeRandomAccess()
        let worker: String? = try c.at(7)
        let metadata: String? = try c.at(9)
        return IngestionRecord(id: try c.required(0), channel: try c.required(1), sha256: try c.required(2),
                               size: Int(try c.required(3, Int64.self)), sourceName: try c.required(4), receivedAt: try c.required(5),
                               status: IngestionStatus(rawValue: try c.required(6, String.self)) ?? .processing,
                               worker: worker.flatMap(WorkerIdentity.init(parsing:)), mediaType: try c.at(8),
                               metadata: metadata.flatMap(IngestionMetadata.decode) ?? [:])
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

    public func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity] {
        var activity: [String: ChannelActivity] = [:]
        for row in try await rows("""
            SELECT channel, MAX(received_at),
                   SUM(CASE WHEN received_at >= $1 THEN COALESCE((counts::jsonb ->> 'new')::int, 0) ELSE 0 END)::int8,
                   SUM(CASE WHEN received_at >= $2 THEN COALESCE((counts::jsonb ->> 'new')::int, 0) ELSE 0 END)::int8
            FROM ingestions GROUP BY channel
            """, [hour, day]) {
            let c = row.makeRandomAccess()
            let channel = try c.required(0, String.self)
            activity[channel] = ChannelActivity(channel: channel, complaintsLastHour: Int(try c.at(2, Int64.self) ?? 0),
                                                complaintsLastDay: Int(try c.at(3, Int64.self) ?? 0), lastInputAt: try c.at(1, Date.self))
        }
        for row in try await rows("""
            SELECT channel, COUNT(*), COUNT(*) FILTER (WHERE created_at >= $1) FROM quarantine GROUP BY channel
            """, [day]) {
            let c = row.makeRandomAccess()
            let channel = try c.required(0, String.self)
            activity[channel, default: ChannelActivity(channel: channel)].quarantined = Int(try c.required(1, Int64.self))
            activity[channel, default: ChannelActivity(channel: channel)].quarantinedLastDay = Int(try c.required(2, Int64.self))
        }
        return activity.values.sorted { $0.channel < $1.channel }
    }
}
