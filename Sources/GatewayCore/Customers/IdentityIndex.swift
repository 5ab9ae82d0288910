import Foundation

/// One identity key as the store keeps it.
public struct IdentityRecord: Sendable, Equatable {
    /// The person it links to (kept, but ignored, once the key is shared).
    public var person: Int64?
    /// The other identities it was seen with, up to one more than the
    /// `shared_key_identities` bound (then it is shared and the list is dropped).
    public var partners: [String]
    /// Seen with too many identities to say whose it is: links nobody.
    public var shared: Bool

    public init(person: Int64? = nil, partners: [String] = [], shared: Bool = false) {
        self.person = person
        self.partners = partners
        self.shared = shared
    }
}

/// The identity half of the dedup index: keys, persons, and the entries
/// that belong to a person. Each store engine implements it over its own
/// tables, inside the write transaction; `IdentityLinker` decides with it.
public protocol IdentityIndex {
    /// The stored records of those of `keys` that are known.
    func identities(_ keys: [String]) throws -> [String: IdentityRecord]
    /// Inserts or replaces records.
    func save(_ records: [String: IdentityRecord]) throws
    /// A new person, whose public key is `key`.
    func newPerson(key: String) throws -> Int64
    /// Makes `others` one person with `target`: identities, entries, cluster memberships.
    func merge(_ others: [Int64], into target: Int64) throws
    /// Every identity of `person`.
    func identities(ofPerson person: Int64) throws -> [String: IdentityRecord]
    /// The identity keys of each of `person`'s entries, by entry id.
    func entryKeys(ofPerson person: Int64) throws -> [Int64: [String]]
    /// Moves identities and entries of `person` to the persons given (nil:
    /// no person), and recounts the customers of the clusters they are in.
    func reassign(person: Int64, identities: [String: Int64], entries: [Int64: Int64?]) throws
    /// The public key of a person (`p-…`), made from `founding` the first
    /// time a person without one is asked for (a store from before keys).
    func personKey(_ person: Int64, founding: () throws -> String) throws -> String
    /// The secret the store's person keys are made with.
    func personSalt() throws -> String
}

/// The person a complaint was linked to.
public struct PersonLink: Sendable, Equatable {
    public var id: Int64
    /// The public key: the same for all of the person's complaints.
    public var key: String
    public init(id: Int64, key: String) {
        self.id = id
        self.key = key
    }
}
