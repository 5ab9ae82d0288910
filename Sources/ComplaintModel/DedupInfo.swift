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
    /// The id of the first complaint of the duplicate group this one belongs to.
    public var of: String?
    /// Similarity in 0...1 for near-duplicates.
    public var score: Double?
    /// The incident cluster: the id of the first complaint whose text this one
    /// resembles, from any customer (itself when it starts a cluster). Nil when
    /// no dedup stage with clustering saw it.
    public var cluster: String?
    /// The person the stage linked the complaint to, and the evidence: kept
    /// with the verdict (so later revisions keep them too) but shown in the
    /// document as `customer.person` and `customer.person_evidence`, not here.
    public var person: String?
    public var personEvidence: [PersonEvidence] = []

    public init(status: Status = .unique, of: String? = nil, score: Double? = nil, cluster: String? = nil,
                person: String? = nil, personEvidence: [PersonEvidence] = []) {
        self.status = status
        self.of = of
        self.score = score
        self.cluster = cluster
        self.person = person
        self.personEvidence = personEvidence
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(Status.self, forKey: .status)
        of = try c.decodeIfPresent(String.self, forKey: .of)
        score = try c.decodeIfPresent(Double.self, forKey: .score)
        // Documents stored before clustering existed have no `cluster` key.
        cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
        // Present in the stores' verdict column only (see `person`).
        person = try c.decodeIfPresent(String.self, forKey: .person)
        personEvidence = try c.decodeIfPresent([PersonEvidence].self, forKey: .personEvidence) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(of, forKey: .of)
        try c.encode(score, forKey: .score)
        try c.encode(cluster, forKey: .cluster)
    }

    enum CodingKeys: String, CodingKey {
        case status, of, score, cluster, person
        case personEvidence = "person_evidence"
    }
}
