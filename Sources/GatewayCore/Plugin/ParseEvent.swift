/// What a parser found in one record of an input.
public enum ParseEvent: Sendable {
    /// A complaint, to be normalized and stored.
    case complaint(ComplaintDraft)
    /// A well-formed record that is not a complaint under the channel's rules
    /// (a call that did not reach the complaints queue): counted, not stored.
    case skipped(location: String?)
    /// A record that could not be parsed: quarantined with the reason.
    case rejected(Rejection)
}

/// Why a record or an input could not be parsed, worded for the person who has
/// to fix it, with where it is and the offending text.
public struct Rejection: Sendable, Equatable, Error, CustomStringConvertible {
    /// Why a record was turned away, which decides how a live source answers
    /// its sender (a form post gets 400, 422 or an accepted-looking 202).
    public enum Kind: String, Sendable, Equatable {
        /// The bytes could not be read as the format they claim (bad CSV quoting,
        /// a broken multipart body).
        case malformed
        /// Readable, but the content breaks the channel's rules (a required
        /// field missing, an email address that is not one): see `fields`.
        case invalid
        /// Flagged as abuse (a filled honeypot field): kept in quarantine for a
        /// person to review, never fed, and not revealed to the sender.
        case spam
        /// Well-formed and recognized, but kept aside by the channel's rules for a
        /// person to review (automated mail on a channel that does not feed it).
        case held
        /// Well-formed, but it reuses the id of a complaint another input made
        /// (`RevisionPolicy.sameInputOnly`): a form post answers 422.
        case conflict
    }

    /// One field at fault, for inputs checked field by field.
    public struct FieldProblem: Sendable, Equatable, Codable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var reason: String
    /// Where in the input (`line 57`, `lines 12-14`), nil for the whole input.
    public var location: String?
    /// The start of the offending text, truncated, for the quarantine listing.
    public var excerpt: String?
    public var kind: Kind
    /// Every field at fault, in the order the channel declares them.
    public var fields: [FieldProblem]

    public init(reason: String, location: String? = nil, excerpt: String? = nil, kind: Kind = .malformed,
                fields: [FieldProblem] = []) {
        self.reason = reason
        self.location = location
        self.excerpt = excerpt.map { $0.count > Self.maxExcerpt ? String($0.prefix(Self.maxExcerpt)) + "…" : $0 }
        self.kind = kind
        self.fields = fields
    }

    /// Excerpts are for a person to recognize the record; the archive has all of it.
    public static let maxExcerpt = 512

    public var description: String {
        (location.map { "\($0): " } ?? "") + reason
    }
}
