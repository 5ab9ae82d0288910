import Foundation
import ComplaintModel

/// The `data` of an `incident.level_changed` event: a cluster of similar
/// complaints reached a level (or went up one). Its sample texts are masked
/// when the event is made, so no consumer sees personal data through it.
public struct IncidentLevelChange: Sendable, Codable, Equatable {
    /// The cluster's id: its first complaint's id (`dedup.cluster` of its complaints).
    public var cluster: String
    public var level: String
    public var previousLevel: String?
    /// 1 for the lowest configured level.
    public var rank: Int
    /// Distinct customers within the level's window, and the window.
    public var customers: Int
    public var windowMinutes: Int
    /// Complaints in the cluster, and distinct customers among them, all time.
    public var complaints: Int
    public var totalCustomers: Int
    public var firstSeen: String
    public var lastSeen: String
    /// Channels the cluster's complaints came through, sorted.
    public var channels: [String]
    /// The first complaints' texts, masked and cut to `sampleLength` characters.
    public var samples: [String]

    public static let sampleLength = 280

    enum CodingKeys: String, CodingKey {
        case cluster, level, rank, customers, complaints, channels, samples
        case previousLevel = "previous_level"
        case windowMinutes = "window_minutes"
        case totalCustomers = "total_customers"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    /// What the store read about the cluster, inside the transaction that raised its level.
    public struct ClusterFacts: Sendable {
        public var complaints: Int
        public var totalCustomers: Int
        public var customersInWindow: Int
        public var firstSeen: Date
        public var lastSeen: Date
        public var channels: [String]
        /// The first complaints, oldest first: bodies to sample.
        public var texts: [String]

        public init(complaints: Int, totalCustomers: Int, customersInWindow: Int, firstSeen: Date, lastSeen: Date,
                    channels: [String], texts: [String]) {
            self.complaints = complaints
            self.totalCustomers = totalCustomers
            self.customersInWindow = customersInWindow
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.channels = channels
            self.texts = texts
        }
    }

    public init(_ raise: IncidentRaise, facts: ClusterFacts, samples: Int) {
        cluster = raise.cluster
        level = raise.level.name
        previousLevel = raise.previous
        rank = raise.rank
        customers = max(facts.customersInWindow, raise.customers)
        windowMinutes = Int(raise.level.window / 60)
        complaints = facts.complaints
        totalCustomers = max(facts.totalCustomers, customers)
        firstSeen = RFC3339.string(from: facts.firstSeen)
        lastSeen = RFC3339.string(from: max(facts.lastSeen, raise.at))
        channels = Array(Set(facts.channels)).sorted()
        let scrubber = PersonalTextScrubber()
        self.samples = facts.texts.prefix(samples).map { text in
            let masked = scrubber.scrub(text.trimmingCharacters(in: .whitespacesAndNewlines))
            return masked.count > Self.sampleLength ? String(masked.prefix(Self.sampleLength)) + "…" : masked
        }
    }
}
