import Crypto
import Foundation
import ComplaintModel

/// What the dedup stage compares, computed once per complaint outside the
/// store's write lock: identity keys, and a fingerprint of the text at three
/// levels of tolerance (exact hash, MinHash signature, LSH band keys).
public struct DedupFeatures: Sendable, Equatable {
    /// The customer's identities that may link (`email:`, `phone:`,
    /// `handle:`, `account:`), strongest first; see `IdentityRules`.
    public var identityKeys: [String] { evidence.map(\.key) }
    /// The same with their kinds and where each was found.
    public var evidence: [PersonEvidence]
    /// Hash of the normalized text: equal hashes are the same text.
    public var textHash: Int64
    /// Whether there is any text to compare (an empty body matches nothing).
    public var hasText: Bool
    /// The MinHash signature, 16 bits per hash ("b-bit MinHash"): a quarter of
    /// the storage, and two different hashes agree by chance only 1 in 65,536.
    public var signature: [UInt16]
    /// The numbers in the text, which near-duplicates must not contradict.
    public var facts: [String]
    /// Locality-sensitive hashing keys: texts at or above about 0.6 similarity
    /// share one with high probability, unrelated texts almost never.
    public var bandKeys: [Int64]
    /// When the customer complained: `occurred_at` when the source says and it
    /// is not after receipt (a call's start, an imported backlog's dates),
    /// else `received_at`. Windows are measured on it.
    public var at: Date
    /// The `[identity] escalation_words` the text contains (a regulator, the
    /// press, a lawyer), in the configured order.
    public var escalationWords: [String]

    /// 25 bands of 5 rows over the 128 hashes: two texts of similarity s share a
    /// band with probability 1 - (1 - s^5)^25, which is 0.95 at s = 0.65 and
    /// 0.99 at 0.7, but 0.002 at 0.15 (unrelated complaints of one domain), so
    /// buckets hold similar texts and the few newest of each are enough.
    public static let bands = 25

    public init(evidence: [PersonEvidence], textHash: Int64, hasText: Bool, signature: [UInt16], facts: [String], bandKeys: [Int64], at: Date,
                escalationWords: [String] = []) {
        self.escalationWords = escalationWords
        self.evidence = evidence
        self.textHash = textHash
        self.hasText = hasText
        self.signature = signature
        self.facts = facts
        self.bandKeys = bandKeys
        self.at = at
    }

    /// The features of a complaint: its body (its subject when the body is
    /// empty); no text when the channel wrote the body (`Complaint.generatedBodyAttribute`).
    public init(of complaint: Complaint, rules: IdentityRules = IdentityRules()) {
        let text = !complaint.hasCustomerText ? "" : complaint.body.isEmpty ? (complaint.subject ?? "") : complaint.body
        let normalized = DedupText.normalize(text)
        let full = MinHashSignature(normalized: normalized)
        let topic = IncidentTopic.of(normalized)
        self.init(evidence: rules.identities(of: complaint),
                  textHash: Self.hash(normalized),
                  hasText: !normalized.isEmpty,
                  signature: full.values.map { UInt16(truncatingIfNeeded: $0) },
                  facts: DedupText.facts(normalized) + (topic.map { [IncidentTopic.fact($0)] } ?? []),
                  bandKeys: full.bandKeys(bands: Self.bands).map { Int64(bitPattern: $0) } + (topic.map { [IncidentTopic.bandKey($0)] } ?? []),
                  at: min(complaint.occurredAt ?? complaint.receivedAt, complaint.receivedAt),
                  escalationWords: complaint.hasCustomerText
                      ? rules.escalation.find(in: [text, complaint.subject ?? ""]) : [])
    }

    /// Keys under which one customer is known. Emails are compared lower-cased,
    /// phones in E.164 (as the normalizer stores them), handles lower-cased.
    /// Each with the field it came from.
    public static func identityKeys(of customer: Customer) -> [(key: String, field: String)] {
        var keys: [(String, String)] = []
        if let email = customer.email?.trimmingCharacters(in: .whitespaces).lowercased(), email.contains("@") {
            keys.append(("email:" + email, "customer.email"))
        }
        if let phone = customer.phone, !phone.isEmpty { keys.append(("phone:" + phone, "customer.phone")) }
        if let handle = customer.handle?.trimmingCharacters(in: .whitespaces).lowercased(), !handle.isEmpty {
            keys.append(("handle:" + handle, "customer.handle"))
        }
        if let account = customer.accountID?.trimmingCharacters(in: .whitespaces), !account.isEmpty {
            keys.append(("account:" + account, "customer.account_id"))
        }
        return keys
    }

    /// Estimated Jaccard similarity of two 16-bit signatures.
    public static func similarity(_ a: [UInt16], _ b: [UInt16]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var equal = 0
        for i in a.indices where a[i] == b[i] { equal += 1 }
        return Double(equal) / Double(a.count)
    }

    /// Whether two texts' numbers can describe the same facts: one's set of
    /// numbers contains the other's. "Order 12345 … 11-02" and "order 67890 …
    /// 11-09" contradict each other; a re-sent complaint that adds a phone
    /// number to a sign-off does not.
    public static func factsCompatible(_ a: [String], _ b: [String]) -> Bool {
        let sa = Set(a.filter { !$0.hasPrefix("~") }), sb = Set(b.filter { !$0.hasPrefix("~") })
        return sa.isSubset(of: sb) || sb.isSubset(of: sa)
    }

    /// The same for an incident cluster, on event facts only: reports from
    /// building 3 and building 10 of one outage are one incident
    /// (`DedupText.facts`), reports of outages from 14:00 and from 23:00 are not.
    public static func eventFactsCompatible(_ a: [String], _ b: [String]) -> Bool {
        factsCompatible(a.filter(DedupText.isEventFact), b.filter(DedupText.isEventFact))
    }

    /// The incident topic of a complaint (`IncidentTopic`), as its facts carry it.
    public static func topic(_ facts: [String]) -> String? {
        facts.last.flatMap { $0.hasPrefix("~") ? $0 : nil }
    }

    static func hash(_ text: String) -> Int64 {
        let digest = SHA256.hash(data: Array(text.utf8))
        return digest.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
    }
}
