import Foundation

/// The `[dedup]` table of `channels.conf`: windows and thresholds of the dedup
/// stage. Every key has a default, so a config without the table dedups.
public struct DedupSettings: Sendable, Equatable {
    /// Off: only exact re-deliveries (same channel and source id) are recognized.
    public var enabled = true
    /// How far apart two complaints of one customer may arrive and still be
    /// duplicates or near-duplicates.
    public var window: TimeInterval = 30 * 86_400
    /// Estimated Jaccard similarity of character 3-gram shingles at or above
    /// which one customer's two texts are near-duplicates.
    public var nearDuplicateThreshold = 0.5
    /// Similarity at or above which texts of any customers join one incident cluster.
    public var clusterThreshold = 0.6
    /// How far back a complaint looks for a cluster to join.
    public var clusterWindow: TimeInterval = 24 * 3_600
    /// Distinct customers within `massComplaintWindow` that make a cluster a mass complaint.
    public var massComplaintCustomers = 20
    public var massComplaintWindow: TimeInterval = 3_600
    /// The `[incidents]` levels: decided with the clusters, in the same transaction.
    public var incidents = IncidentSettings()

    public init() {}
}
