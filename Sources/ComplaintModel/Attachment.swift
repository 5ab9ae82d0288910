/// A file that came with a complaint. The bytes stay in the raw archive; the
/// complaint carries only what identifies them.
public struct Attachment: Sendable, Equatable, Codable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    /// Lower-case hex SHA-256 of the decoded bytes.
    public var sha256: String

    public init(filename: String?, contentType: String, size: Int, sha256: String) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case filename
        case contentType = "content_type"
        case size, sha256
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(filename, forKey: .filename)
        try c.encode(contentType, forKey: .contentType)
        try c.encode(size, forKey: .size)
        try c.encode(sha256, forKey: .sha256)
    }
}
