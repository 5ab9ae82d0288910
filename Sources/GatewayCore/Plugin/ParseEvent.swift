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
    public var reason: String
    /// Where in the input (`line 57`, `lines 12-14`), nil for the whole input.
    public var location: String?
    /// The start of the offending text, truncated, for the quarantine listing.
    public var excerpt: String?

    public init(reason: String, location: String? = nil, excerpt: String? = nil) {
        self.reason = reason
        self.location = location
        self.excerpt = excerpt.map { $0.count > Self.maxExcerpt ? String($0.prefix(Self.maxExcerpt)) + "…" : $0 }
    }

    /// Excerpts are for a person to recognize the record; the archive has all of it.
    public static let maxExcerpt = 512

    public var description: String {
        (location.map { "\($0): " } ?? "") + reason
    }
}
