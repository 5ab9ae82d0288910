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

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, handle: String? = nil, accountID: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
        self.handle = handle
        self.accountID = accountID
    }

    enum CodingKeys: String, CodingKey {
        case name, email, phone, handle
        case accountID = "account_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(phone, forKey: .phone)
        try c.encode(handle, forKey: .handle)
        try c.encode(accountID, forKey: .accountID)
    }
}
