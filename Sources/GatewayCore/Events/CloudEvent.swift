import Foundation
import ComplaintModel

/// A feed event in CloudEvents 1.0 structured JSON mode
/// (`application/cloudevents+json`), the envelope every consumer of the feed
/// receives.
public struct CloudEvent: Sendable, Encodable {
    public var specversion = "1.0"
    /// Unique per event: the complaint id and revision, or the incident
    /// cluster and level.
    public var id: String
    /// `/channels/NAME`, `/incidents` for an incident level, `/customers` for a signal.
    public var source: String
    public var type: String
    /// For an incident event: the cluster's id; for a customer signal: the person.
    public var subject: String?
    /// When the event was committed.
    public var time: String
    public var datacontenttype = "application/json"
    /// The JSON Schema `data` follows: the `$id` of `schema/complaint-v1.schema.json`
    /// (served by `serve` at `/schemas/complaint-v1.json`), or of the incident level's.
    public var dataschema: String
    /// The feed position; consumers resume after it (CloudEvents `sequence` extension).
    public var sequence: String
    public var data: Data

    /// The event's `data`.
    public enum Data: Sendable, Encodable {
        case complaint(Complaint)
        case incident(IncidentLevelChange)
        case customer(CustomerSignal)

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .complaint(let complaint): try complaint.encode(to: encoder)
            case .incident(let incident): try incident.encode(to: encoder)
            case .customer(let signal): try signal.encode(to: encoder)
            }
        }
    }

    /// The `$id` of the complaint/v1 JSON Schema.
    public static let complaintSchema = "urn:complaint-gateway:schema:complaint-v1"
    /// The `$id` of the `data` of `incident.level_changed` (in the OpenAPI document).
    public static let incidentSchema = "urn:complaint-gateway:schema:incident-level-v1"
    /// The `$id` of the `data` of `customer.repeat` and `customer.escalation_risk`.
    public static let customerSchema = "urn:complaint-gateway:schema:customer-signal-v1"

    public init(_ event: FeedEvent) {
        type = event.type.rawValue
        time = RFC3339.string(from: event.committedAt)
        sequence = String(event.sequence)
        switch event.body {
        case .complaint(let complaint):
            id = "\(complaint.id).\(complaint.revision)"
            source = "/channels/\(complaint.channel.name)"
            dataschema = Self.complaintSchema
            data = .complaint(complaint)
        case .incident(let incident):
            id = "incident.\(incident.cluster).\(incident.level)"
            source = "/incidents"
            subject = incident.cluster
            dataschema = Self.incidentSchema
            data = .incident(incident)
        case .customer(let signal):
            id = signal.eventID
            source = "/customers"
            subject = signal.person
            dataschema = Self.customerSchema
            data = .customer(signal)
        }
    }

    /// One line of NDJSON.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
