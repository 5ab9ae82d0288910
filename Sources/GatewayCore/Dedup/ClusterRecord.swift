import Foundation

/// An incident cluster: complaints with similar text, from one or many customers.
public struct ClusterRecord: Sendable, Equatable {
    /// The id of the cluster's first complaint (what `dedup.cluster` holds).
    public var id: String
    /// Complaints in the cluster.
    public var size: Int
    /// Distinct customers among them.
    public var customers: Int
    public var firstSeen: Date
    public var lastSeen: Date
    /// When the cluster last became a mass complaint, and with how many
    /// customers within the window.
    public var flaggedAt: Date?
    public var flaggedCustomers: Int?
    /// The beginning of the first complaint's text, for a person reading the list.
    public var excerpt: String
    /// The `[incidents]` level it has reached, if any.
    public var level: String?

    public init(id: String, size: Int, customers: Int, firstSeen: Date, lastSeen: Date, flaggedAt: Date? = nil,
                flaggedCustomers: Int? = nil, excerpt: String = "", level: String? = nil) {
        self.level = level
        self.id = id
        self.size = size
        self.customers = customers
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.flaggedAt = flaggedAt
        self.flaggedCustomers = flaggedCustomers
        self.excerpt = excerpt
    }
}

/// Which clusters to list.
public struct ClusterQuery: Sendable, Equatable {
    /// At least this many complaints.
    public var minimumSize: Int
    /// Only clusters flagged as mass complaints.
    public var massComplaintsOnly: Bool
    /// Only clusters with a complaint at or after this time.
    public var activeSince: Date?
    public var limit: Int

    public init(minimumSize: Int = 2, massComplaintsOnly: Bool = false, activeSince: Date? = nil, limit: Int = 50) {
        self.minimumSize = minimumSize
        self.massComplaintsOnly = massComplaintsOnly
        self.activeSince = activeSince
        self.limit = limit
    }
}
