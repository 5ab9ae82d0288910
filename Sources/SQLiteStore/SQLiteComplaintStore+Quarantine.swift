import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Quarantine entries, read back for the operator and cleared before an input is processed again.
extension SQLiteComplaintStore: QuarantineLedger {
    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("ORDER BY id DESC LIMIT ?", [limit])
    }

    public func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("WHERE id > ? ORDER BY id LIMIT ?", [after, limit])
    }

    func quarantineRecords(_ clause: String, _ arguments: StatementArguments) async throws -> [QuarantineRecord] {
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

    public func clearQuarantine(sha256: String, channel: String) async throws {
        try await guarded {
            try await write { db in
                try db.execute(sql: "DELETE FROM quarantine WHERE raw_sha256 = ? AND channel = ?", arguments: [sha256, channel])
            }
        }
    }
}
