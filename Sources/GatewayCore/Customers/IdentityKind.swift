/// What an identity key names, which decides whether it may link two
/// complaints into one person.
///
/// A mobile number, an email address, an account number and a platform id
/// (a WeChat OpenID, a forum handle) each belong to one customer, so each
/// links on its own. A landline, a switchboard, a service line (400/800) is
/// shared by a household or a whole company: recorded as evidence of nothing,
/// it never links.
public enum IdentityKind: String, Sendable, Equatable, CaseIterable {
    case mobile
    /// A number whose kind the plan does not tell (NANP and most regions).
    case phone
    case landline
    case email
    case account
    case handle

    /// Whether a key of this kind links complaints at all.
    public var links: Bool { self != .landline }
}
