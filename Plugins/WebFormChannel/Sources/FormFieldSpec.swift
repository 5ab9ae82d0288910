import ChannelSupport
import GatewayCore

/// One declared form field: which part of the complaint it fills and what a
/// valid value looks like. Written in `channels.conf` under `[channel.fields]`:
///
/// ```toml
/// [channel.fields]
/// email   = { to = "customer.email", type = "email", required = true }
/// topic   = { type = "choice", choices = ["billing", "outage"] }
/// message = { to = "body", max_length = 5000 }
/// ```
public struct FormFieldSpec: Sendable, Equatable {
    /// The part of the complaint a field fills.
    public enum Target: String, Sendable, CaseIterable {
        case customerName = "customer.name"
        case customerEmail = "customer.email"
        case customerPhone = "customer.phone"
        case customerAccountID = "customer.account_id"
        case customerHandle = "customer.handle"
        case subject
        case body
        /// `attributes[<attribute or the field name>]`.
        case attribute
        /// An uploaded file, listed in `attachments`.
        case attachment
    }

    /// What a valid value looks like.
    public enum ValueType: String, Sendable, CaseIterable {
        /// Any text up to `max_length` characters.
        case text
        /// An email address (one `@`, a dotted domain, no spaces).
        case email
        /// A phone number, stored in E.164 form (national numbers use the channel's `default_country`).
        case phone
        /// One of `choices`.
        case choice
        /// A whole number (stored as a number attribute).
        case integer
        /// A file upload (multipart posts only).
        case file
    }

    public var name: String
    public var target: Target
    public var type: ValueType
    public var required: Bool
    /// Longest accepted text, in characters.
    public var maxLength: Int
    public var choices: [String]
    /// The attribute key for `to = "attribute"`.
    public var attributeName: String
    /// Declared personal (`personal = true`), or holding an address or a number
    /// that reaches a person: masked for readers without the `pii` scope.
    public var isPersonal: Bool

    public static let defaultMaxLength = 1000
    public static let defaultBodyMaxLength = 20_000

    public init(name: String, target: Target = .attribute, type: ValueType = .text, required: Bool = false,
                maxLength: Int? = nil, choices: [String] = [], attributeName: String? = nil, personal: Bool = false) {
        self.name = name
        self.target = target
        self.type = type
        self.required = required
        self.maxLength = maxLength ?? (target == .body ? Self.defaultBodyMaxLength : Self.defaultMaxLength)
        self.choices = choices
        self.attributeName = attributeName ?? name
        self.isPersonal = personal || type == .email || type == .phone
    }

    /// The keys of one field's inline table.
    static let options: [OptionSpec] = [
        OptionSpec("to", .choice(Target.allCases.map(\.rawValue)), default: "attribute",
                   help: "What the field fills: customer.name, customer.email, customer.phone, customer.account_id, customer.handle, subject, body, attribute or attachment."),
        OptionSpec("type", .choice(ValueType.allCases.map(\.rawValue)), default: "text (email for customer.email, phone for customer.phone, file for attachment)",
                   help: "Value check: text, email, phone, choice, integer or file."),
        OptionSpec("required", .boolean, default: "true for body, else false", help: "Whether a post without the field is refused (422)."),
        OptionSpec("max_length", .integer, default: "\(defaultMaxLength) (\(defaultBodyMaxLength) for body)", help: "Longest accepted value, in characters."),
        OptionSpec("choices", .stringArray, help: "Allowed values of a choice field."),
        OptionSpec("attribute", .string, default: "the field name", help: "Attribute key, for to = \"attribute\"."),
        OptionSpec("personal", .boolean, default: "false (true for email and phone fields)",
                   help: "Whether the attribute identifies a person; personal attributes are masked for tokens without the pii scope."),
    ]

    /// Checks one text value; the value to store, or the message for the sender.
    func check(_ raw: String, phone: PhoneNumberNormalizer) -> Result<AttributeValueText, FieldMessage> {
        let value = raw.trimmingWhiteSpace
        if value.count > maxLength {
            return .failure(FieldMessage("must be at most \(maxLength) characters (got \(value.count))"))
        }
        switch type {
        case .text:
            return .success(.text(value))
        case .email:
            return Self.isEmailAddress(value) ? .success(.text(value)) : .failure(FieldMessage("is not an email address"))
        case .phone:
            guard let e164 = phone.e164(value) else {
                return .failure(FieldMessage("is not a phone number (national numbers are read as \(phone.country.code))"))
            }
            return .success(.text(e164))
        case .choice:
            guard choices.contains(value) else {
                return .failure(FieldMessage("must be one of: \(choices.joined(separator: ", "))"))
            }
            return .success(.text(value))
        case .integer:
            guard let n = Int(value) else { return .failure(FieldMessage("must be a whole number")) }
            return .success(.integer(n))
        case .file:
            return .failure(FieldMessage("must be a file upload"))
        }
    }

    /// Deliberately simple: the goal is catching typos and junk, not RFC 5322
    /// completeness (quoted local parts are not used in complaint forms).
    static func isEmailAddress(_ s: String) -> Bool {
        guard s.count <= 254, !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }) else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}

/// A checked value, ready for the complaint.
enum AttributeValueText: Equatable {
    case text(String)
    case integer(Int)

    var string: String {
        switch self {
        case .text(let s): s
        case .integer(let n): String(n)
        }
    }
}

/// What is wrong with a field, worded for the person who filled the form.
struct FieldMessage: Error, Equatable {
    var text: String
    init(_ text: String) { self.text = text }
}
