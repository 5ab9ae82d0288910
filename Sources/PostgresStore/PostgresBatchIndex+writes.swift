import Foundation
import NIOCore
import PostgresNIO
import ComplaintModel
import GatewayCore

/// What a batch's decisions wrote, kept until the end of the transaction.
struct PendingDedupWrites {
    struct Entry {
        var id: Int64
        var complaintID: String
        var person: Int64?
        var at: Double
        var textHash: Int64
        var signature: Data
        var facts: String
        var status: String
        var root: String?
        var cluster: Int64?
        var day: Int64
        var bands: [Int64]
        /// Its identity keys, newline-separated.
        var keys: String
    }

    var identities: [String: IdentityRecord] = [:]
    var personKeys: [(person: Int64, key: String)] = []
    private(set) var entries: [Entry] = []
    /// Where each pending entry is in `entries`, by id.
    private(set) var positions: [Int64: Int] = [:]
    var people: [(cluster: Int64, person: Int64)] = []

    var isEmpty: Bool { identities.isEmpty && personKeys.isEmpty && entries.isEmpty && people.isEmpty }

    mutating func append(_ entry: Entry) {
        positions[entry.id] = entries.count
        entries.append(entry)
    }
}

/// A cluster joined in this batch: its counters as they will be written.
struct ClusterState {
    var complaintID: String
    var size: Int
    var customers: Int
    var firstSeen: Double
    var lastSeen: Double
    var flaggedAt: Double?
    var flaggedCustomers: Int?
    /// Customers known to be in it; `checked` were asked about (the others
    /// among them are not in it), and when `complete` no one else is.
    var members: Set<Int64>
    var checked: Set<Int64>
    var complete: Bool
    var dirty = false
    /// Each customer's latest complaint in the cluster, complete for times at
    /// or after `recentSince` (read when the mass-complaint rule first asks).
    var latest: [Int64: Double] = [:]
    var recentSince: Double?
    /// A cluster without a row yet: its founder, recorded as its first customer when one joins.
    var founder: Int64?
}

/// Ids drawn from a sequence a chunk at a time (one round trip per chunk);
/// unused ones are gaps, which these ids may have.
struct IDPool {
    let sequence: String
    private var available: [Int64] = []
    private var chunk = 64

    init(sequence: String) {
        self.sequence = sequence
    }

    mutating func next(_ tx: BlockingTransaction) throws -> Int64 {
        if available.isEmpty {
            available = try tx.rows("SELECT nextval('\(sequence)') FROM generate_series(1, $1) ORDER BY 1 DESC", [Int64(chunk)])
                .map { try $0.makeRandomAccess().required(0, Int64.self) }
            chunk = min(chunk * 2, 4096)
        }
        guard let id = available.popLast() else { throw PostgresStoreError("\(sequence) returned no values") }
        return id
    }
}

extension PostgresBatchIndex {
    static let wholeClusterPeople = 4_096

    /// The cluster `id` as this batch has it, read from the store the first time.
    func clusterState(_ id: Int64) throws -> ClusterState {
        if let state = clusters[id] { return state }
        try loadClusters([id])
        guard let state = clusters[id] else { throw PostgresStoreError("dedup cluster \(id) has no entry") }
        return state
    }

    /// Reads the clusters `ids` not read yet, in two statements.
    func loadClusters(_ ids: some Collection<Int64>) throws {
        let wanted = ids.filter { clusters[$0] == nil }
        guard !wanted.isEmpty else { return }
        // A complaint stored in this batch founds a cluster nobody has joined yet.
        var founders: [Int64: (complaintID: String, customer: Int64, at: Double)] = [:]
        for id in wanted {
            if let position = pending.positions[id] {
                let entry = pending.entries[position]
                founders[id] = (entry.complaintID, entry.person ?? -id, entry.at)
            }
        }
        let stored = wanted.filter { founders[$0] == nil }
        if !stored.isEmpty { try readClusters(stored) }
        let unread = stored.filter { clusters[$0] == nil }
        if !unread.isEmpty {
            for row in try tx.rows("SELECT id, complaint_id, person, at FROM dedup_entries WHERE id = ANY($1)", [unread]) {
                let cells = row.makeRandomAccess()
                let id = try cells.required(0, Int64.self)
                founders[id] = (try cells.required(1), try cells.at(2, Int64.self) ?? -id, try cells.required(3))
            }
        }
        // A lone complaint has no cluster row; the first to join it creates one,
        // with its founder as first customer.
        for (id, founder) in founders {
            clusters[id] = ClusterState(complaintID: founder.complaintID, size: 1, customers: 1, firstSeen: founder.at,
                                        lastSeen: founder.at, members: [founder.customer], checked: [], complete: true,
                                        latest: [founder.customer: founder.at], recentSince: -.infinity, founder: founder.customer)
        }
    }

