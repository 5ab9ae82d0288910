import Foundation

/// One customer complaint, normalized from any channel: schema `complaint/v1`.
///
/// Every channel plugin produces this one shape, so consumers of the feed never
/// need to know where a complaint came from. The JSON form (snake_case keys,
/// RFC 3339 UTC timestamps, `null` for absent optional values) is described by
/// `schema/complaint-v1.schema.json` and is what the feed, the store and the
/// `parse` command emit.
///
/// `id` is deterministic: it is derived from the channel name and `sourceID`
/// (see `ComplaintIdentity` in GatewayCore), so re-ingesting or replaying the same
/// input gives the same id.
public struct Complaint: Sendable, Equatable, Codable {
    /// The schema identifier written into every document.
    public static let schemaVersion = "complaint/v1"
    /// Attribute set to `true` when `body` was written by the channel (a call
    /// without agent notes gets a summary such as "Call from … to complaints"),
    /// not by the customer: such text says nothing about what the complaint is,
    /// so the dedup stage does not compare it.
    public static let generatedBodyAttribute = "body_generated"

    /// Whether `body` is the customer's own text (see `generatedBodyAttribute`).
    public var hasCustomerText: Bool {
        attributes[Self.generatedBodyAttribute] != .bool(true)
    }

    public var schema: String
    public var id: String
    public var channel: ChannelRef
    /// The identifier of the item in its source (Message-ID, CDR unique id, feed guid...).
    public var sourceID: String
    /// When the gateway received the raw input.
    public var receivedAt: Date
    /// When the customer complained, as far as the source tells.
    public var occurredAt: Date?
    public var customer: Customer
    public var subject: String?
    /// Plain text, Unicode NFC.
    public var body: String
    /// BCP 47 primary language guess (`zh`, `en`), or nil when there is too little text.
    public var language: String?
    public var attachments: [Attachment]
    public var thread: ThreadRef?
    public var automated: AutomatedKind?
    /// Channel-specific values (call duration, disposition, form extras...).
    public var attributes: [String: AttributeValue]
    public var raw: RawRef
    public var dedup: DedupInfo
    /// Human-readable notes about lossy or doubtful normalization steps.
    public var warnings: [String]
    /// 1 for the first version; incremented when a re-ingest or replay changes the content.
    public var revision: Int

    public init(
        id: String,
        channel: ChannelRef,
        sourceID: String,
        receivedAt: Date,
        occurredAt: Date? = nil,
        customer: Customer = Customer(),
        subject: String? = nil,
        body: String,
        language: String? = nil,
        attachments: [Attachment] = [],
        thread: ThreadRef? = nil,
        automated: AutomatedKind? = nil,
        attributes: [String: AttributeValue] = [:],
        raw: RawRef,
        dedup: DedupInfo = DedupInfo(),
        warnings: [String] = [],
        revision: Int = 1
    ) {
        self.schema = Self.schemaVersion
        self.id = id
        self.channel = channel
        self.sourceID = sourceID
        self.receivedAt = receivedAt
        self.occurredAt = occurredAt
        self.customer = customer
        self.subject = subject
        self.body = body
        self.language = language
        self.attachments = attachments
        self.thread = thread
        self.automated = automated
        self.attributes = attributes
        self.raw = raw
        self.dedup = dedup
        self.warnings = warnings
        self.revision = revision
    }

    enum CodingKeys: String, CodingKey {
        case schema, id, channel
        case sourceID = "source_id"
        case receivedAt = "received_at"
        case occurredAt = "occurred_at"
        case customer, subject, body, language, attachments, thread, automated, attributes, raw, dedup, warnings, revision
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        guard schema == Self.schemaVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: c, debugDescription: "unsupported schema \(schema), expected \(Self.schemaVersion)")
        }
        id = try c.decode(String.self, forKey: .id)
        channel = try c.decode(ChannelRef.self, forKey: .channel)
        sourceID = try c.decode(String.self, forKey: .sourceID)
        receivedAt = try RFC3339.decode(c.decode(String.self, forKey: .receivedAt), key: CodingKeys.receivedAt, container: c)
        if let occurred = try c.decodeIfPresent(String.self, forKey: .occurredAt) {
            occurredAt = try RFC3339.decode(occurred, key: CodingKeys.occurredAt, container: c)
        } else {
            occurredAt = nil
        }
        customer = try c.decode(Customer.self, forKey: .customer)
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        body = try c.decode(String.self, forKey: .body)
        language = try c.decodeIfPresent(String.self, forKey: .language)
        attachments = try c.decode([Attachment].self, forKey: .attachments)
        thread = try c.decodeIfPresent(ThreadRef.self, forKey: .thread)
        automated = try c.decodeIfPresent(AutomatedKind.self, forKey: .automated)
        attributes = try c.decode([String: AttributeValue].self, forKey: .attributes)
        raw = try c.decode(RawRef.self, forKey: .raw)
        dedup = try c.decode(DedupInfo.self, forKey: .dedup)
        warnings = try c.decode([String].self, forKey: .warnings)
        revision = try c.decode(Int.self, forKey: .revision)
    }

    // Written out by hand so that absent values are explicit `null`s and dates are
    // RFC 3339 strings whatever encoder settings a caller uses.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(id, forKey: .id)
        try c.encode(channel, forKey: .channel)
        try c.encode(sourceID, forKey: .sourceID)
        try c.encode(RFC3339.string(from: receivedAt), forKey: .receivedAt)
        try c.encode(occurredAt.map(RFC3339.string(from:)), forKey: .occurredAt)
        try c.encode(customer, forKey: .customer)
        try c.encode(subject, forKey: .subject)
        try c.encode(body, forKey: .body)
        try c.encode(language, forKey: .language)
        try c.encode(attachments, forKey: .attachments)
        try c.encode(thread, forKey: .thread)
        try c.encode(automated, forKey: .automated)
        try c.encode(attributes, forKey: .attributes)
        try c.encode(raw, forKey: .raw)
        try c.encode(dedup, forKey: .dedup)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(revision, forKey: .revision)
    }
}
