import Foundation

/// The `[identity]` table of `channels.conf`: which identities link
/// complaints into one person, and when a person is a repeat complainant.
/// Every key has a default, so a config without the table links safely.
public struct IdentitySettings: Sendable, Equatable {
    /// A key seen with more than this many other identities (an account code
    /// on every caller of a trunk, a mobile in many colleagues' signatures)
    /// is shared: it stops linking and the person it joined is split again.
    public var sharedKeyIdentities = 3
    /// The organisation's own numbers and addresses (call centre, SMS ports,
    /// switchboards, reply-to addresses): never a customer's. E.164 numbers,
    /// email addresses, or `@domain` for a whole domain.
    public var ownIdentities: Set<String> = []
    /// Values that never identify anyone, beyond the built-in placeholders.
    public var placeholders: Set<String> = []
    /// Whether phone and account numbers the customer writes in a text (an
    /// email signature, a form's message) link.
    public var textIdentities = true
    /// Customer numbers of the organisation's own format found in a text
    /// (`CUS-[0-9]{8}`): linked as account ids.
    public var customerIDPattern: String? = nil
    /// A person with at least this many complaints within `repeatWindow` is a
    /// repeat complainant.
    public var repeatComplaints = 3
    public var repeatWindow: TimeInterval = 30 * 86_400
    /// Words that announce an escalation (a regulator, the press, a lawyer).
    public var escalationWords = IdentitySettings.defaultEscalationWords

    public static let defaultEscalationWords = [
        "12315", "12345", "12300", "12378", "95598", "工信部", "银保监", "银监会", "保监会", "金融监管", "消协", "消费者协会",
        "市场监管", "媒体", "曝光", "记者", "律师", "起诉", "法院", "投诉到", "regulator", "ombudsman", "lawyer", "attorney",
        "lawsuit", "sue", "court", "newspaper", "journalist", "reporter", "media",
    ]

    public init() {}
}

extension IdentitySettings {
    /// Keys of the `[identity]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("shared_key_identities", .integer, default: "3",
                   help: "A key (phone, email, account id, handle) seen together with more than this many other identities is shared: it no longer links anyone, and the person it joined is split again. `complaint-gateway identities shared` lists them."),
        OptionSpec("own_identities", .stringArray, default: "[]",
                   help: "The organisation's own numbers and addresses (call centre, SMS ports, switchboards, reply-to addresses), never a customer's: numbers as dialled (+86 10 6552 8888, 95588), email addresses, or \"@domain\" for a whole domain."),
        OptionSpec("placeholders", .stringArray, default: "[]",
                   help: "More values that never identify anyone (a form's default phone, a test account). Built in: repeated digits (00000000000, 13333333333 is kept), 12345678901 and other runs, noreply@ and similar addresses, none/null/n/a/unknown/未知."),
        OptionSpec("text_identities", .boolean, default: "true",
                   help: "Whether mobile numbers and account numbers the customer writes in a text (an email signature, a form's message) link; numbers the text gives as someone else's (\"my colleague's number\", \"请联系我同事\") never do."),
        OptionSpec("customer_id_pattern", .string,
                   help: "A regular expression for the organisation's customer numbers (e.g. \"CUS-[0-9]{8}\"): found in a text, they link as account ids."),
        OptionSpec("repeat_complaints", .integer, default: "3",
                   help: "A person with at least this many complaints within repeat_window_days is a repeat complainant (customer.repeat in the feed, once per window)."),
        OptionSpec("repeat_window_days", .integer, default: "30", help: "The window of repeat_complaints."),
        OptionSpec("escalation_words", .stringArray,
                   help: "Words that announce an escalation (customer.escalation_risk in the feed); default: 12315, 工信部, 银保监, 消协, 媒体, 律师, regulator, lawyer and similar."),
    ]

    /// The settings of a checked `[identity]` table.
    static func parse(_ values: [String: ConfigValue], problem: ConfigProblemReport) -> IdentitySettings {
        var settings = IdentitySettings()
        for (key, minimum) in [("shared_key_identities", 1), ("repeat_complaints", 2), ("repeat_window_days", 1)] {
            guard let value = values[key]?.intValue else { continue }
            guard value >= minimum else {
                problem("identity.\(key)", "identity: \(key) must be at least \(minimum), found \(value)")
                continue
            }
            switch key {
            case "shared_key_identities": settings.sharedKeyIdentities = value
            case "repeat_complaints": settings.repeatComplaints = value
            default: settings.repeatWindow = Double(value) * 86_400
            }
        }
        if let own = values["own_identities"]?.stringArrayValue {
            for value in own {
                guard let key = IdentityRules.ownKey(value) else {
                    problem("identity.own_identities", "identity: own_identities: \"\(value)\" is neither a phone number, an email address nor @domain")
                    continue
                }
                settings.ownIdentities.insert(key)
            }
        }
        if let placeholders = values["placeholders"]?.stringArrayValue {
            settings.placeholders = Set(placeholders.map { IdentityRules.placeholderForm($0) })
        }
        if let text = values["text_identities"]?.boolValue { settings.textIdentities = text }
        if let pattern = values["customer_id_pattern"]?.stringValue {
            if (try? NSRegularExpression(pattern: pattern)) == nil {
                problem("identity.customer_id_pattern", "identity: customer_id_pattern \"\(pattern)\" is not a valid regular expression")
            } else if pattern.isEmpty || (try? NSRegularExpression(pattern: pattern))?.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
                problem("identity.customer_id_pattern", "identity: customer_id_pattern \"\(pattern)\" matches empty text; it must match a customer number")
            } else {
                settings.customerIDPattern = pattern
            }
        }
        if let words = values["escalation_words"]?.stringArrayValue {
            settings.escalationWords = words.map { $0.lowercased() }.filter { !$0.isEmpty }
        }
        return settings
    }
}
