/// Conversation threading: lets a follow-up be linked to the complaint it answers.
public struct ThreadRef: Sendable, Equatable, Codable {
    /// A key shared by every message of one conversation.
    public var key: String
    public var inReplyTo: String?
    public var references: [String]

    public init(key: String, inReplyTo: String? = nil, references: [String] = []) {
        self.key = key
        self.inReplyTo = inReplyTo
        self.references = references
    }

    enum CodingKeys: String, CodingKey {
        case key
        case inReplyTo = "in_reply_to"
        case references
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(inReplyTo, forKey: .inReplyTo)
        try c.encode(references, forKey: .references)
    }
}
