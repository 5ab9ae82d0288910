import Foundation
import ComplaintModel

/// A feed event in CloudEvents 1.0 structured JSON mode
/// (`application/cloudevents+json`), the envelope every consumer of the feed
/// receives.
public struct CloudEvent: Sendable, Encodable {
    public var specversion = "1.0"
    /// Unique per event: the complaint id and revision.
    public var id: String
    /// `/channels/NAME`.
    public var source: String
    public var type: String
    /// When the event was committed.
    public var time: String
    public var datacontenttype = "application/json"
    /// The JSON Schema `data` follows: the `$id` of `schema/complaint-v1.schema.json`
    /// (served by `serve` at `/schemas/complaint-v1.json`).
    public var dataschema = CloudEvent.complaintSchema
    /// The feed position; consumers resume after it (CloudEvents `sequence` extension).
    public var sequence: String
    public var data: Complaint

    /// The `$id` of the complaint/v1 JSON Schema.
    public static let complaintSchema = "urn:complaint-gateway:schema:complaint-v1"

    public init(_ event: FeedEvent) {
        id = "\(event.complaint.id).\(event.complaint.revision)"
        source = "/channels/\(event.complaint.channel.name)"
        type = event.type.rawValue
        time = RFC3339.string(from: event.committedAt)
        sequence = String(event.sequence)
        data = event.complaint
    }

    /// One line of NDJSON.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
