import Foundation
import PostgresNIO
import ComplaintModel
import GatewayCore

/// The dedup index of one commit transaction on PostgreSQL, deciding a whole
/// batch in memory: a statement is a round trip here (~0.3 ms, 11 of them per
/// complaint made the commit lock the bottleneck), so what the decisions read
/// is fetched for the batch in a few statements first, and what they write is
/// kept and written at the end in one statement per table (`flush`).
///
/// What it reads from:
/// - identities and each customer's recent complaints: fetched for the
///   batch's identity keys at the start (`prefetch`); a customer with more
///   complaints than the stage compares, or a key not fetched, is asked for;
/// - LSH buckets and candidate entries: the store's `DedupWorkingSet`, caught
///   up on other instances' entries under the commit lock before this;
/// - clusters: read with the batch (those of its LSH candidates and of its
///   customers' earlier complaints; any other when first joined), with which
///   of the batch's customers they already count and their customers' latest
///   complaints in the mass-complaint window;
/// - everything this batch added: kept here until `flush`.
///
/// Holds the commit lock's transaction: no other instance writes meanwhile.
final class PostgresBatchIndex: CommitDedupIndex, PostgresIncidentIndex {
    let tx: BlockingTransaction
    let workingSet: DedupWorkingSet
    /// The entry `add` stored last, for the store to link it to its complaint.
    private(set) var lastEntry: Int64?
    /// Clusters flagged as mass complaints since the last `takeFlagged`.
    private var flagged: [String] = []
    /// Incident levels raised in this transaction (`PostgresIncidentRows`).
    var raised: [IncidentRaise] = []
    var signalled: [CustomerSignal] = []
    var signalTimes: [String: Date?] = [:]
    var pending = PendingDedupWrites()

    // What is known about identities: `records` answers for the keys in
    // `knownKeys` (absent there = no row yet).
    var records: [String: IdentityRecord] = [:]
    var knownKeys: Set<String> = []
    var personKeys: [Int64: String] = [:]
    var salt: String?
    /// Persons created in this batch: nothing of theirs is stored yet.
    var createdPersons: Set<Int64> = []
    /// Each prefetched person's stored entries within `prefetchWindow`, newest
    /// first; a person in `truncated` had more than were fetched.
    var storedByPerson: [Int64: [DedupEntry]] = [:]
    var truncated: Set<Int64> = []
    var prefetchWindow: ClosedRange<Date>?
    /// Read with each cluster: its customers' latest complaints since then.
    var customersSince: Double?
    var pendingByPerson: [Int64: [DedupEntry]] = [:]
    var clusters: [Int64: ClusterState] = [:]
    var personIDs = IDPool(sequence: "dedup_persons")
    var entryIDs = IDPool(sequence: "dedup_entries_id_seq")

    init(_ tx: BlockingTransaction, workingSet: DedupWorkingSet) {
        self.tx = tx
        self.workingSet = workingSet
    }

    func resetLastEntry() {
        lastEntry = nil
    }

    /// The clusters flagged since the last call (one input's, in a group commit).
    func takeFlagged() -> [String] {
        defer { flagged = [] }
        return flagged
    }

