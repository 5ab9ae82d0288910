import Foundation
import GRDB
import Synchronization
import ComplaintModel
import GatewayCore

/// The dedup index over the `dedup_*` tables, used inside one write
/// transaction (it holds the transaction's `Database`).
///
/// Every lookup is an index seek with a limit: by person and time, by LSH key
/// within a day, by entry id. See `SQLiteMigrations` v5 for the tables.
final class SQLiteDedupIndex: CommitDedupIndex {
    let db: Database
    /// The store's in-memory mirror of recent LSH buckets; nil reads the table.
    let workingSet: DedupWorkingSet?
    /// The entry `add` stored last, for the store to link it to its complaint.
    private(set) var lastEntry: Int64?
    /// Clusters flagged as mass complaints in this transaction (their public ids).
    private(set) var flagged: [String] = []
    /// Incident levels raised in this transaction, in order: their feed events
    /// are written before it commits (`SQLiteComplaintStore+incidents`).
    var raised: [IncidentRaise] = []
    /// Persons signalled in this transaction, in order (`+signals`).
    var signalled: [CustomerSignal] = []

    init(_ db: Database, workingSet: DedupWorkingSet? = nil) {
        self.db = db
        self.workingSet = workingSet
    }

    /// An index for a write transaction that has begun: the workingSet catches up
    /// on entries other processes committed, and follows this transaction's
    /// outcome (a rollback drops what it added).
    static func forTransaction(_ db: Database, workingSet: DedupWorkingSet) throws -> SQLiteDedupIndex {
        try workingSet.synchronize(
            maximumEntry: { try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM dedup_entries") ?? 0 },
            after: { entry in
                try Row.fetchAll(db.cachedStatement(sql: "SELECT id, at, bands FROM dedup_entries WHERE id > ? ORDER BY id"),
                                 arguments: [entry]).map { row in
                    let at: Double = row[1]
                    let bands: Data? = row[2]
                    return DedupWorkingSet.Record(entry: row[0], day: day(Date(timeIntervalSince1970: at)),
                                                  keys: bands.map(BandKeyBytes.decode))
                }
            })
        db.afterNextTransaction(onCommit: { _ in workingSet.committed() }, onRollback: { _ in workingSet.rolledBack() })
        return SQLiteDedupIndex(db, workingSet: workingSet)
    }

    func resetLastEntry() {
        lastEntry = nil
    }

    /// The clusters flagged since the last call (one input's, in a group commit).
    func takeFlagged() -> [String] {
        defer { flagged = [] }
        return flagged
    }

    static let secondsPerDay = 86_400.0

    static func day(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / secondsPerDay).rounded(.down))
    }

    private static let entryColumns = """
        e.id, e.complaint_id, e.person, e.at, e.text_hash, e.signature, e.facts,
        COALESCE(e.root, e.complaint_id) AS root, COALESCE(e.cluster, e.id) AS cluster_entry,
        COALESCE(c.complaint_id, e.complaint_id) AS cluster_complaint
        """

    /// Decodes a row of `entryColumns` by position (by name, GRDB compares
    /// column names case-insensitively, which showed in profiles).
    private static func entry(_ row: Row) -> DedupEntry {
        let blob: Data = row[5]
        let facts: String = row[6]
        let at: Double = row[3]
        return DedupEntry(id: row[0], complaintID: row[1], person: row[2],
                          at: Date(timeIntervalSince1970: at), textHash: row[4],
                          signature: SignatureBytes.decode(blob),
                          facts: facts.isEmpty ? [] : facts.split(separator: ",").map(String.init),
                          root: row[7], cluster: row[8], clusterComplaintID: row[9])
    }

    func entries(person: Int64, in interval: ClosedRange<Date>, limit: Int) throws -> [DedupEntry] {
        let statement = try db.cachedStatement(sql: """
            SELECT \(Self.entryColumns)
            FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster
            WHERE e.person = ? AND e.at BETWEEN ? AND ? ORDER BY e.at DESC, e.id DESC LIMIT ?
            """)
        return try Row.fetchAll(statement, arguments: [
            person, interval.lowerBound.timeIntervalSince1970, interval.upperBound.timeIntervalSince1970, limit]).map(Self.entry)
    }

    /// Candidates decoded per LSH lookup, the ones sharing the most buckets first.
    static let maxBandCandidates = 8

    func entries(sharingBands bandKeys: [Int64], in interval: ClosedRange<Date>, perBand: Int) throws -> [DedupEntry] {
        guard !bandKeys.isEmpty else { return [] }
        let days = Self.day(interval.lowerBound)...Self.day(interval.upperBound)
        var hits: [Int64: Int]
        var uncached: [Int64]
        if let workingSet {
            let found = try workingSet.lookup(days: days, keys: bandKeys, perBand: perBand) { day, visit in
                let cursor = try Row.fetchCursor(db.cachedStatement(sql: "SELECT key, entry FROM dedup_bands WHERE day = ?"),
                                                 arguments: [day])
                while let row = try cursor.next() { visit(row[0], row[1]) }
            }
            (hits, uncached) = (found.hits, found.uncachedDays)
        } else {
            (hits, uncached) = ([:], Array(days))
        }
        try countStoredHits(days: uncached, keys: bandKeys, perBand: perBand, into: &hits)
        guard !hits.isEmpty else { return [] }
        // The number of buckets an entry shares estimates its similarity (25·s^5 on
        // average), so only the best few are read and compared: in a mass complaint
        // every bucket is full of one cluster's members, and reading them all made
        // each insert cost what a hundred did.
        let best = hits.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(Self.maxBandCandidates).map(\.key)
        var (found, missing) = workingSet?.entries(best) ?? ([], best)
        if !missing.isEmpty {
            let marks = Array(repeating: "?", count: missing.count).joined(separator: ",")
            let fetch = try db.cachedStatement(sql: """
                SELECT \(Self.entryColumns)
                FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster WHERE e.id IN (\(marks))
                """)
            let read = try Row.fetchAll(fetch, arguments: StatementArguments(missing)).map(Self.entry)
            workingSet?.remember(read)
            found += read
        }
        return found.filter { interval.contains($0.at) }
    }

    /// For each of `days` and each key, a seek to the end of its bucket reading
    /// the newest `perBand` entry ids (a bucket of 100,000 identical posts costs
    /// what one does), as compound statements: the per-statement overhead was
    /// most of a lookup's cost when each seek was its own statement.
    private func countStoredHits(days: [Int64], keys: [Int64], perBand: Int, into hits: inout [Int64: Int]) throws {
        // SQLite allows 500 terms in a compound SELECT.
        let daysPerStatement = max(1, 500 / keys.count)
        var start = 0
        while start < days.count {
            let chunk = days[start..<min(days.count, start + daysPerStatement)]
            let statement = try db.cachedStatement(sql: Self.bandLookupSQL(days: chunk.count, keys: keys.count))
            var arguments: [DatabaseValueConvertible] = [perBand]
            arguments.append(contentsOf: Array(chunk))
            arguments.append(contentsOf: keys)
            let cursor = try Int64.fetchCursor(statement, arguments: StatementArguments(arguments))
            while let id = try cursor.next() { hits[id, default: 0] += 1 }
            start += chunk.count
        }
    }

    /// The lookup statements' text by (days, keys): built once per shape, not
    /// per lookup (building it was 4 % of a call-log ingest's profile).
    private static let bandLookupSQLs = Mutex<[Int: String]>([:])

    private static func bandLookupSQL(days: Int, keys: Int) -> String {
        let shape = days << 16 | keys
        if let sql = bandLookupSQLs.withLock({ $0[shape] }) { return sql }
        let sql = buildBandLookupSQL(days: days, keys: keys)
        bandLookupSQLs.withLock { $0[shape] = sql }
        return sql
    }

    /// `?1` entries per bucket, then the days, then the keys.
    private static func buildBandLookupSQL(days: Int, keys: Int) -> String {
        var terms: [String] = []
        for d in 0..<days {
            for k in 0..<keys {
                terms.append("SELECT entry FROM (SELECT entry FROM dedup_bands WHERE day = ?\(d + 2) AND key = ?\(days + k + 2) ORDER BY entry DESC LIMIT ?1)")
            }
        }
        return terms.joined(separator: " UNION ALL ")
    }

    /// One row per band key: `?1` day, `?2` entry, then the keys.
    private static func bandInsertSQL(keys: Int) -> String {
        keys == DedupFeatures.bands ? fullBandInsertSQL : buildBandInsertSQL(keys: keys)
    }

    /// Built once: building it per insert showed in the profile.
    private static let fullBandInsertSQL = buildBandInsertSQL(keys: DedupFeatures.bands)

    private static func buildBandInsertSQL(keys: Int) -> String {
        "INSERT OR IGNORE INTO dedup_bands (day, key, entry) VALUES "
            + (0..<keys).map { "(?1, ?\($0 + 3), ?2)" }.joined(separator: ", ")
    }

    /// One entry by id.
    func entry(id: Int64) throws -> DedupEntry? {
        try Row.fetchOne(db, sql: """
            SELECT \(Self.entryColumns)
            FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster WHERE e.id = ?
            """, arguments: [id]).map(Self.entry)
    }

    func add(_ new: NewDedupEntry) throws -> ClusterMembership {
        let f = new.features
        let at = f.at.timeIntervalSince1970
        let root = new.dedup.of.flatMap { $0 == new.complaintID ? nil : $0 }
        try db.cachedStatement(sql: """
            INSERT INTO dedup_entries (complaint_id, person, at, text_hash, signature, facts, status, root, cluster, bands, keys)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [new.complaintID, new.person, at, f.textHash, SignatureBytes.encode(f.signature),
                                     f.facts.joined(separator: ","), new.dedup.status.rawValue, root, new.cluster,
                                     BandKeyBytes.encode(f.bandKeys), f.identityKeys.joined(separator: "\n")])
        let id = db.lastInsertedRowID
        lastEntry = id
        if !f.bandKeys.isEmpty {
            let day = Self.day(f.at)
            var arguments: [DatabaseValueConvertible] = [day, id]
            arguments.append(contentsOf: f.bandKeys)
            try db.cachedStatement(sql: Self.bandInsertSQL(keys: f.bandKeys.count)).execute(arguments: StatementArguments(arguments))
        }
        guard let cluster = new.cluster else {
            remember(added: id, new)
            return ClusterMembership(entry: id, cluster: id, clusterComplaintID: new.complaintID, size: 1)
        }
        // A lone complaint has no cluster row; the first to join it creates one.
        let exists = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM dedup_clusters WHERE id = ?)"),
                                       arguments: [cluster]) ?? false
        if !exists {
            guard let founder = try Row.fetchOne(db.cachedStatement(sql: "SELECT complaint_id, person, at FROM dedup_entries WHERE id = ?"),
                                                 arguments: [cluster]) else {
                throw DatabaseError(message: "dedup cluster \(cluster) has no entry")
            }
            let founderAt: Double = founder["at"]
            let founderPerson: Int64? = founder["person"]
            try db.execute(sql: """
                INSERT INTO dedup_clusters (id, complaint_id, size, customers, first_seen, last_seen) VALUES (?, ?, 1, 1, ?, ?)
                """, arguments: [cluster, founder["complaint_id"] as String, founderAt, founderAt])
            try db.execute(sql: "INSERT OR IGNORE INTO dedup_cluster_people (cluster, person) VALUES (?, ?)",
                           arguments: [cluster, founderPerson ?? -cluster])
        }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO dedup_cluster_people (cluster, person) VALUES (?, ?)")
            .execute(arguments: [cluster, new.person ?? -id])
        let newCustomer = db.changesCount > 0 ? 1 : 0
        let row = try Row.fetchOne(try db.cachedStatement(sql: """
            UPDATE dedup_clusters SET size = size + 1, customers = customers + ?, last_seen = MAX(last_seen, ?),
                   first_seen = MIN(first_seen, ?)
            WHERE id = ? RETURNING size, complaint_id, flagged_at
            """), arguments: [newCustomer, at, at, cluster])
        let flagged: Double? = row?[2]
        let membership = ClusterMembership(entry: id, cluster: cluster, clusterComplaintID: row?[1] ?? new.clusterComplaintID ?? "",
                                           size: row?[0] ?? 2, flaggedAt: flagged.map(Date.init(timeIntervalSince1970:)))
        remember(added: id, new, clusterComplaintID: membership.clusterComplaintID)
        return membership
    }

    /// Tells the working set about an entry just stored, as `entry(_:)` would read it back.
    private func remember(added id: Int64, _ new: NewDedupEntry, clusterComplaintID: String? = nil) {
        guard let workingSet else { return }
        let f = new.features
        // Exactly what reading the row back gives: the time as stored, the facts split again.
        let facts = f.facts.joined(separator: ",")
        let entry = DedupEntry(id: id, complaintID: new.complaintID, person: new.person,
                               at: Date(timeIntervalSince1970: f.at.timeIntervalSince1970), textHash: f.textHash,
                               signature: f.signature, facts: facts.isEmpty ? [] : facts.split(separator: ",").map(String.init),
                               root: new.dedup.of ?? new.complaintID,
                               cluster: new.cluster ?? id, clusterComplaintID: clusterComplaintID ?? new.complaintID)
        workingSet.added(DedupWorkingSet.Record(entry: id, day: Self.day(f.at), keys: f.bandKeys), entry: entry)
    }

    func recentCustomers(cluster: Int64, since: Date, cap: Int) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: """
            SELECT COUNT(*) FROM (
                SELECT DISTINCT COALESCE(person, -id) FROM dedup_entries
                WHERE (cluster = ?1 OR id = ?1) AND at >= ?2 LIMIT ?3)
            """), arguments: [cluster, since.timeIntervalSince1970, cap]) ?? 0
    }

    func flagMassComplaint(cluster: Int64, at: Date, since: Date, customers: Int) throws -> Bool {
        let row = try Row.fetchOne(try db.cachedStatement(sql: """
            UPDATE dedup_clusters SET flagged_at = ?, flagged_customers = ?
            WHERE id = ? AND (flagged_at IS NULL OR flagged_at < ?) RETURNING complaint_id
            """), arguments: [at.timeIntervalSince1970, customers, cluster, since.timeIntervalSince1970])
        guard let row else { return false }
        flagged.append(row["complaint_id"])
        return true
    }

    /// Empties the index (before a rebuild).
    static func clear(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM dedup_identities; DELETE FROM dedup_entries; DELETE FROM dedup_bands;
            DELETE FROM dedup_clusters; DELETE FROM dedup_cluster_people; DELETE FROM dedup_person_keys;
            UPDATE complaints SET dedup_entry = NULL;
            """)
    }
}
