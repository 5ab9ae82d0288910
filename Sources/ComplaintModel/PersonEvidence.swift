/// One identity that tied a complaint to its person: which key, of what
/// kind, and where in the complaint it was found. Readers without the `pii`
/// scope see the key masked.
public struct PersonEvidence: Sendable, Equatable, Hashable, Codable {
    /// The identity key: `phone:+8613800138000`, `email:li@example.cn`,
    /// `account:6222021234567890`, `handle:wx_o6_abc`.
    public var key: String
    /// What kind of identity it is: `mobile`, `phone`, `email`, `account`, `handle`.
    public var kind: String
    /// Where it came from: a customer field (`customer.phone`) or the text
    /// (`body`, `subject`).
    public var foundIn: String

    public init(key: String, kind: String, foundIn: String) {
        self.key = key
        self.kind = kind
        self.foundIn = foundIn
    }

    enum CodingKeys: String, CodingKey {
        case key, kind
        case foundIn = "found_in"
    }
}
