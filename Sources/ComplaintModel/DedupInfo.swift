/// The dedup stage's verdict on a complaint. Dedup marks; it never deletes.
public struct DedupInfo: Sendable, Equatable, Codable {
    /// Verdicts the dedup stage can give.
    public enum Status: String, Sendable, Equatable, Codable, CaseIterable {
        /// The first time this complaint was seen.
        case unique
        /// The same complaint as `of`, arriving again (another channel, a re-send).
        case duplicate
        /// Very similar to `of` from the same customer; `score` says how similar.
        case nearDuplicate = "near_duplicate"
    }

    public var status: Status
    /// The id of the complaint this one duplicates.
    public var of: String?
    /// Similarity in 0...1 for near-duplicates.
    public var score: Double?

    public init(status: Status = .unique, of: String? = nil, score: Double? = nil) {
        self.status = status
        self.of = of
        self.score = score
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(of, forKey: .of)
        try c.encode(score, forKey: .score)
    }

    enum CodingKeys: String, CodingKey {
        case status, of, score
    }
}
