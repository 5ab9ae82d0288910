import Foundation
import GRDB
import GatewayCore

/// Identities and persons (`IdentityIndex`) over `dedup_identities`,
/// `dedup_person_keys` and the entries' `person` and `keys` columns.
extension SQLiteDedupIndex {
    func identities(_ keys: [String]) throws -> [String: IdentityRecord] {
        let find = try db.cachedStatement(sql: "SELECT person, partners, shared FROM dedup_identities WHERE key = ?")
        var found: [String: IdentityRecord] = [:]
        for key in keys {
            guard let row = try Row.fetchOne(find, arguments: [key]) else { continue }
            found[key] = Self.record(row, offset: 0)
        }
        return found
    }

    static func record(_ row: Row, offset: Int) -> IdentityRecord {
        let partners: String = row[offset + 1]
        let person: Int64 = row[offset]
        return IdentityRecord(person: person == 0 ? nil : person, partners: partners.isEmpty ? [] : partners.components(separatedBy: "\n"),
                              shared: row[offset + 2])
    }

    func save(_ records: [String: IdentityRecord]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO dedup_identities (key, person, partners, shared) VALUES (?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET person = excluded.person, partners = excluded.partners, shared = excluded.shared
            """)
        for (key, record) in records {
            // A shared key that never had a person keeps 0: it links nobody.
            try upsert.execute(arguments: [key, record.person ?? 0, record.partners.joined(separator: "\n"), record.shared])
        }
    }

    func newPerson(key: String) throws -> Int64 {
        let next = try Int64.fetchOne(db, sql: """
            SELECT MAX(COALESCE((SELECT MAX(person) FROM dedup_identities), 0), COALESCE((SELECT MAX(person) FROM dedup_person_keys), 0)) + 1
            """) ?? 1
        try db.execute(sql: "INSERT INTO dedup_person_keys (person, key) VALUES (?, ?)", arguments: [next, key])
        return next
    }

    func merge(_ others: [Int64], into target: Int64) throws {
        // One complaint carries identities of two persons: they are one customer.
        // Rare, and touches only the merged persons' rows (indexed by person).
        for other in others where other != target {
            try db.execute(sql: "UPDATE dedup_identities SET person = ? WHERE person = ?", arguments: [target, other])
            try db.execute(sql: "UPDATE dedup_entries SET person = ? WHERE person = ?", arguments: [target, other])
            try db.execute(sql: """
                INSERT OR IGNORE INTO dedup_cluster_people (cluster, person)
                SELECT cluster, ? FROM dedup_cluster_people WHERE person = ?
                """, arguments: [target, other])
            try db.execute(sql: "DELETE FROM dedup_cluster_people WHERE person = ?", arguments: [other])
            try db.execute(sql: "UPDATE dedup_person_keys SET merged_into = ? WHERE person = ? OR merged_into = ?",
                           arguments: [target, other, other])
            try recountCustomers(ofClustersOf: target)
        }
    }

    /// Clusters count distinct customers; a merge can make two of them one.
    private func recountCustomers(ofClustersOf person: Int64) throws {
        try db.execute(sql: """
            UPDATE dedup_clusters SET customers = (SELECT COUNT(*) FROM dedup_cluster_people p WHERE p.cluster = dedup_clusters.id)
            WHERE id IN (SELECT cluster FROM dedup_cluster_people WHERE person = ?)
            """, arguments: [person])
    }

    func identities(ofPerson person: Int64) throws -> [String: IdentityRecord] {
        var found: [String: IdentityRecord] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, person, partners, shared FROM dedup_identities WHERE person = ?",
                                    arguments: [person]) {
            found[row[0]] = Self.record(row, offset: 1)
        }
        return found
    }

    func entryKeys(ofPerson person: Int64) throws -> [Int64: [String]] {
        var found: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, keys FROM dedup_entries WHERE person = ?", arguments: [person]) {
            let keys: String = row[1]
            found[row[0]] = keys.isEmpty ? [] : keys.components(separatedBy: "\n")
        }
        return found
    }

    func reassign(person: Int64, identities: [String: Int64], entries: [Int64: Int64?]) throws {
        for (key, to) in identities where to != person {
            try db.execute(sql: "UPDATE dedup_identities SET person = ? WHERE key = ?", arguments: [to, key])
        }
        var clusters = Set<Int64>()
        for (entry, to) in entries where to != person {
            try db.execute(sql: "UPDATE dedup_entries SET person = ? WHERE id = ?", arguments: [to, entry])
            if let cluster = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(cluster, id) FROM dedup_entries WHERE id = ? AND (cluster IS NOT NULL OR id IN (SELECT id FROM dedup_clusters))
                """, arguments: [entry]) {
                try db.execute(sql: "INSERT OR IGNORE INTO dedup_cluster_people (cluster, person) VALUES (?, ?)",
                               arguments: [cluster, to ?? -entry])
                clusters.insert(cluster)
            }
        }
        for cluster in clusters {
            let still = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dedup_entries WHERE (cluster = ?1 OR id = ?1) AND person = ?2)",
                                          arguments: [cluster, person]) ?? false
            if !still { try db.execute(sql: "DELETE FROM dedup_cluster_people WHERE cluster = ? AND person = ?", arguments: [cluster, person]) }
            try db.execute(sql: "UPDATE dedup_clusters SET customers = (SELECT COUNT(*) FROM dedup_cluster_people WHERE cluster = ?1) WHERE id = ?1",
                           arguments: [cluster])
        }
    }

    func personKey(_ person: Int64, founding: () throws -> String) throws -> String {
        if let key = try String.fetchOne(db.cachedStatement(sql: "SELECT key FROM dedup_person_keys WHERE person = ?"), arguments: [person]) {
            return key
        }
        let key = PersonKey.make(founding: try founding(), salt: try personSalt())
        try db.execute(sql: "INSERT OR IGNORE INTO dedup_person_keys (person, key) VALUES (?, ?)", arguments: [person, key])
        return key
    }

    func personSalt() throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT salt FROM dedup_salt")) ?? ""
    }
}
