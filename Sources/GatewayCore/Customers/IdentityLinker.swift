import Foundation
import ComplaintModel

/// Links a complaint's identities into one person without ever chaining two
/// customers together through a key they share.
///
/// - Only keys that may link reach here (`IdentityRules`: no landlines,
///   placeholders or the organisation's own numbers).
/// - Every key remembers the other keys it was seen with. A key seen with
///   more than `shared_key_identities` of them (an account code on every
///   caller of a trunk, a family's shared account with many phones, a
///   mobile in many colleagues' signatures) becomes **shared**: it links
///   nobody from then on, and the person it had joined is split back into
///   the parts that are linked without it (`split`).
/// - A weak key (an account id, a number found in a text) that alone would
///   join a complaint to a person when each has another personal number or
///   address is shared at once: it was just seen on two customers; an
///   account alone does not bring its holder a new phone or address
///   (`weakLinks`).
/// - The remaining keys join one person; persons known apart that a
///   complaint carries keys of are merged (its keys are evidence of both).
///
/// Bounded: a complaint has few keys, a key keeps at most one partner more
/// than the bound, and a split touches one person's rows.
public struct IdentityLinker {
    public var sharedAbove: Int

    public init(sharedAbove: Int) {
        self.sharedAbove = sharedAbove
    }

    /// The person of a complaint with these identities (nil when none links),
    /// and the evidence that linked it.
    public func link(_ evidence: [PersonEvidence], index: some IdentityIndex) throws -> (person: PersonLink, evidence: [PersonEvidence])? {
        let keys = evidence.map(\.key)
        guard !keys.isEmpty else { return nil }
        var records = try index.identities(keys)
        var changed: [String: IdentityRecord] = [:]
        var split: [Int64] = []
        if keys.count > 1 {
            for key in keys {
                var record = records[key] ?? IdentityRecord()
                guard !record.shared else { continue }
                let new = keys.filter { $0 != key && !record.partners.contains($0) }
                guard !new.isEmpty else { continue }
                record.partners += new
                if record.partners.count > sharedAbove {
                    record.shared = true
                    record.partners = []
                    if let person = record.person, !split.contains(person) { split.append(person) }
                }
                records[key] = record
                changed[key] = record
            }
        }
        if !changed.isEmpty { try index.save(changed) }
        if !split.isEmpty {
            for person in split { try self.split(person, index: index) }
            records = try index.identities(keys)
        }
        // A weak key found joining two customers is shared from now on, as one seen with too many;
        // an account alone does not bring a new phone or address to its holder.
        let weak = try weakLinks(keys.filter { !(records[$0]?.shared ?? false) }, of: evidence, records: records, index: index)
        if !weak.contradicted.isEmpty {
            try index.save(Dictionary(uniqueKeysWithValues: weak.contradicted.map { key, person in
                (key, IdentityRecord(person: person, partners: [], shared: true))
            }))
            for person in Set(weak.contradicted.values).sorted() { try self.split(person, index: index) }
            records = try index.identities(keys)
        }
        let linking = keys.filter { !(records[$0]?.shared ?? false) && !weak.uncorroborated.contains($0) }
        guard let first = linking.first else { return nil }
        let persons = Array(Set(linking.compactMap { records[$0]?.person })).sorted()
        let salt = try index.personSalt()
        let target: Int64
        if let oldest = persons.first {
            target = oldest
            if persons.count > 1 { try index.merge(Array(persons.dropFirst()), into: target) }
        } else {
            target = try index.newPerson(key: PersonKey.make(founding: first, salt: salt))
        }
        var assigned: [String: IdentityRecord] = [:]
        for key in linking where records[key]?.person == nil {
            var record = records[key] ?? IdentityRecord()
            record.person = target
            assigned[key] = record
        }
        if !assigned.isEmpty { try index.save(assigned) }
        let key = try index.personKey(target) {
            try index.identities(ofPerson: target).keys.min() ?? first
        }
        return (PersonLink(id: target, key: key), evidence.filter { linking.contains($0.key) })
    }

