import Foundation
import GatewayCore

/// Identities and persons for a batch (`IdentityIndex`): lookups answered
/// from what `prefetch` read and the batch wrote, writes kept for `flush`;
/// merges and splits, which are rare, written through at once, after which
/// everything known about persons is read again.
extension PostgresBatchIndex {
    func identities(_ keys: [String]) throws -> [String: IdentityRecord] {
        let unknown = keys.filter { !knownKeys.contains($0) }
        if !unknown.isEmpty {
            records.merge(try PostgresIdentityRows.identities(unknown, tx: tx)) { $1 }
            knownKeys.formUnion(unknown)
        }
        var found: [String: IdentityRecord] = [:]
        for key in keys { if let record = records[key] { found[key] = record } }
        return found
    }

    func save(_ changed: [String: IdentityRecord]) throws {
        for (key, record) in changed {
            records[key] = record
            knownKeys.insert(key)
            pending.identities[key] = record
        }
    }

    func newPerson(key: String) throws -> Int64 {
        let person = try personIDs.next(tx)
        createdPersons.insert(person)
        personKeys[person] = key
        pending.personKeys.append((person, key))
        return person
    }

    func merge(_ others: [Int64], into target: Int64) throws {
        try flush()
        try PostgresIdentityRows.merge(others, into: target, tx: tx)
        forgetPersons()
    }

    func identities(ofPerson person: Int64) throws -> [String: IdentityRecord] {
        try flush()
        return try PostgresIdentityRows.identities(ofPerson: person, tx: tx)
    }

    func entryKeys(ofPerson person: Int64) throws -> [Int64: [String]] {
        try flush()
        return try PostgresIdentityRows.entryKeys(ofPerson: person, tx: tx)
    }

    func reassign(person: Int64, identities: [String: Int64], entries: [Int64: Int64?]) throws {
        try flush()
        try PostgresIdentityRows.reassign(person: person, identities: identities, entries: entries, tx: tx)
        forgetPersons()
    }

    func personKey(_ person: Int64, founding: () throws -> String) throws -> String {
        if let key = personKeys[person] { return key }
        if !createdPersons.contains(person), let key = try PostgresIdentityRows.personKey(person, tx: tx) {
            personKeys[person] = key
            return key
        }
        let key = PersonKey.make(founding: try founding(), salt: try personSalt())
        personKeys[person] = key
        pending.personKeys.append((person, key))
        return key
    }

    func personSalt() throws -> String {
        if let salt { return salt }
        let read = try PostgresIdentityRows.salt(tx: tx)
        salt = read
        return read
    }
}
