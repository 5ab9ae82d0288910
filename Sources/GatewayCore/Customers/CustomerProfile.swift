import Foundation
import ComplaintModel

/// A complainant's profile, as `GET /v1/customers/{key}` and
/// `complaint-gateway customers show` give it: who they are (identities,
/// masked without `pii`), what they sent (by channel, first and last), the
/// incidents they are part of, and whether they are a repeat complainant or
/// at risk of escalating.
public struct CustomerProfile: Sendable, Equatable, Encodable {
    public struct Identity: Sendable, Equatable, Encodable {
        public var key: String
        public var kind: String
    }

    public struct Complaint: Sendable, Equatable, Encodable {
        public var id: String
        public var channel: String
        public var at: String
        public var status: String
        public var text: String
    }

    public struct Incident: Sendable, Equatable, Encodable {
        public var cluster: String
        public var level: String
        public var lastSeen: String

        enum CodingKeys: String, CodingKey {
            case cluster, level
            case lastSeen = "last_seen"
        }
    }

    public var person: String
    public var identities: [Identity]
    public var complaints: Int
    public var complaintsByChannel: [String: Int]
    public var firstComplaintAt: String?
    public var lastComplaintAt: String?
    /// At least `repeat_complaints` complaints within `repeat_window_days` of the last one.
    public var `repeat`: Bool
    public var complaintsInWindow: Int
    public var escalationRisk: Bool
    /// Why: `repeat`, or `words: 12315, 媒体` (the escalation words found).
    public var escalationReasons: [String]
    public var incidents: [Incident]
    public var recent: [Complaint]

    enum CodingKeys: String, CodingKey {
        case person, identities, complaints, incidents, recent
        case complaintsByChannel = "complaints_by_channel"
        case firstComplaintAt = "first_complaint_at"
        case lastComplaintAt = "last_complaint_at"
        case `repeat`
        case complaintsInWindow = "complaints_in_window"
        case escalationRisk = "escalation_risk"
        case escalationReasons = "escalation_reasons"
    }

    /// - Parameter pii: false masks identities and the texts.
    public init(_ record: PersonRecord, settings: IdentitySettings, pii: Bool) {
        person = record.key
        identities = record.identities.map { Identity(key: pii ? $0 : PIIMask.identityKey($0), kind: IdentityRules.kindName(of: $0)) }
        complaints = record.complaints
        complaintsByChannel = record.complaintsByChannel
        firstComplaintAt = record.first.map(RFC3339.string(from:))
        lastComplaintAt = record.last.map(RFC3339.string(from:))
        let since = (record.last ?? .distantPast).addingTimeInterval(-settings.repeatWindow)
        complaintsInWindow = record.recent.filter { $0.at >= since }.count
        `repeat` = complaintsInWindow >= settings.repeatComplaints
        let words = Self.escalationWords(in: record.recent.filter { $0.at >= since }.map(\.text), words: settings.escalationWords)
        escalationReasons = (`repeat` ? ["repeat"] : []) + (words.isEmpty ? [] : ["words: " + words.joined(separator: ", ")])
        escalationRisk = !escalationReasons.isEmpty
        incidents = record.incidents.map { Incident(cluster: $0.cluster, level: $0.level, lastSeen: RFC3339.string(from: $0.lastSeen)) }
        let scrubber = PersonalTextScrubber(known: record.identities.compactMap { $0.split(separator: ":", maxSplits: 1).last.map(String.init) })
        recent = record.recent.prefix(20).map {
            Complaint(id: $0.id, channel: $0.channel, at: RFC3339.string(from: $0.at), status: $0.status.rawValue,
                      text: pii ? $0.text : scrubber.scrub($0.text))
        }
    }

    /// The escalation words that occur in `texts`, in the order of `words`
    /// (`WordFinder`: Latin words as whole words only).
    public static func escalationWords(in texts: [String], words: [String]) -> [String] {
        WordFinder(words).find(in: texts)
    }
}
