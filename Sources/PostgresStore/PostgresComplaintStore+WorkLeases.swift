import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// Work shared by the instances on one database: input claims and named leases, decided by the database.
extension PostgresComplaintStore: WorkLeases {
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

}
