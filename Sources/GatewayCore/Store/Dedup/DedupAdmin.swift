import Foundation
import ComplaintModel

/// The dedup index seen from outside the write path: incident clusters and
/// their levels, and the rebuild.
public protocol DedupAdmin: Sendable {
    /// Incident clusters matching `query`, most recently active first.
    func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord]

    /// Clusters with an `[incidents]` level whose last complaint arrived at
    /// or after `activeSince`, highest level first, then most recent.
    func incidents(activeSince: Date, limit: Int) async throws -> [IncidentRecord]

    /// One incident cluster: its channels, its timeline in buckets of
    /// `bucket` seconds (nil: `IncidentDetail.automaticBucket`) and its newest
    /// `limit` complaints; nil when the cluster has no level.
    func incident(cluster: String, bucket: TimeInterval?, limit: Int) async throws -> IncidentDetail?

    /// Empties the dedup index and builds it again from the stored complaints
    /// in feed order: persons, entries, clusters and (`.recompute`) verdicts,
    /// decided with `stage`'s rules (`DedupRebuild`). A complaint whose
    /// verdict or person changes gets a new revision (`complaint.updated` in
    /// the feed); `.keepVerdicts` keeps stored verdicts and rewrites nothing.
    /// Run it with ingestion stopped.
    func rebuildDedupIndex(_ stage: ComplaintDedupStage, mode: DedupRebuild.Mode,
                           progress: (@Sendable (Int) -> Void)?) async throws -> DedupRebuild.Report
}

/// Persons as the dedup index linked them: profiles and shared keys.
public protocol PersonDirectory: Sendable {
    /// The person named by `lookup`; nil when no complaint links to it.
    func person(_ lookup: PersonLookup) async throws -> PersonRecord?
    /// Keys found shared (`[identity] shared_key_identities`), in key order.
    func sharedIdentities(limit: Int) async throws -> [SharedIdentity]
}
