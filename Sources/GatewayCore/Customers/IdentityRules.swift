import Foundation
import ComplaintModel

/// Decides, for each identity key of a complaint, what kind it is and whether
/// it may link: built-in rules for landlines and placeholders, and the
/// `[identity]` settings (the organisation's own numbers and addresses, more
/// placeholders). A key that does not link is not evidence of anything.
public struct IdentityRules: Sendable {
    public let settings: IdentitySettings
    let customerIDs: CustomerIDPattern?
    /// `escalation_words`, ready to search every complaint with.
    public let escalation: WordFinder

    public init(settings: IdentitySettings = IdentitySettings()) {
        self.settings = settings
        customerIDs = settings.customerIDPattern.flatMap(CustomerIDPattern.init)
        escalation = WordFinder(settings.escalationWords)
    }

    /// The kind of a key (`phone:+86…`, `email:…`, `account:…`, `handle:…`),
    /// and nil when it must never link: a placeholder, one of the
    /// organisation's own identities, a landline.
    public func linkingKind(of key: String) -> IdentityKind? {
        guard let colon = key.firstIndex(of: ":") else { return nil }
        let value = String(key[key.index(after: colon)...])
        let kind: IdentityKind
        switch key[..<colon] {
        case "phone":
            kind = Self.phoneKind(value)
            guard kind.links, !Self.isPlaceholderNumber(Self.nationalNumber(value)),
                  !settings.ownIdentities.contains("nsn:" + Self.nationalNumber(value)) else { return nil }
        case "email":
            kind = .email
            guard !Self.isPlaceholderEmail(value), !settings.ownIdentities.contains("email:" + value),
                  !settings.ownIdentities.contains(String(value[(value.lastIndex(of: "@") ?? value.startIndex)...])) else { return nil }
        case "account":
            kind = .account
            guard value.count >= 4, !Self.isPlaceholderNumber(value) else { return nil }
        case "handle":
            kind = .handle
        default:
            return nil
        }
        guard !Self.genericPlaceholders.contains(Self.placeholderForm(value)),
              !settings.placeholders.contains(Self.placeholderForm(value)) else { return nil }
        return kind
    }

    /// E.164 → the national significant number (`+8613800138000` → `13800138000`).
    static func nationalNumber(_ e164: String) -> String {
        let digits = e164.filter(\.isASCII).filter(\.isNumber)
        for code in ["86", "852", "853", "886", "65", "44", "1"] where digits.hasPrefix(code) {
            return String(digits.dropFirst(code.count))
        }
        return digits
    }

    /// Mobile, landline or unknown, from the numbering plans of the regions
    /// the gateway's customers call from.
    static func phoneKind(_ e164: String) -> IdentityKind {
        let digits = Array(e164.filter { $0.isASCII && $0.isNumber })
        func national(_ code: String) -> [Character]? {
            digits.starts(with: Array(code)) ? Array(digits.dropFirst(code.count)) : nil
        }
        if let n = national("86") {
            // 1[3-9] and nine more digits; everything else (area code + number,
            // 400/800 service lines, numbers with extensions) is fixed.
            return n.count == 11 && n[0] == "1" && "3456789".contains(n[1]) ? .mobile : .landline
        }
        if let n = national("852") { return n.count == 8 && "45679".contains(n[0]) ? .mobile : .landline }
        if let n = national("853") { return n.count == 8 && n[0] == "6" ? .mobile : .landline }
        if let n = national("886") { return n.count == 9 && n[0] == "9" ? .mobile : .landline }
        if let n = national("65") { return n.count == 8 && "89".contains(n[0]) ? .mobile : .landline }
        if let n = national("44") { return n.first == "7" ? .mobile : .landline }
        return .phone
    }

    /// Repeated digits (`00000000000`, `1 0000000000`) and straight runs
    /// (`12345678901`, `98765432100`): what people type into a required field.
    static func isPlaceholderNumber(_ value: String) -> Bool {
        let digits = value.compactMap(\.wholeNumberValue)
        guard digits.count >= 4, digits.count == value.count else { return false }
        let tail = digits.dropFirst()
        if Set(digits).count == 1 || Set(tail).count == 1 && tail.count >= 6 { return true }
        var ascending = true, descending = true
        for (a, b) in zip(digits, digits.dropFirst()) {
            if b != (a + 1) % 10 { ascending = false }
            if b != (a + 9) % 10 { descending = false }
        }
        return ascending || descending
    }

