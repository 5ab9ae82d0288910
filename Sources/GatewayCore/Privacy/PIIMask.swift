import ComplaintModel

/// Hides who complained from readers without the `pii` scope.
///
/// - The customer: email keeps its first character and domain
///   (`l***@example.cn`), phone its first and last four digits, name its first
///   character; handle and account id become `***`.
/// - Attributes the channel does not declare shared (`PersonalDataPolicy`):
///   the value becomes `"***"`, the key stays so consumers see it exists.
/// - Every free text (subject, body, shared attributes, attachment names,
///   warnings): email addresses, phone-like digit runs and the customer's own
///   name and handle are masked where they appear (`PersonalTextScrubber`).
///
/// Enough to tell complaints apart and route them, not to contact or identify
/// the customer.
public enum PIIMask {
    public static let hidden = "***"

    /// - Parameter alsoHiding: more literal values to hide in free text (the
    ///   other version's identifiers, when two versions are compared).
    public static func apply(_ complaint: Complaint, policy: PersonalDataPolicy, alsoHiding: [String] = []) -> Complaint {
        var masked = complaint
        let scrubber = PersonalTextScrubber(known: identifiers(of: complaint) + alsoHiding)
        masked.customer.email = complaint.customer.email.map(email)
        masked.customer.phone = complaint.customer.phone.map(phone)
        masked.customer.name = complaint.customer.name.map(name)
        masked.customer.handle = complaint.customer.handle.map { _ in hidden }
        masked.customer.accountID = complaint.customer.accountID.map { _ in hidden }
        masked.customer.personEvidence = complaint.customer.personEvidence.map { evidence in
            var e = evidence
            e.key = identityKey(evidence.key)
            return e
        }
        masked.subject = complaint.subject.map(scrubber.scrub)
        masked.body = scrubber.scrub(complaint.body)
        var attributes: [String: AttributeValue] = [:]
        for (key, value) in complaint.attributes {
            if !policy.isShared(key, channel: complaint.channel.name) {
                attributes[key] = .string(hidden)
            } else if case .string(let text) = value {
                attributes[key] = .string(scrubber.scrub(text))
            } else if case .strings(let list) = value {
                attributes[key] = .strings(list.map(scrubber.scrub))
            } else {
                attributes[key] = value
            }
        }
        masked.attributes = attributes
        masked.attachments = complaint.attachments.map { attachment in
            var a = attachment
            a.filename = attachment.filename.map(scrubber.scrub)
            return a
        }
        masked.warnings = complaint.warnings.map(scrubber.scrub)
        return masked
    }

    /// The customer's own values, which free text may quote.
    public static func identifiers(of complaint: Complaint) -> [String] {
        [complaint.customer.name, complaint.customer.handle, complaint.customer.accountID, complaint.customer.email,
         complaint.customer.phone].compactMap { $0 }
            + complaint.customer.personEvidence.compactMap { $0.key.split(separator: ":", maxSplits: 1).last.map(String.init) }
    }

    /// An identity key (`phone:+8613800138000`) with its value masked as the
    /// customer field of its kind is (`phone:+861****8000`).
    public static func identityKey(_ key: String) -> String {
        let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return hidden }
        switch parts[0] {
        case "phone": return "phone:" + phone(parts[1])
        case "email": return "email:" + email(parts[1])
        default: return parts[0] + ":" + hidden
        }
    }

    static func email(_ value: String) -> String {
        guard let at = value.firstIndex(of: "@"), at > value.startIndex else { return hidden }
        return String(value[value.startIndex]) + hidden + value[at...]
    }

    static func phone(_ value: String) -> String {
        guard value.count > 8 else { return String(repeating: "*", count: value.count) }
        return String(value.prefix(4)) + String(repeating: "*", count: value.count - 8) + String(value.suffix(4))
    }

    static func name(_ value: String) -> String {
        guard let first = value.first else { return value }
        return String(first) + "*"
    }
}
