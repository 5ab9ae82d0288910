import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Delivery sinks' cursors and dead letters.
extension SQLiteComplaintStore: SinkLedger {
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
}