    static let placeholderMailboxes: Set<String> = [
        "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster",
        "nobody", "none", "null", "test", "unknown", "anonymous", "root",
    ]

    static func isPlaceholderEmail(_ address: String) -> Bool {
        guard let at = address.lastIndex(of: "@") else { return true }
        let local = address[..<at]
        return local.isEmpty || placeholderMailboxes.contains(String(local)) || Set(local).count == 1 && local.count >= 2
    }

    /// Values of any kind that name nobody.
    static let genericPlaceholders: Set<String> = [
        "none", "null", "nil", "na", "n/a", "unknown", "anonymous", "guest", "test", "-", "0", "未知", "无", "匿名", "游客", "暂无",
    ]

    /// How a configured placeholder is compared: lower-cased, without spaces
    /// and dashes (a number is written many ways).
    public static func placeholderForm(_ value: String) -> String {
        let compact = value.lowercased().filter { $0 != " " && $0 != "-" }
        let digits = compact.filter(\.isNumber)
        guard !digits.isEmpty, compact.allSatisfy({ $0.isNumber || "+()".contains($0) }) else { return compact }
        // International (`+86…`, `0086…`): the national number; national: as written.
        if compact.hasPrefix("+") { return "#" + nationalNumber(digits) }
        if digits.hasPrefix("00") { return "#" + nationalNumber(String(digits.dropFirst(2))) }
        return "#" + digits
    }

    /// The form an `own_identities` value is kept in: `nsn:` and the national
    /// number for a phone, `email:` and the address, `@domain`. Nil when it is
    /// none of them.
    public static func ownKey(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("@") { return trimmed.count > 1 ? trimmed : nil }
        if trimmed.contains("@") { return "email:" + trimmed }
        let digits = trimmed.filter(\.isNumber)
        guard digits.count >= 3, trimmed.allSatisfy({ $0.isNumber || " -+().".contains($0) }) else { return nil }
        if let e164 = PhoneNumberNormalizer(defaultCountry: "CN")?.e164(trimmed) { return "nsn:" + nationalNumber(e164) }
        return "nsn:" + digits
    }
}

extension IdentityRules {
    /// The identities of a complaint that may link it, strongest first, with
    /// where each was found: the customer's fields, then (with
    /// `text_identities`) numbers the customer wrote in the text.
    public func identities(of complaint: Complaint) -> [PersonEvidence] {
        var found: [PersonEvidence] = []
        var seen = Set<String>()
        func add(_ key: String, _ foundIn: String) {
            guard let kind = linkingKind(of: key), seen.insert(key).inserted else { return }
            found.append(PersonEvidence(key: key, kind: kind.rawValue, foundIn: foundIn))
        }
        let customer = complaint.customer
        for (key, field) in DedupFeatures.identityKeys(of: customer) { add(key, field) }
        guard settings.textIdentities else { return found }
        var texts: [(String, String)] = [("subject", complaint.subject ?? ""), ("body", complaint.hasCustomerText ? complaint.body : "")]
        if case .string(let signature)? = complaint.attributes["signature"] { texts.append(("signature", signature)) }
        var fromText = 0
        for (place, text) in texts where !text.isEmpty {
            for key in TextIdentities.keys(in: text, customerIDs: customerIDs) where fromText < TextIdentities.maximumPerComplaint {
                let before = found.count
                add(key, place)
                if found.count > before { fromText += 1 }
            }
        }
        return found
    }
}

extension IdentityRules {
    /// The kind of a stored key, by its form alone (for listings).
    public static func kindName(of key: String) -> String {
        switch key.split(separator: ":", maxSplits: 1).first {
        case "phone": phoneKind(String(key.dropFirst(6))).rawValue
        case "email": IdentityKind.email.rawValue
        case "account": IdentityKind.account.rawValue
        default: IdentityKind.handle.rawValue
        }
    }
}
