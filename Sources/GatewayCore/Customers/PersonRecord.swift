import Foundation
import ComplaintModel

/// What a store knows of one person: their identities, their complaints
/// (those with text, which have a dedup entry) and the incidents they are in.
/// `CustomerProfile` reads the repeat and escalation status from it.
public struct PersonRecord: Sendable, Equatable {
    /// The person's key (`customer.person`).
    public var key: String
    /// Identity keys that link to the person (shared keys excluded).
    public var identities: [String]
    /// Complaints by channel name.
    public var complaintsByChannel: [String: Int]
    public var first: Date?
    public var last: Date?
    /// The newest complaints, newest first (at most `PersonRecord.recentLimit`).
    public var recent: [Recent]
    /// Incident clusters with a level that the person's complaints are in.
    public var incidents: [Incident]

    public static let recentLimit = 50

    public struct Recent: Sendable, Equatable {
        public var id: String
        public var channel: String
        public var at: Date
        public var status: DedupInfo.Status
        /// The beginning of its text (at most 300 characters).
        public var text: String

        public init(id: String, channel: String, at: Date, status: DedupInfo.Status, text: String) {
            self.id = id
            self.channel = channel
            self.at = at
            self.status = status
            self.text = text
        }
    }

    public struct Incident: Sendable, Equatable {
        public var cluster: String
        public var level: String
        public var lastSeen: Date

        public init(cluster: String, level: String, lastSeen: Date) {
            self.cluster = cluster
            self.level = level
            self.lastSeen = lastSeen
        }
    }

    public init(key: String, identities: [String], complaintsByChannel: [String: Int], first: Date?, last: Date?,
                recent: [Recent], incidents: [Incident]) {
        self.key = key
        self.identities = identities
        self.complaintsByChannel = complaintsByChannel
        self.first = first
        self.last = last
        self.recent = recent
        self.incidents = incidents
    }

    public var complaints: Int { complaintsByChannel.values.reduce(0, +) }
}

/// A key that is seen with too many identities to say whose it is.
public struct SharedIdentity: Sendable, Equatable {
    public var key: String
    /// Its kind (`IdentityKind`).
    public var kind: String

    public init(key: String, kind: String) {
        self.key = key
        self.kind = kind
    }
}

/// How a user names a person: their key (`p-…`), or any identity as written
/// (`+86 138 0013 8000`, `li@example.cn`, `phone:+8613800138000`, an account id).
public enum PersonLookup: Sendable, Equatable {
    case person(String)
    case identity(String)

    public init(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if PersonKey.isPersonKey(t) {
            self = .person(t)
        } else if ["phone:", "email:", "account:", "handle:"].contains(where: t.hasPrefix) {
            self = .identity(t)
        } else if t.contains("@"), !t.hasPrefix("@") {
            self = .identity("email:" + t.lowercased())
        } else if t.allSatisfy({ $0.isNumber || " -+().".contains($0) }), let e164 = PhoneNumberNormalizer(defaultCountry: "CN")?.e164(t) {
            self = .identity("phone:" + e164)
        } else {
            self = .identity("account:" + t)
        }
    }
}
