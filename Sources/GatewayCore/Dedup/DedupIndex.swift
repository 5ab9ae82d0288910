import Foundation
import ComplaintModel

/// The dedup stage's view of the store, inside the store's write transaction:
/// who is who, what each customer sent recently, and which recent texts look
/// alike. Each store engine implements it over its own tables.
///
/// Every lookup is an index seek bounded by a limit, never a scan: the cost
/// of a decision does not grow with the number of stored complaints.
public protocol DedupIndex: IdentityIndex {
    /// The person's entries received within `interval`, newest first.
    func entries(person: Int64, in interval: ClosedRange<Date>, limit: Int) throws -> [DedupEntry]

    /// Entries received within `interval` that share an LSH band key with
    /// `bandKeys`: for each key, its `perBand` most recent entries.
    func entries(sharingBands bandKeys: [Int64], in interval: ClosedRange<Date>, perBand: Int) throws -> [DedupEntry]

    /// Stores the entry of a newly stored complaint and adds it to its cluster.
    func add(_ entry: NewDedupEntry) throws -> ClusterMembership

    /// How many distinct customers of `cluster` arrived at or after `since`,
    /// counting up to `cap` (enough to compare with a threshold).
    func recentCustomers(cluster: Int64, since: Date, cap: Int) throws -> Int

    /// Marks `cluster` as a mass complaint at `at` unless it is already marked
    /// at or after `since`; true when it was marked now.
    func flagMassComplaint(cluster: Int64, at: Date, since: Date, customers: Int) throws -> Bool

    /// The `[incidents]` rank the cluster with this public id has reached
    /// (0: none yet). Kept by public id, so a rebuilt index does not raise
    /// (and announce) a level again.
    func incidentRank(cluster: String) throws -> Int

    /// Records that a cluster reached a higher level; the store writes its
    /// `incident.level_changed` event before the transaction commits.
    func raiseIncident(_ raise: IncidentRaise) throws

    /// When the person (`customer.person`) was last signalled as `kind`; nil: never.
    func lastSignal(person: String, kind: CustomerSignal.Kind) throws -> Date?

    /// Records that a person crossed a line at `at`; the store writes its
    /// `customer.*` event before the transaction commits.
    func signal(_ signal: CustomerSignal, at: Date) throws
}

/// One stored complaint as the dedup index knows it.
public struct DedupEntry: Sendable, Equatable {
    public var id: Int64
    public var complaintID: String
    public var person: Int64?
    public var at: Date
    public var textHash: Int64
    public var signature: [UInt16]
    public var facts: [String]
    /// The first complaint of this entry's duplicate group (itself when unique).
    public var root: String
    /// The entry id of the cluster's first complaint, and that complaint's id.
    public var cluster: Int64
    public var clusterComplaintID: String

    public init(id: Int64, complaintID: String, person: Int64?, at: Date, textHash: Int64, signature: [UInt16],
                facts: [String], root: String, cluster: Int64, clusterComplaintID: String) {
        self.id = id
        self.complaintID = complaintID
        self.person = person
        self.at = at
        self.textHash = textHash
        self.signature = signature
        self.facts = facts
        self.root = root
        self.cluster = cluster
        self.clusterComplaintID = clusterComplaintID
    }
}

/// What `DedupIndex.add` stores.
public struct NewDedupEntry: Sendable, Equatable {
    public var complaintID: String
    public var person: Int64?
    public var features: DedupFeatures
    public var dedup: DedupInfo
    /// The cluster to join (an entry id), nil to start a new one.
    public var cluster: Int64?
    /// The id of the joined cluster's first complaint.
    public var clusterComplaintID: String?

    public init(complaintID: String, person: Int64?, features: DedupFeatures, dedup: DedupInfo, cluster: Int64?, clusterComplaintID: String?) {
        self.complaintID = complaintID
        self.person = person
        self.features = features
        self.dedup = dedup
        self.cluster = cluster
        self.clusterComplaintID = clusterComplaintID
    }
}

/// The cluster an entry was added to.
public struct ClusterMembership: Sendable, Equatable {
    /// The entry's own id.
    public var entry: Int64
    /// The cluster's entry id (the first complaint's entry).
    public var cluster: Int64
    /// The first complaint's id: the cluster's public id.
    public var clusterComplaintID: String
    /// Complaints in the cluster, this one included.
    public var size: Int
    /// When the cluster was last flagged as a mass complaint.
    public var flaggedAt: Date?

    public init(entry: Int64, cluster: Int64, clusterComplaintID: String, size: Int, flaggedAt: Date? = nil) {
        self.entry = entry
        self.cluster = cluster
        self.clusterComplaintID = clusterComplaintID
        self.size = size
        self.flaggedAt = flaggedAt
    }
}
