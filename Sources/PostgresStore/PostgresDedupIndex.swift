import Foundation
import PostgresNIO
import ComplaintModel
import GatewayCore

/// The dedup index over the `dedup_*` tables, statement by statement, used
/// inside one transaction holding the commit lock (no other instance changes
/// the index meanwhile) by `dedup rebuild`; commits decide a batch at a time
/// with `PostgresBatchIndex`. The same lookups as `SQLiteDedupIndex`, each one
/// index seek with a limit, written for PostgreSQL (arrays instead of IN lists).
final class PostgresDedupIndex: DedupIndex, PostgresIncidentIndex {
    let tx: BlockingTransaction
    /// The entry `add` stored last, for the store to link it to its complaint.
    private(set) var lastEntry: Int64?
    /// Clusters flagged as mass complaints in this transaction (their public ids).
    private(set) var flagged: [String] = []
    /// Incident levels raised in this transaction (`PostgresIncidentRows`).
    var raised: [IncidentRaise] = []
    var signalled: [CustomerSignal] = []
    var signalTimes: [String: Date?] = [:]

    /// The clusters flagged since the last call (one input's, in a group commit).
    func takeFlagged() -> [String] {
        defer { flagged = [] }
        return flagged
    }

    init(_ tx: BlockingTransaction) {
        self.tx = tx
    }

    func resetLastEntry() {
        lastEntry = nil
    }