    static func day(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Reads what a batch's decisions will look up, in a few statements.
    func prefetch(_ reads: DedupReads) throws {
        customersSince = reads.customersSince.timeIntervalSince1970
        guard !reads.identityKeys.isEmpty else { return try prefetchClusters(reads) }
        records.merge(try PostgresIdentityRows.identities(reads.identityKeys, tx: tx)) { $1 }
        knownKeys.formUnion(reads.identityKeys)
        let persons = Array(Set(records.values.compactMap { $0.shared ? nil : $0.person }))
        for person in persons { storedByPerson[person] = [] }
        prefetchWindow = reads.window
        if !persons.isEmpty {
            for row in try tx.rows("""
                SELECT x.* FROM unnest($1::int8[]) AS p(person) CROSS JOIN LATERAL (
                    SELECT \(PostgresEntryRows.columns)
                    FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster
                    WHERE e.person = p.person AND e.at BETWEEN $2 AND $3 ORDER BY e.at DESC, e.id DESC LIMIT $4) x
                """, [persons, reads.window.lowerBound.timeIntervalSince1970, reads.window.upperBound.timeIntervalSince1970,
                      Int64(reads.perPerson)]) {
                let entry = try PostgresEntryRows.entry(row)
                if let person = entry.person { storedByPerson[person, default: []].append(entry) }
            }
            for (person, entries) in storedByPerson where entries.count >= reads.perPerson { truncated.insert(person) }
        }
        try prefetchClusters(reads)
    }

    /// Everything known here about persons and clusters is read again after a
    /// merge or a split, which are written through at once.
    func forgetPersons() {
        records = [:]
        knownKeys = []
        createdPersons = []
        personKeys = [:]
        storedByPerson = [:]
        truncated = []
        prefetchWindow = nil
        pendingByPerson = [:]
        clusters = [:]
    }

    func entries(person: Int64, in interval: ClosedRange<Date>, limit: Int) throws -> [DedupEntry] {
        var stored: [DedupEntry]
        if createdPersons.contains(person) {
            stored = []
        } else if let fetched = storedByPerson[person], !truncated.contains(person),
                  let window = prefetchWindow, window.lowerBound <= interval.lowerBound, interval.upperBound <= window.upperBound {
            stored = fetched.filter { interval.contains($0.at) }
        } else {
            stored = try tx.rows("""
                SELECT \(PostgresEntryRows.columns)
                FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster
                WHERE e.person = $1 AND e.at BETWEEN $2 AND $3 ORDER BY e.at DESC, e.id DESC LIMIT $4
                """, [person, interval.lowerBound.timeIntervalSince1970, interval.upperBound.timeIntervalSince1970, Int64(limit)])
                .map(PostgresEntryRows.entry)
        }
        stored += (pendingByPerson[person] ?? []).filter { interval.contains($0.at) }
        // As the store orders them: newest first, the later entry first among equal times.
        return Array(stored.sorted { ($0.at, $0.id) > ($1.at, $1.id) }.prefix(limit))
    }

    /// Candidates decoded per LSH lookup, the ones sharing the most buckets first
    /// (as in `SQLiteDedupIndex`).
    static let maxBandCandidates = 8

    func entries(sharingBands bandKeys: [Int64], in interval: ClosedRange<Date>, perBand: Int) throws -> [DedupEntry] {
        let best = try candidates(sharingBands: bandKeys, in: interval, perBand: perBand, askStore: true)
        guard !best.isEmpty else { return [] }
        return try entries(best).filter { interval.contains($0.at) }
    }

    /// The entries sharing the most buckets with `bandKeys` (the `maxBandCandidates` best).
    /// Days the working set cannot hold are read from the store when `askStore`.
    private func candidates(sharingBands bandKeys: [Int64], in interval: ClosedRange<Date>, perBand: Int,
                            askStore: Bool, limit: Int = maxBandCandidates) throws -> [Int64] {
        guard !bandKeys.isEmpty else { return [] }
        let days = Self.day(interval.lowerBound)...Self.day(interval.upperBound)
        var found = try workingSet.lookup(days: days, keys: bandKeys, perBand: perBand) { day, visit in
            for row in try tx.rows("SELECT key, entry FROM dedup_bands WHERE day = $1", [day]) {
                let cells = row.makeRandomAccess()
                visit(try cells.required(0, Int64.self), try cells.required(1, Int64.self))
            }
        }
        if askStore, !found.uncachedDays.isEmpty {
            // Days too large to hold: the newest few of each of their buckets, from the store.
            for row in try tx.rows("""
                SELECT b.entry FROM unnest($1::int8[]) AS d(day) CROSS JOIN unnest($2::int8[]) AS k(key)
                CROSS JOIN LATERAL (SELECT entry FROM dedup_bands WHERE day = d.day AND key = k.key ORDER BY entry DESC LIMIT $3) b
                """, [found.uncachedDays, bandKeys, Int64(perBand)]) {
                found.hits[try row.makeRandomAccess().required(0, Int64.self), default: 0] += 1
            }
        }
        return found.hits.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(limit).map(\.key)
    }

    /// Entries by id: held by the working set, else read (and then held).
    private func entries(_ ids: [Int64]) throws -> [DedupEntry] {
        var (entries, missing) = workingSet.entries(ids)
        if !missing.isEmpty {
            let read = try tx.rows("""
                SELECT \(PostgresEntryRows.columns)
                FROM dedup_entries e LEFT JOIN dedup_clusters c ON c.id = e.cluster WHERE e.id = ANY($1)
                """, [missing]).map(PostgresEntryRows.entry)
            workingSet.remember(read)
            entries += read
        }
        return entries
    }

    /// Reads, for the whole batch, the entries its cluster lookups will find
    /// and the clusters they and its customers' earlier complaints belong to.
    private func prefetchClusters(_ reads: DedupReads) throws {
        var candidateIDs = Set<Int64>()
        for lookup in reads.clusterLookups {
            candidateIDs.formUnion(try candidates(sharingBands: lookup.bandKeys, in: lookup.window, perBand: reads.perBand,
                                                  askStore: false))
        }
        var clusterIDs = Set(try entries(Array(candidateIDs)).map(\.cluster))
        for entries in storedByPerson.values { clusterIDs.formUnion(entries.map(\.cluster)) }
        try loadClusters(clusterIDs)
    }

    func add(_ new: NewDedupEntry) throws -> ClusterMembership {
        let f = new.features
        let id = try entryIDs.next(tx)
        lastEntry = id
        let facts = f.facts.joined(separator: ",")
        let at = Date(timeIntervalSince1970: f.at.timeIntervalSince1970)
        pending.append(PendingDedupWrites.Entry(
            id: id, complaintID: new.complaintID, person: new.person, at: at.timeIntervalSince1970, textHash: f.textHash,
            signature: SignatureBytes.encode(f.signature), facts: facts, status: new.dedup.status.rawValue,
            root: new.dedup.of.flatMap { $0 == new.complaintID ? nil : $0 }, cluster: new.cluster,
            day: Self.day(f.at), bands: f.bandKeys, keys: f.identityKeys.joined(separator: "\n")))
        var membership = ClusterMembership(entry: id, cluster: id, clusterComplaintID: new.complaintID, size: 1)
        if let cluster = new.cluster {
            var state = try clusterState(cluster)
            if let founder = state.founder {
                pending.people.append((cluster, founder))
                state.founder = nil
            }
            let customer = new.person ?? -id
            if try !isMember(customer, of: cluster, state: &state) {
                state.members.insert(customer)
                state.customers += 1
                pending.people.append((cluster, customer))
            }
            state.size += 1
            if state.recentSince != nil { state.latest[customer] = max(state.latest[customer] ?? -.infinity, at.timeIntervalSince1970) }
            state.lastSeen = max(state.lastSeen, at.timeIntervalSince1970)
            state.firstSeen = min(state.firstSeen, at.timeIntervalSince1970)
            state.dirty = true
            clusters[cluster] = state
            membership = ClusterMembership(entry: id, cluster: cluster, clusterComplaintID: state.complaintID, size: state.size,
                                           flaggedAt: state.flaggedAt.map(Date.init(timeIntervalSince1970:)))
        }
        // As the store would read it back (see PostgresEntryRows.entry).
        let entry = DedupEntry(id: id, complaintID: new.complaintID, person: new.person, at: at, textHash: f.textHash,
                               signature: f.signature, facts: facts.isEmpty ? [] : facts.split(separator: ",").map(String.init),
                               root: new.dedup.of ?? new.complaintID, cluster: new.cluster ?? id,
                               clusterComplaintID: membership.clusterComplaintID)
        if let person = new.person { pendingByPerson[person, default: []].append(entry) }
        workingSet.added(DedupWorkingSet.Record(entry: id, day: Self.day(f.at), keys: f.bandKeys), entry: entry)
        return membership
    }

    func recentCustomers(cluster: Int64, since: Date, cap: Int) throws -> Int {
        var state = try clusterState(cluster)
        let since = since.timeIntervalSince1970
        if state.recentSince.map({ since < $0 }) ?? true {
            // Only when a decision looks further back than the batch's earliest complaint (an unordered import).
            // Each customer's latest complaint in the cluster since then, read once
            // per cluster and batch; the batch's own are added as they come.
            var latest: [Int64: Double] = [:]
            for row in try tx.rows("""
                SELECT COALESCE(person, -id), MAX(at) FROM dedup_entries WHERE (cluster = $1 OR id = $1) AND at >= $2
                GROUP BY 1
                """, [cluster, since]) {
                let cells = row.makeRandomAccess()
                latest[try cells.required(0, Int64.self)] = try cells.required(1, Double.self)
            }
            for entry in pending.entries where entry.cluster == cluster || entry.id == cluster {
                latest[entry.person ?? -entry.id] = max(latest[entry.person ?? -entry.id] ?? -.infinity, entry.at)
            }
            state.latest = latest
            state.recentSince = since
            clusters[cluster] = state
        }
        return min(state.latest.values.count { $0 >= since }, cap)
    }

    func flagMassComplaint(cluster: Int64, at: Date, since: Date, customers: Int) throws -> Bool {
        var state = try clusterState(cluster)
        guard (state.flaggedAt ?? -.infinity) < since.timeIntervalSince1970 else { return false }
        state.flaggedAt = at.timeIntervalSince1970
        state.flaggedCustomers = customers
        state.dirty = true
        clusters[cluster] = state
        flagged.append(state.complaintID)
        return true
    }
}