    /// Reads the stored clusters among `ids` (a lone complaint has no row).
    private func readClusters(_ ids: [Int64]) throws {
        // The batch's customers already known to the store: which of them each cluster counts.
        let known = Array(Set(records.values.compactMap(\.person)).subtracting(createdPersons))
        // A cluster of up to `wholeClusterPeople` customers is read whole (one range
        // of the index); a larger one only for the batch's customers. With each, its
        // customers' latest complaints since the batch's mass-complaint window opened.
        let since = customersSince ?? .infinity
        for row in try tx.rows("""
            SELECT k.id, k.complaint_id, k.size, k.customers, k.first_seen, k.last_seen, k.flagged_at, k.flagged_customers,
                   k.customers <= $3,
                   CASE WHEN k.customers <= $3 THEN ARRAY(SELECT person FROM dedup_cluster_people WHERE cluster = k.id)
                        ELSE ARRAY(SELECT person FROM dedup_cluster_people WHERE cluster = k.id AND person = ANY($2)) END,
                   ARRAY(SELECT COALESCE(person, -id) FROM dedup_entries
                         WHERE (cluster = k.id OR id = k.id) AND at >= $4 GROUP BY 1 ORDER BY 1),
                   ARRAY(SELECT MAX(at) FROM dedup_entries
                         WHERE (cluster = k.id OR id = k.id) AND at >= $4 GROUP BY COALESCE(person, -id) ORDER BY COALESCE(person, -id))
            FROM dedup_clusters k WHERE k.id = ANY($1)
            """, [ids, known, Int32(Self.wholeClusterPeople), since]) {
            let cells = row.makeRandomAccess()
            var state = ClusterState(complaintID: try cells.required(1), size: Int(try cells.required(2, Int32.self)),
                                     customers: Int(try cells.required(3, Int32.self)), firstSeen: try cells.required(4),
                                     lastSeen: try cells.required(5), flaggedAt: try cells.at(6, Double.self),
                                     flaggedCustomers: try cells.at(7, Int32.self).map(Int.init),
                                     members: Set(try cells.required(9, [Int64].self)), checked: Set(known),
                                     complete: try cells.required(8, Bool.self))
            let customers = try cells.required(10, [Int64].self), latest = try cells.required(11, [Double].self)
            for (customer, at) in zip(customers, latest) { state.latest[customer] = at }
            state.recentSince = customersSince
            clusters[try cells.required(0, Int64.self)] = state
        }
    }

    /// Whether the cluster already counts `customer` (a person, or an entry's
    /// negative id for a complaint without one).
    func isMember(_ customer: Int64, of cluster: Int64, state: inout ClusterState) throws -> Bool {
        if state.members.contains(customer) { return true }
        // New persons and complaints without one are in no stored cluster.
        if state.complete || state.checked.contains(customer) || customer < 0 || createdPersons.contains(customer) { return false }
        let found = try tx.rows("SELECT 1 FROM dedup_cluster_people WHERE cluster = $1 AND person = $2", [cluster, customer]).first != nil
        state.checked.insert(customer)
        if found { state.members.insert(customer) }
        return found
    }

