import Foundation

/// A cluster reaching a higher incident level, as the dedup stage decides it
/// inside the write transaction; the store writes the level and, in the same
/// transaction, the `incident.level_changed` feed event.
public struct IncidentRaise: Sendable, Equatable {
    /// The cluster's entry id in the dedup index and its public id (its first complaint's id).
    public var clusterEntry: Int64
    public var cluster: String
    public var level: IncidentLevel
    public var rank: Int
    /// The level it had before (nil: none).
    public var previous: String?
    /// Distinct customers counted within the level's window when it was reached.
    public var customers: Int
    /// The complaint that crossed the threshold: when it was received.
    public var at: Date
    /// How many masked texts the event carries (`[incidents] samples`).
    public var samples: Int

    public init(clusterEntry: Int64, cluster: String, level: IncidentLevel, rank: Int, previous: String?, customers: Int, at: Date,
                samples: Int = 3) {
        self.samples = samples
        self.clusterEntry = clusterEntry
        self.cluster = cluster
        self.level = level
        self.rank = rank
        self.previous = previous
        self.customers = customers
        self.at = at
    }
}
