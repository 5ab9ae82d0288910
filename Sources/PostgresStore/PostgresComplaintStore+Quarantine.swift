import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// Quarantine entries, read back for the operator and cleared before an input is processed again.
extension PostgresComplaintStore: QuarantineLedger {
    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("ORDER BY id DESC LIMIT $1", [Int64(limit)])
    }

    public func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord] {
        try await quarantineRecords("WHERE id > $1 ORDER BY id LIMIT $2", [after, Int64(limit)])
    }

    func quarantineRecords(_ clause: String, _ bindings: [SQLArgument]) async throws -> [QuarantineRecord] {
        try await rows("SELECT id, channel, raw_sha256, location, reason, excerpt, created_at FROM quarantine \(clause)", bindings).map { row in
            let c = row.makeRandomAccess()
            return QuarantineRecord(id: try c.required(0), channel: try c.required(1), rawSHA256: try c.required(2),
                                    location: try c.at(3), reason: try c.required(4), excerpt: try c.at(5), createdAt: try c.required(6))
        }
    }

    public func clearQuarantine(sha256: String, channel: String) async throws {
        try await execute("DELETE FROM quarantine WHERE raw_sha256 = $1 AND channel = $2", [sha256, channel])
    }
}