    /// Writes everything pending: one statement per table.
    func flush() throws {
        let dirty = clusters.filter(\.value.dirty)
        guard !pending.isEmpty || !dirty.isEmpty else { return }
        try PostgresIdentityRows.save(pending.identities, tx: tx)
        try PostgresIdentityRows.insertPersonKeys(pending.personKeys, tx: tx)
        let entries = pending.entries
        if !entries.isEmpty {
            // NULLs travel as 0 and "" (no entry, person or cluster id is 0).
            try tx.execute("""
                INSERT INTO dedup_entries (id, complaint_id, person, at, text_hash, signature, facts, status, root, cluster, bands, keys)
                SELECT id, complaint_id, NULLIF(person, 0), at, text_hash, signature, facts, status, NULLIF(root, ''),
                       NULLIF(cluster, 0), bands, keys
                FROM unnest($1::int8[], $2::text[], $3::int8[], $4::float8[], $5::int8[], $6::bytea[], $7::text[], $8::text[],
                            $9::text[], $10::int8[], $11::bytea[], $12::text[])
                     AS t(id, complaint_id, person, at, text_hash, signature, facts, status, root, cluster, bands, keys)
                """, [entries.map(\.id), entries.map(\.complaintID), entries.map { $0.person ?? 0 }, entries.map(\.at),
                      entries.map(\.textHash), entries.map { ByteBuffer(data: $0.signature) }, entries.map(\.facts),
                      entries.map(\.status), entries.map { $0.root ?? "" }, entries.map { $0.cluster ?? 0 },
                      entries.map { ByteBuffer(data: BandKeyBytes.encode($0.bands)) }, entries.map(\.keys)])
            // New entries: no row can exist yet, and each entry's keys are made
            // distinct here, so a plain insert (ON CONFLICT doubled its cost).
            let bands = entries.flatMap { entry in Set(entry.bands).map { (entry.day, $0, entry.id) } }
            if !bands.isEmpty {
                try tx.execute("""
                    INSERT INTO dedup_bands (day, key, entry) SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[])
                    """, [bands.map(\.0), bands.map(\.1), bands.map(\.2)])
            }
        }
        if !dirty.isEmpty {
            let ids = Array(dirty.keys), states = ids.map { dirty[$0]! }
            try tx.execute("""
                INSERT INTO dedup_clusters (id, complaint_id, size, customers, first_seen, last_seen, flagged_at, flagged_customers)
                SELECT id, complaint_id, size, customers, first_seen, last_seen, NULLIF(flagged_at, 'NaN'), NULLIF(flagged_customers, 0)
                FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int4[], $5::float8[], $6::float8[], $7::float8[], $8::int4[])
                     AS t(id, complaint_id, size, customers, first_seen, last_seen, flagged_at, flagged_customers)
                ON CONFLICT (id) DO UPDATE SET size = EXCLUDED.size, customers = EXCLUDED.customers,
                    first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
                    flagged_at = EXCLUDED.flagged_at, flagged_customers = EXCLUDED.flagged_customers
                """, [ids, states.map(\.complaintID), states.map { Int32($0.size) }, states.map { Int32($0.customers) },
                      states.map(\.firstSeen), states.map(\.lastSeen), states.map { $0.flaggedAt ?? .nan },
                      states.map { Int32($0.flaggedCustomers ?? 0) }])
            for id in ids { clusters[id]?.dirty = false }
        }
        if !pending.people.isEmpty {
            try tx.execute("""
                INSERT INTO dedup_cluster_people (cluster, person) SELECT * FROM unnest($1::int8[], $2::int8[]) ON CONFLICT DO NOTHING
                """, [pending.people.map(\.cluster), pending.people.map(\.person)])
        }
        pending = PendingDedupWrites()
    }
}

/// A `dedup_entries` row as the dedup stage reads it (shared by both
/// PostgreSQL indexes).
enum PostgresEntryRows {
    static let columns = """
        e.id, e.complaint_id, e.person, e.at, e.text_hash, e.signature, e.facts,
        COALESCE(e.root, e.complaint_id), COALESCE(e.cluster, e.id), COALESCE(c.complaint_id, e.complaint_id)
        """

    static func entry(_ row: PostgresRow) throws -> DedupEntry {
        let cells = row.makeRandomAccess()
        let facts = try cells.required(6, String.self)
        return DedupEntry(id: try cells.required(0), complaintID: try cells.required(1), person: try cells.at(2, Int64.self),
                          at: Date(timeIntervalSince1970: try cells.required(3, Double.self)), textHash: try cells.required(4),
                          signature: SignatureBytes.decode(try cells.required(5, Data.self)),
                          facts: facts.isEmpty ? [] : facts.split(separator: ",").map(String.init),
                          root: try cells.required(7), cluster: try cells.required(8), clusterComplaintID: try cells.required(9))
    }
}
