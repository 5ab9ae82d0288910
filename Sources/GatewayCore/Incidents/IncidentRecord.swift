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
    /// The width of the timeline's buckets, in seconds.
    public var bucket: TimeInterval
    /// Buckets of `bucket` seconds from the first complaint, oldest first.
    public var timeline: [IncidentPoint]
    /// The ids of its complaints, newest first, up to the asked limit.
    public var complaintIDs: [String]
    /// Where its customers are: each location its complaints name (`3号楼`,
    /// `building 3`) with how many distinct customers name it, most first.
    public var locations: [IncidentLocation]

    public init(record: IncidentRecord, channels: [String], bucket: TimeInterval, timeline: [IncidentPoint], complaintIDs: [String],
                locations: [IncidentLocation] = []) {
        self.record = record
        self.channels = channels
        self.bucket = bucket
        self.timeline = timeline
        self.complaintIDs = complaintIDs
        self.locations = locations
    }

    /// Entries read per cluster for the breakdown (a mass outage's first ones are enough to see where it is).
    public static let breakdownEntries = 20_000

    /// The breakdown from entries' stored facts (`DedupText.facts`) and their customers.
    public static func locations(_ entries: [(facts: String, customer: Int64)], limit: Int = 50) -> [IncidentLocation] {
        var customers: [String: Set<Int64>] = [:]
        for entry in entries {
            for fact in entry.facts.split(separator: ",") where fact.hasPrefix("@") {
                customers[String(fact.dropFirst()), default: []].insert(entry.customer)
            }
        }
        return customers.map { IncidentLocation(location: $0.key, customers: $0.value.count) }
            .sorted { $0.customers != $1.customers ? $0.customers > $1.customers : $0.location < $1.location }
            .prefix(limit).map { $0 }
    }

    /// About 24 buckets over the cluster's life, whole minutes, one minute to a day.
    public static func automaticBucket(for record: IncidentRecord) -> TimeInterval {
        let minutes = (record.lastSeen.timeIntervalSince(record.firstSeen) / 60 / 24).rounded(.up)
        return min(1_440, max(1, minutes)) * 60
    }

    /// Where bucket 0 starts: the first complaint's time, rounded down to the bucket.
    public static func origin(of record: IncidentRecord, bucket: TimeInterval) -> Double {
        (record.firstSeen.timeIntervalSince1970 / bucket).rounded(.down) * bucket
    }

    /// The timeline from per-bucket counts (bucket index → complaints, and →
    /// customers whose first complaint in the cluster fell in it), as the
    /// store counts them with GROUP BY: memory follows the buckets, not the cluster.
    public static func timeline(origin: Double, bucket: TimeInterval, complaints: [Int: Int], customers: [Int: Int]) -> [IncidentPoint] {
        guard let last = Set(complaints.keys).union(customers.keys).max(), last >= 0 else { return [] }
        return (0...last).map { slot in
            IncidentPoint(start: Date(timeIntervalSince1970: origin + Double(slot) * bucket),
                          complaints: complaints[slot] ?? 0, customers: customers[slot] ?? 0)
        }
    }
}

/// One location of an incident's breakdown.
public struct IncidentLocation: Sendable, Equatable, Codable {
    public var location: String
    public var customers: Int

    public init(location: String, customers: Int) {
        self.location = location
        self.customers = customers
    }
}