    static func day(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    func identities(_ keys: [String]) throws -> [String: IdentityRecord] {
        try PostgresIdentityRows.identities(keys, tx: tx)
    }

    func save(_ records: [String: IdentityRecord]) throws {
        try PostgresIdentityRows.save(records, tx: tx)
    }

    func newPerson(key: String) throws -> Int64 {
        let person = try PostgresIdentityRows.nextPerson(tx: tx)
        try PostgresIdentityRows.insertPersonKeys([(person, key)], tx: tx)
        return person
    }

    func merge(_ others: [Int64], into target: Int64) throws {
        try PostgresIdentityRows.merge(others, into: target, tx: tx)
    }

    func identities(ofPerson person: Int64) throws -> [String: IdentityRecord] {
        try PostgresIdentityRows.identities(ofPerson: person, tx: tx)
    }

    func entryKeys(ofPerson person: Int64) throws -> [Int64: [String]] {
        try PostgresIdentityRows.entryKeys(ofPerson: person, tx: tx)
    }

    func reassign(person: Int64, identities: [String: Int64], entries: [Int64: Int64?]) throws {
        try PostgresIdentityRows.reassign(person: person, identities: identities, entries: entries, tx: tx)
    }

    func personKey(_ person: Int64, founding: () throws -> String) throws -> String {
        if let key = try PostgresIdentityRows.personKey(person, tx: tx) { return key }
        let key = PersonKey.make(founding: try founding(), salt: try personSalt())
        try PostgresIdentityRows.insertPersonKeys([(person, key)], tx: tx)
        return key
    }

    func personSalt() throws -> String {
        try PostgresIdentityRows.salt(tx: tx)
    }

    func entries(person: Int64, in interval: ClosedRange<Date>, limit: Int) throws -> [DedupEntry] {
        try tx.rows("""
            SELECT \(PostgresEntryRows.columns)
            FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster
            WHERE e.person = $1 AND e.at BETWEEN $2 AND $3 ORDER BY e.at DESC, e.id DESC LIMIT $4
            """, [person, interval.lowerBound.timeIntervalSince1970, interval.upperBound.timeIntervalSince1970, Int64(limit)])
            .map(PostgresEntryRows.entry)
    }

    /// Candidates decoded per LSH lookup, the ones sharing the most buckets first
    /// (as in `SQLiteDedupIndex`).
    static let maxBandCandidates = 8

    func entries(sharingBands bandKeys: [Int64], in interval: ClosedRange<Date>, perBand: Int) throws -> [DedupEntry] {
        guard !bandKeys.isEmpty else { return [] }
        let days = Array(Self.day(interval.lowerBound)...Self.day(interval.upperBound))
        // For each (day, key): a seek to the end of its bucket for the newest few
        // entries; the entries sharing the most buckets are read in full.
        return try tx.rows("""
            WITH hits AS (
                SELECT b.entry, COUNT(*) AS shared
                FROM unnest($1::int8[]) AS d(day) CROSS JOIN unnest($2::int8[]) AS k(key)
                CROSS JOIN LATERAL (SELECT entry FROM dedup_bands
                                    WHERE day = d.day AND key = k.key ORDER BY entry DESC LIMIT $3) b
                GROUP BY b.entry ORDER BY shared DESC, b.entry DESC LIMIT $4
            )
            SELECT \(PostgresEntryRows.columns)
            FROM hits h JOIN dedup_entries e ON e.id = h.entry LEFT JOIN dedup_clusters c ON c.id = e.cluster
            WHERE e.at BETWEEN $5 AND $6
            ORDER BY h.shared DESC, e.id DESC
            """, [days, bandKeys, Int64(perBand), Int64(Self.maxBandCandidates),
                  interval.lowerBound.timeIntervalSince1970, interval.upperBound.timeIntervalSince1970]).map(PostgresEntryRows.entry)
    }

    /// One entry by id.
    func entry(id: Int64) throws -> DedupEntry? {
        try tx.rows("""
            SELECT \(PostgresEntryRows.columns)
            FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster WHERE e.id = $1
            """, [id]).first.map(PostgresEntryRows.entry)
    }

    func add(_ new: NewDedupEntry) throws -> ClusterMembership {
        let f = new.features
        let at = f.at.timeIntervalSince1970
        let root = new.dedup.of.flatMap { $0 == new.complaintID ? nil : $0 }
        guard let id = try tx.scalar(Int64.self, """
            INSERT INTO dedup_entries (complaint_id, person, at, text_hash, signature, facts, status, root, cluster, bands, keys)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """, [new.complaintID, new.person, at, f.textHash, SignatureBytes.encode(f.signature),
                  f.facts.joined(separator: ","), new.dedup.status.rawValue, root, new.cluster, BandKeyBytes.encode(f.bandKeys),
                  f.identityKeys.joined(separator: "\n")]) else {
            throw PostgresStoreError("dedup entry insert returned no id")
        }
        lastEntry = id
        if !f.bandKeys.isEmpty {
            try tx.execute("INSERT INTO dedup_bands (day, key, entry) SELECT $1, k, $2 FROM unnest($3::int8[]) k ON CONFLICT DO NOTHING",
                           [Self.day(f.at), id, f.bandKeys])
        }
        guard let cluster = new.cluster else {
            return ClusterMembership(entry: id, cluster: id, clusterComplaintID: new.complaintID, size: 1)
        }
        // A lone complaint has no cluster row; the first to join it creates one,
        // with its founder as first customer.
        try tx.execute("""
            INSERT INTO dedup_clusters (id, complaint_id, size, customers, first_seen, last_seen)
            SELECT id, complaint_id, 1, 1, at, at FROM dedup_entries WHERE id = $1
            ON CONFLICT (id) DO NOTHING
            """, [cluster])
        try tx.execute("""
            INSERT INTO dedup_cluster_people (cluster, person)
            SELECT $1, COALESCE(person, -id) FROM dedup_entries WHERE id = $1 ON CONFLICT DO NOTHING
            """, [cluster])
        let newCustomer = try tx.execute("INSERT INTO dedup_cluster_people (cluster, person) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                         [cluster, new.person ?? -id]) > 0 ? 1 : 0
        guard let row = try tx.rows("""
            UPDATE dedup_clusters SET size = size + 1, customers = customers + $1, last_seen = GREATEST(last_seen, $2),
                   first_seen = LEAST(first_seen, $2)
            WHERE id = $3 RETURNING size, complaint_id, flagged_at
            """, [Int64(newCustomer), at, cluster]).first else {
            throw PostgresStoreError("dedup cluster \(cluster) has no entry")
        }
        let cells = row.makeRandomAccess()
        return ClusterMembership(entry: id, cluster: cluster, clusterComplaintID: try cells.required(1, String.self),
                                 size: Int(try cells.required(0, Int32.self)),
                                 flaggedAt: try cells.at(2, Double.self).map(Date.init(timeIntervalSince1970:)))
    }

    func recentCustomers(cluster: Int64, since: Date, cap: Int) throws -> Int {
        Int(try tx.scalar(Int64.self, """
            SELECT COUNT(*) FROM (
                SELECT DISTINCT COALESCE(person, -id) FROM dedup_entries
                WHERE (cluster = $1 OR id = $1) AND at >= $2 LIMIT $3) AS recent
            """, [cluster, since.timeIntervalSince1970, Int64(cap)]) ?? 0)
    }

    func flagMassComplaint(cluster: Int64, at: Date, since: Date, customers: Int) throws -> Bool {
        guard let id = try tx.scalar(String.self, """
            UPDATE dedup_clusters SET flagged_at = $1, flagged_customers = $2
            WHERE id = $3 AND (flagged_at IS NULL OR flagged_at < $4) RETURNING complaint_id
            """, [at.timeIntervalSince1970, Int64(customers), cluster, since.timeIntervalSince1970]) else { return false }
        flagged.append(id)
        return true
    }

    /// Empties the index (before a rebuild).
    static func clear(_ tx: BlockingTransaction) throws {
        try tx.execute("TRUNCATE dedup_identities, dedup_entries, dedup_bands, dedup_clusters, dedup_cluster_people, dedup_person_keys")
        try tx.execute("UPDATE complaints SET dedup_entry = NULL WHERE dedup_entry IS NOT NULL")
    }
}
