import Foundation
import ComplaintModel

/// One entry of the normalized feed, in commit order: a complaint revision,
/// an incident cluster reaching a level, or a person signalled.
public struct FeedEvent: Sendable, Equatable {
    public var sequence: Int64
    public var type: FeedEventType
    public var body: Body
    public var committedAt: Date

    /// What the event carries (the CloudEvent's `data`).
    public enum Body: Sendable, Equatable {
        case complaint(Complaint)
        case incident(IncidentLevelChange)
        case customer(CustomerSignal)
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

    public init(sequence: Int64, customer: CustomerSignal, committedAt: Date) {
        self.sequence = sequence
        self.type = customer.kind == .repeat ? .customerRepeat : .customerEscalationRisk
        self.body = .customer(customer)
        self.committedAt = committedAt
    }

    /// The complaint revision; nil for an incident or customer event.
    public var complaint: Complaint? {
        if case .complaint(let complaint) = body { complaint } else { nil }
    }

    public var incident: IncidentLevelChange? {
        if case .incident(let incident) = body { incident } else { nil }
    }

    public var customer: CustomerSignal? {
        if case .customer(let customer) = body { customer } else { nil }
    }

    /// The same event with its complaint replaced (masking); an incident or a
    /// customer signal (no personal data) is kept.
    public func mapComplaint(_ transform: (Complaint) -> Complaint) -> FeedEvent {
        var copy = self
        if case .complaint(let complaint) = body { copy.body = .complaint(transform(complaint)) }
        return copy
    }

    /// Decodes a stored event: a complaint revision's document, or an incident's or signal's payload.
    public static func decode(sequence: Int64, type: String, committedAt: Date, document: String?, payload: String?,
                              decoder: JSONDecoder) throws -> FeedEvent {
        if type == FeedEventType.incidentLevelChanged.rawValue, let payload {
            return FeedEvent(sequence: sequence, incident: try decoder.decode(IncidentLevelChange.self, from: Data(payload.utf8)),
                             committedAt: committedAt)
        }
        if type.hasPrefix("customer."), let payload {
            return FeedEvent(sequence: sequence, customer: try decoder.decode(CustomerSignal.self, from: Data(payload.utf8)),
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
    /// A person reached `[identity] repeat_complaints` within the window
    /// (`data` is a `CustomerSignal`); once per person and window.
    case customerRepeat = "customer.repeat"
    /// A person is a repeat complainant or wrote escalation words (a
    /// regulator, the press, a lawyer); once per person and window.
    case customerEscalationRisk = "customer.escalation_risk"
}
