import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// The ingestion ledger: each input's run for a channel, recovery, remote sources' positions.
extension SQLiteComplaintStore: IngestionLedger {
    public func beginIngestion(_ start: IngestionStart) async throws -> Int64 {
        try await guarded {
            try await write { db in try SQLiteCommitWriter.insertIngestion(start, status: .processing, counts: nil, db: db) }
        }
    }

    public func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws {
        let json = try counts.storedJSON
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

    static func ingestionRecord(_ row: Row) -> IngestionRecord {
        let received: String = row["first_received_at"]
        let status: String = row["status"]
        let worker: String? = row["worker"]
        let metadata: String? = row["metadata"]
        return IngestionRecord(id: row["id"], channel: row["channel"], sha256: row["raw_sha256"], size: row["size"],
                               sourceName: row["source_name"], receivedAt: RFC3339.date(from: received) ?? Date(timeIntervalSince1970: 0),
                               status: IngestionStatus(rawValue: status) ?? .processing,
                               worker: worker.flatMap(WorkerIdentity.init(parsing:)),
                               mediaType: row["media_type"],
                               metadata: metadata.flatMap(IngestionMetadata.decode) ?? [:])
    }

    public func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity] {
        let hourText = RFC3339.string(from: hour), dayText = RFC3339.string(from: day)
        return try await guarded {
            try await pool.read { db in
                var activity: [String: ChannelActivity] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT channel, MAX(received_at) AS last,
                           SUM(CASE WHEN received_at >= ?1 THEN COALESCE(json_extract(counts, '$.new'), 0) ELSE 0 END) AS hour,
                           SUM(COALESCE(json_extract(counts, '$.new'), 0)) AS day
                    FROM ingestions WHERE received_at >= ?2 GROUP BY channel
                    """, arguments: [hourText, dayText]) {
                    let channel: String = row["channel"]
                    activity[channel] = ChannelActivity(channel: channel, complaintsLastHour: row["hour"], complaintsLastDay: row["day"],
                                                        lastInputAt: (row["last"] as String?).flatMap(RFC3339.date(from:)))
                }
                // A channel quiet for a day still shows its last input.
                for row in try Row.fetchAll(db, sql: "SELECT DISTINCT channel FROM ingestions") {
                    let channel: String = row["channel"]
                    guard activity[channel] == nil else { continue }
                    let last = try String.fetchOne(db, sql: "SELECT MAX(received_at) FROM ingestions WHERE channel = ?", arguments: [channel])
                    activity[channel] = ChannelActivity(channel: channel, lastInputAt: last.flatMap(RFC3339.date(from:)))
                }
                for row in try Row.fetchAll(db, sql: """
                    SELECT channel, COUNT(*) AS total, SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END) AS day FROM quarantine GROUP BY channel
                    """, arguments: [dayText]) {
                    let channel: String = row["channel"]
                    activity[channel, default: ChannelActivity(channel: channel)].quarantined = row["total"]
                    activity[channel, default: ChannelActivity(channel: channel)].quarantinedLastDay = row["day"]
                }
                return activity.values.sorted { $0.channel < $1.channel }
            }
        }
    }
}
