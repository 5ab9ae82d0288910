import Foundation
import PostgresNIO
import GatewayCore

/// Identities and persons on PostgreSQL, statement by statement: what
/// `PostgresDedupIndex` does directly and `PostgresBatchIndex` does for what
/// it does not hold (see `SQLiteDedupIndex+identities` for the same on SQLite).
enum PostgresIdentityRows {
    static func record(_ cells: PostgresRandomAccessRow, offset: Int) throws -> IdentityRecord {
        let person = try cells.required(offset, Int64.self)
        let partners = try cells.required(offset + 1, String.self)
        return IdentityRecord(person: person == 0 ? nil : person,
                              partners: partners.isEmpty ? [] : partners.components(separatedBy: "\n"),
                              shared: try cells.required(offset + 2, Bool.self))
    }

    static func identities(_ keys: [String], tx: BlockingTransaction) throws -> [String: IdentityRecord] {
        guard !keys.isEmpty else { return [:] }
        var found: [String: IdentityRecord] = [:]
        for row in try tx.rows("SELECT key, person, partners, shared FROM dedup_identities WHERE key = ANY($1)", [keys]) {
            let cells = row.makeRandomAccess()
            found[try cells.required(0, String.self)] = try record(cells, offset: 1)
        }
        return found
    }

    static func save(_ records: [String: IdentityRecord], tx: BlockingTransaction) throws {
        guard !records.isEmpty else { return }
        let keys = Array(records.keys)
        try tx.execute("""
            INSERT INTO dedup_identities (key, person, partners, shared)
            SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::bool[])
            ON CONFLICT (key) DO UPDATE SET person = excluded.person, partners = excluded.partners, shared = excluded.shared
            """, [keys, keys.map { records[$0]!.person ?? 0 }, keys.map { records[$0]!.partners.joined(separator: "\n") },
                  keys.map { records[$0]!.shared }])
    }

    static func insertPersonKeys(_ keys: [(person: Int64, key: String)], tx: BlockingTransaction) throws {
        guard !keys.isEmpty else { return }
        try tx.execute("""
            INSERT INTO dedup_person_keys (person, key) SELECT * FROM unnest($1::int8[], $2::text[]) ON CONFLICT DO NOTHING
            """, [keys.map(\.person), keys.map(\.key)])
    }

    /// Makes persons `others` one with `target`: their identities, entries and cluster memberships.
    static func merge(_ others: some Sequence<Int64>, into target: Int64, tx: BlockingTransaction) throws {
        for other in others where other != target {
            try tx.execute("UPDATE dedup_identities SET person = $1 WHERE person = $2", [target, other])
            try tx.execute("UPDATE dedup_entries SET person = $1 WHERE person = $2", [target, other])
            try tx.execute("""
                INSERT INTO dedup_cluster_people (cluster, person)
                SELECT cluster, $1 FROM dedup_cluster_people WHERE person = $2 ON CONFLICT DO NOTHING
                """, [target, other])
            try tx.execute("DELETE FROM dedup_cluster_people WHERE person = $1", [other])
            try tx.execute("UPDATE dedup_person_keys SET merged_into = $1 WHERE person = $2 OR merged_into = $2", [target, other])
            // Two customers of a cluster may have been one person all along.
            try tx.execute("""
                UPDATE dedup_clusters k SET customers = (SELECT COUNT(*) FROM dedup_cluster_people p WHERE p.cluster = k.id)
                WHERE k.id IN (SELECT cluster FROM dedup_cluster_people WHERE person = $1)
                """, [target])
        }
    }

    static func identities(ofPerson person: Int64, tx: BlockingTransaction) throws -> [String: IdentityRecord] {
        var found: [String: IdentityRecord] = [:]
        for row in try tx.rows("SELECT key, person, partners, shared FROM dedup_identities WHERE person = $1", [person]) {
            let cells = row.makeRandomAccess()
            found[try cells.required(0, String.self)] = try record(cells, offset: 1)
        }
        return found
    }

    static func entryKeys(ofPerson person: Int64, tx: BlockingTransaction) throws -> [Int64: [String]] {
        var found: [Int64: [String]] = [:]
        for row in try tx.rows("SELECT id, keys FROM dedup_entries WHERE person = $1", [person]) {
            let cells = row.makeRandomAccess()
            let keys = try cells.required(1, String.self)
            found[try cells.required(0, Int64.self)] = keys.isEmpty ? [] : keys.components(separatedBy: "\n")
        }
        return found
    }

    static func reassign(person: Int64, identities: [String: Int64], entries: [Int64: Int64?], tx: BlockingTransaction) throws {
        let keys = identities.filter { $0.value != person }
        if !keys.isEmpty {
            try tx.execute("""
                UPDATE dedup_identities i SET person = t.person FROM unnest($1::text[], $2::int8[]) AS t(key, person) WHERE i.key = t.key
                """, [Array(keys.keys), keys.keys.map { keys[$0]! }])
        }
        let moved = entries.filter { $0.value != person }
        guard !moved.isEmpty else { return }
        let ids = Array(moved.keys)
        try tx.execute("""
            UPDATE dedup_entries e SET person = NULLIF(t.person, 0) FROM unnest($1::int8[], $2::int8[]) AS t(id, person) WHERE e.id = t.id
            """, [ids, ids.map { (moved[$0] ?? nil) ?? 0 }])
        // The clusters of the moved entries count their new persons, and the old
        // one only while it still has an entry there.
        let clusters = try tx.rows("""
            INSERT INTO dedup_cluster_people (cluster, person)
            SELECT COALESCE(e.cluster, e.id), COALESCE(e.person, -e.id) FROM dedup_entries e
            WHERE e.id = ANY($1) AND (e.cluster IS NOT NULL OR EXISTS (SELECT 1 FROM dedup_clusters k WHERE k.id = e.id))
            ON CONFLICT DO NOTHING RETURNING cluster
            """, [ids]).map { try $0.makeRandomAccess().required(0, Int64.self) }
        let affected = Array(Set(clusters))
        guard !affected.isEmpty else { return }
        try tx.execute("""
            DELETE FROM dedup_cluster_people p WHERE p.person = $2 AND p.cluster = ANY($1)
              AND NOT EXISTS (SELECT 1 FROM dedup_entries e WHERE (e.cluster = p.cluster OR e.id = p.cluster) AND e.person = $2)
            """, [affected, person])
        try tx.execute("""
            UPDATE dedup_clusters k SET customers = (SELECT COUNT(*) FROM dedup_cluster_people p WHERE p.cluster = k.id) WHERE k.id = ANY($1)
            """, [affected])
    }

    static func personKey(_ person: Int64, tx: BlockingTransaction) throws -> String? {
        try tx.scalar(String.self, "SELECT key FROM dedup_person_keys WHERE person = $1", [person])
    }

    static func salt(tx: BlockingTransaction) throws -> String {
        try tx.scalar(String.self, "SELECT salt FROM dedup_salt LIMIT 1") ?? ""
    }

    static func nextPerson(tx: BlockingTransaction) throws -> Int64 {
        guard let next = try tx.scalar(Int64.self, "SELECT nextval('dedup_persons')") else {
            throw PostgresStoreError("dedup_persons returned nothing")
        }
        return next
    }
}