    /// The keys of `linking` that would join a person on weak evidence alone.
    /// An account id, or a number or address found in a text, is weak: a
    /// trunk's account code, a family's account, a duty mobile in colleagues'
    /// signatures.
    ///
    /// - `contradicted`: the only keys a complaint shares with a person are
    ///   weak, and the complaint and the person each have a different
    ///   personal number (or email address). They are two customers who share
    ///   something, not one: the weak keys are shared from then on.
    /// - `uncorroborated`: the only keys shared are account ids, and the
    ///   complaint brings a phone or an address the person does not have (a
    ///   family member on the household's account, a colleague on the
    ///   company's). The complaint is not joined through them this time.
    ///
    /// A personal key from a customer field (a form's email, a caller's
    /// mobile) links on its own; so does a number found in a text when
    /// nothing contradicts it (the mobile in a signature, then a call from it).
    func weakLinks(_ linking: [String], of evidence: [PersonEvidence], records: [String: IdentityRecord],
                   index: some IdentityIndex) throws -> (contradicted: [String: Int64], uncorroborated: Set<String>) {
        let weak = Set(evidence.filter(Self.isWeak).map(\.key))
        guard !weak.isEmpty else { return ([:], []) }
        let keys = Set(evidence.map(\.key))
        var contradicted: [String: Int64] = [:]
        var uncorroborated = Set<String>()
        for person in Set(linking.compactMap { records[$0]?.person }) {
            let agreeing = linking.filter { records[$0]?.person == person }
            guard agreeing.allSatisfy(weak.contains) else { continue }
            let newToThem = keys.subtracting(agreeing).filter { Self.family($0) != nil && records[$0]?.person != person }
            guard !newToThem.isEmpty else { continue }
            let theirs = try index.identities(ofPerson: person).filter { !$0.value.shared && !keys.contains($0.key) }.keys
            let families = Set(theirs.compactMap(Self.family))
            if newToThem.contains(where: { Self.family($0).map(families.contains) ?? false }) {
                for key in agreeing { contradicted[key] = person }
            } else if agreeing.allSatisfy({ $0.hasPrefix("account:") }) {
                uncorroborated.formUnion(agreeing)
            }
        }
        return (contradicted, uncorroborated)
    }

    /// An account id, or anything found in a text rather than a customer field.
    static func isWeak(_ evidence: PersonEvidence) -> Bool {
        evidence.kind == IdentityKind.account.rawValue || !evidence.foundIn.hasPrefix("customer.")
    }

    /// Keys one customer normally has one of at a time, compared for contradiction.
    static func family(_ key: String) -> String? {
        if key.hasPrefix("phone:") { return "phone" }
        if key.hasPrefix("email:") { return "email" }
        return nil
    }

    /// Splits `person` into the groups of its identities still linked
    /// without its shared keys: the largest keeps the person (and its key),
    /// each other group becomes a person of its own, and each entry goes to
    /// the group of its first identity that still links (none: no person).
    func split(_ person: Int64, index: some IdentityIndex) throws {
        let members = try index.identities(ofPerson: person)
        let linking = members.filter { !$0.value.shared }
        var parent = Dictionary(uniqueKeysWithValues: linking.keys.map { ($0, $0) })
        func root(_ key: String) -> String {
            var k = key
            while let p = parent[k], p != k { k = p }
            return k
        }
        for (key, record) in linking {
            for partner in record.partners where parent[partner] != nil {
                let a = root(key), b = root(partner)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var groups: [String: [String]] = [:]
        for key in linking.keys { groups[root(key), default: []].append(key) }
        // The largest group keeps the person; among equals the one with the smallest key.
        let ordered = groups.values.map { $0.sorted() }.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        let salt = try index.personSalt()
        var personOf: [String: Int64] = [:]
        for (i, group) in ordered.enumerated() {
            let id = i == 0 ? person : try index.newPerson(key: PersonKey.make(founding: group[0], salt: salt))
            for key in group { personOf[key] = id }
        }
        var entries: [Int64: Int64?] = [:]
        for (entry, keys) in try index.entryKeys(ofPerson: person) {
            entries.updateValue(keys.lazy.compactMap { personOf[$0] }.first, forKey: entry)
        }
        try index.reassign(person: person, identities: personOf, entries: entries)
    }
}
