import ComplaintModel
import GatewayCore

/// A quarantine entry as JSON (`quarantine --json`, `tap --quarantined`),
/// with the full digest that `replay --raw` takes.
struct QuarantineJSON: Encodable {
    var id: Int64
    var createdAt: String
    var channel: String
    var rawSHA256: String
    /// Absent when the whole input is quarantined without a position.
    var location: String?
    var reason: String
    var excerpt: String?
    /// Set when the entry has an excerpt that a masked view withholds.
    var excerptWithheld: Bool?

    /// - Parameter masked: scrubs email addresses, phone numbers and the like
    ///   from the reason, and withholds the excerpt: it is raw input (a form's
    ///   name field, a signature) with no field to tell what in it is personal.
    init(_ record: QuarantineRecord, masked: Bool) {
        let scrubber = PersonalTextScrubber()
        id = record.id
        createdAt = RFC3339.string(from: record.createdAt)
        channel = record.channel
        rawSHA256 = record.rawSHA256
        location = record.location
        reason = masked ? scrubber.scrub(record.reason) : record.reason
        excerpt = masked ? nil : record.excerpt
        excerptWithheld = masked && record.excerpt != nil ? true : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, location, reason, excerpt
        case createdAt = "created_at"
        case excerptWithheld = "excerpt_withheld"
        case rawSHA256 = "raw_sha256"
    }
}
