/// Who complained, as far as the channel can tell. Every field is optional.
public struct Customer: Sendable, Equatable, Codable {
    public var name: String?
    /// Lower-cased address.
    public var email: String?
    /// E.164 (`+8613812345678`); nil when the source number cannot be normalized.
    public var phone: String?
    /// A social-network or forum handle.
    public var handle: String?
    /// The enterprise's own customer or account number.
    public var accountID: String?
    /// The person this complaint belongs to, as the dedup stage linked it: the
    /// same string for every complaint of one customer, across channels. Nil
    /// when the complaint carries no identity that links (or dedup is off).
    /// Decided by the gateway, not the channel: left out of content fingerprints.
    public var person: String?
    /// The identities that linked it (`person`'s evidence), empty without a person.
    public var personEvidence: [PersonEvidence]

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, handle: String? = nil, accountID: String? = nil,
                person: String? = nil, personEvidence: [PersonEvidence] = []) {
        self.name = name
        self.email = email
        self.phone = phone
        self.handle = handle
        self.accountID = accountID
        self.person = person
        self.personEvidence = personEvidence
    }

    enum CodingKeys: String, CodingKey {
        case name, email, phone, handle
        case accountID = "account_id"
        case person
        case personEvidence = "person_evidence"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        handle = try c.decodeIfPresent(String.self, forKey: .handle)
        accountID = try c.decodeIfPresent(String.self, forKey: .accountID)
        // Documents stored before persons existed have neither key.
        person = try c.decodeIfPresent(String.self, forKey: .person)
        personEvidence = try c.decodeIfPresent([PersonEvidence].self, forKey: .personEvidence) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(phone, forKey: .phone)
        try c.encode(handle, forKey: .handle)
        try c.encode(accountID, forKey: .accountID)
        try c.encode(person, forKey: .person)
        try c.encode(personEvidence, forKey: .personEvidence)
    }
}
