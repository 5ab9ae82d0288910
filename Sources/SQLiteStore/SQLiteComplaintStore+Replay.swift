import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// What a replay goes through, and its persisted runs.
extension SQLiteComplaintStore: ReplayLedger {
    static func replayArguments(_ filter: ReplayFilter, through: Int64, after: Int64) -> StatementArguments {
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
}
