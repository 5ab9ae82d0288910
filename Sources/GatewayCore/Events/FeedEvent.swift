import Foundation
import ComplaintModel

/// One entry of the normalized feed, in commit order: a complaint revision,
/// or an incident cluster reaching a level.
public struct FeedEvent: Sendable, Equatable {
    public var sequence: Int64
    public var type: FeedEventType
    public var body: Body
    public var committedAt: Date

    /// What the event carries (the CloudEvent's `data`).
    public enum Body: Sendable, Equatable {
        case complaint(Complaint)
        case incident(IncidentLevelChange)
    }

    public init(sequence: Int64, type: FeedEventType, complaint: Complaint, committedAt: Date) {
        self.sequence = sequence
        self.type = type
        self.body = .complaint(complaint)
        self.committedAt = committedAt
    }

    public init(sequence: Int64, incident: IncidentLevelChange, committedAt: Date) {
        self.sequence = sequence
        self.type = .incidentLevelChanged
        self.body = .incident(incident)
        self.committedAt = committedAt
    }

    /// The complaint revision; nil for an incident event.
    public var complaint: Complaint? {
        if case .complaint(let complaint) = body { complaint } else { nil }
    }

    public var incident: IncidentLevelChange? {
        if case .incident(let incident) = body { incident } else { nil }
    }

    /// The same event with its complaint replaced (masking); an incident is kept.
    public func mapComplaint(_ transform: (Complaint) -> Complaint) -> FeedEvent {
        var copy = self
        if case .complaint(let complaint) = body { copy.body = .complaint(transform(complaint)) }
        return copy
    }

    /// Decodes a stored event: a complaint revision's document, or an incident's payload.
    public static func decode(sequence: Int64, type: String, committedAt: Date, document: String?, payload: String?,
                              decoder: JSONDecoder) throws -> FeedEvent {
        if type == FeedEventType.incidentLevelChanged.rawValue, let payload {
            return FeedEvent(sequence: sequence, incident: try decoder.decode(IncidentLevelChange.self, from: Data(payload.utf8)),
                             committedAt: committedAt)
        }
        guard let document else { throw StoreCorruptError(reason: "feed event \(sequence) has neither a complaint nor a payload") }
        return FeedEvent(sequence: sequence, type: FeedEventType(rawValue: type) ?? .received,
                         complaint: try decoder.decode(Complaint.self, from: Data(document.utf8)), committedAt: committedAt)
    }
}

/// Feed event types (CloudEvents `type`).
public enum FeedEventType: String, Sendable, Codable, CaseIterable {
    /// A new complaint.
    case received = "complaint.received"
    /// A new revision of a known complaint (its content changed).
    case updated = "complaint.updated"
    /// A new complaint the dedup stage marked `duplicate` or `near_duplicate`
    /// of an earlier one (`data.dedup.of`): consumers that open a ticket per
    /// complaint attach it to the existing ticket instead.
    case duplicate = "complaint.duplicate"
    /// An incident cluster reached an `[incidents]` level or went up one
    /// (`data` is an `IncidentLevelChange`, not a complaint).
    case incidentLevelChanged = "incident.level_changed"
}
