/// Where the raw input behind a complaint is kept in the content-addressed archive.
public struct RawRef: Sendable, Equatable, Codable {
    /// Lower-case hex SHA-256 of the archived object (the whole input file or body).
    public var sha256: String
    /// Size in bytes of the archived object.
    public var size: Int
    public var mediaType: String
    /// Where inside the object this complaint came from, when the object holds
    /// several (`lines 12-14` of a CSV file, `message 3` of an mbox).
    public var location: String?

    public init(sha256: String, size: Int, mediaType: String, location: String? = nil) {
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.location = location
    }

    enum CodingKeys: String, CodingKey {
        case sha256, size
        case mediaType = "media_type"
        case location
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(size, forKey: .size)
        try c.encode(mediaType, forKey: .mediaType)
        try c.encode(location, forKey: .location)
    }
}
