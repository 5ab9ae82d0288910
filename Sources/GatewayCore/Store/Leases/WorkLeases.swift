import Foundation

/// Work shared by several instances on one store: who processes a dropped
/// file, who runs a feed poller. Every engine states its answer (no default):
/// an embedded store has one instance and grants everything; a shared one
/// decides in the database.
public protocol WorkLeases: Sendable {
    /// Claims an input (by digest) of a channel for `owner` for `duration`
    /// seconds, so that of several instances watching one shared drop folder
    /// only one processes it. True when taken: free, expired, or already
    /// `owner`'s (which renews it).
    func claimInput(sha256: String, channel: String, owner: String, for duration: TimeInterval) async throws -> Bool

    /// Gives a claim up (after the input is processed, or on failure).
    func releaseInput(sha256: String, channel: String, owner: String) async throws

    /// Takes or renews the named lease for `owner` for `duration` seconds;
    /// false while another owner holds it. Work that must run on one instance
    /// at a time (a feed poller) runs only while its lease is held, and moves to
    /// another instance when the holder stops renewing it.
    func acquireLease(_ name: String, owner: String, for duration: TimeInterval) async throws -> Bool

    /// Gives a lease up (on shutdown), so another instance takes over at once.
    func releaseLease(_ name: String, owner: String) async throws
}
