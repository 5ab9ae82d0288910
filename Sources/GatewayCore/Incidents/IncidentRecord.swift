import Foundation

/// A cluster with an incident level, as the console and `clusters` list it.
public struct IncidentRecord: Sendable, Equatable, Codable {
    public var cluster: String
    public var level: String
    public var rank: Int
    /// Distinct customers within the level's window when it was reached.
    public var customers: Int
    public var windowMinutes: Int
    public var firstRaisedAt: Date
    public var raisedAt: Date
    /// The cluster now: complaints, distinct customers, first and last complaint.
    public var complaints: Int
    public var totalCustomers: Int
    public var firstSeen: Date
    public var lastSeen: Date
    /// The beginning of the first complaint's text (masked by whoever shows it).
    public var excerpt: String

    public init(cluster: String, level: String, rank: Int, customers: Int, windowMinutes: Int, firstRaisedAt: Date, raisedAt: Date,
                complaints: Int, totalCustomers: Int, firstSeen: Date, lastSeen: Date, excerpt: String) {
        self.cluster = cluster
        self.level = level
        self.rank = rank
        self.customers = customers
        self.windowMinutes = windowMinutes
        self.firstRaisedAt = firstRaisedAt
        self.raisedAt = raisedAt
        self.complaints = complaints
        self.totalCustomers = totalCustomers
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.excerpt = excerpt
    }
}

/// One bucket of a cluster's timeline: complaints and new customers that arrived in it.
public struct IncidentPoint: Sendable, Equatable, Codable {
    public var start: Date
    public var complaints: Int
    public var customers: Int

    public init(start: Date, complaints: Int, customers: Int) {
        self.start = start
        self.complaints = complaints
        self.customers = customers
    }
}

/// What a store reads about one incident cluster for the console.
public struct IncidentDetail: Sendable, Equatable {
    public var record: IncidentRecord
    public var channels: [String]
    /// Buckets of `bucket` seconds from the first complaint, oldest first.
    public var timeline: [IncidentPoint]
    /// The ids of its complaints, newest first, up to the asked limit.
    public var complaintIDs: [String]

    public init(record: IncidentRecord, channels: [String], timeline: [IncidentPoint], complaintIDs: [String]) {
        self.record = record
        self.channels = channels
        self.timeline = timeline
        self.complaintIDs = complaintIDs
    }

    /// Buckets from per-entry (time, customer) pairs, oldest first; a customer
    /// counts in the bucket of their first complaint.
    public static func timeline(_ entries: [(at: Double, customer: Int64)], bucket: TimeInterval) -> [IncidentPoint] {
        guard let first = entries.map(\.at).min(), bucket > 0 else { return [] }
        let origin = (first / bucket).rounded(.down) * bucket
        var complaints: [Int: Int] = [:], customers: [Int: Int] = [:]
        var seen = Set<Int64>()
        for entry in entries.sorted(by: { $0.at < $1.at }) {
            let slot = Int((entry.at - origin) / bucket)
            complaints[slot, default: 0] += 1
            if seen.insert(entry.customer).inserted { customers[slot, default: 0] += 1 }
        }
        let last = complaints.keys.max() ?? 0
        return (0...last).map { slot in
            IncidentPoint(start: Date(timeIntervalSince1970: origin + Double(slot) * bucket),
                          complaints: complaints[slot] ?? 0, customers: customers[slot] ?? 0)
        }
    }
}
