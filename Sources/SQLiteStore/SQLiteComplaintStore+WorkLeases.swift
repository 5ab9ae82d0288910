import Foundation
import GatewayCore

/// An embedded store is used by one instance: there is nobody to share work
/// with, so every claim and lease is granted. (Written out rather than left to
/// a default, so an engine that shares its store must decide.)
extension SQLiteComplaintStore: WorkLeases {
    public func claimInput(sha256: String, channel: String, owner: String, for duration: TimeInterval) async throws -> Bool { true }

    public func releaseInput(sha256: String, channel: String, owner: String) async throws {}

    public func acquireLease(_ name: String, owner: String, for duration: TimeInterval) async throws -> Bool { true }

    public func releaseLease(_ name: String, owner: String) async throws {}
}

extension SQLiteComplaintStore: StorePing {
    /// Reads the newest ingestion id: a real read, so a damaged file shows.
    public func ping() async throws {
        _ = try await latestIngestionID()
    }
}
