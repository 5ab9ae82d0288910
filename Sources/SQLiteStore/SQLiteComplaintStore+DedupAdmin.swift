import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Clusters and the dedup index's rebuild (incident levels: `+incidents`).
extension SQLiteComplaintStore: DedupAdmin {
    public func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT k.complaint_id, k.size, k.customers, k.first_seen, k.last_seen, k.flagged_at, k.flagged_customers,
                           (SELECT level FROM incidents i WHERE i.cluster = k.complaint_id) AS level,
                           substr(COALESCE(NULLIF(json_extract(r.document, '$.body'), ''), json_extract(r.document, '$.subject'), ''), 1, 120) AS excerpt
                    FROM dedup_clusters k
                    LEFT JOIN complaints c ON c.id = k.complaint_id
                    LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
                    WHERE k.size >= ?1 AND (?2 = 0 OR k.flagged_at IS NOT NULL) AND (?3 IS NULL OR k.last_seen >= ?3)
                    ORDER BY k.last_seen DESC LIMIT ?4
                    """, arguments: [query.minimumSize, query.massComplaintsOnly, query.activeSince?.timeIntervalSince1970,
                                     query.limit]).map { row in
                    let first: Double = row["first_seen"], last: Double = row["last_seen"]
                    let flagged: Double? = row["flagged_at"]
                    return ClusterRecord(id: row["complaint_id"], size: row["size"], customers: row["customers"],
                                         firstSeen: Date(timeIntervalSince1970: first), lastSeen: Date(timeIntervalSince1970: last),
                                         flaggedAt: flagged.map(Date.init(timeIntervalSince1970:)),
                                         flaggedCustomers: row["flagged_customers"],
                                         excerpt: (row["excerpt"] as String?)?.replacingOccurrences(of: "\n", with: " ") ?? "",
                                         level: row["level"])
                }
            }
        }
    }

    public func rebuildDedupIndex(_ stage: ComplaintDedupStage, mode: DedupRebuild.Mode,
                                  progress: (@Sendable (Int) -> Void)?) async throws -> DedupRebuild.Report {
        try await guarded {
            try await write { [workingSet] db in
                try SQLiteDedupIndex.clear(db)
                db.afterNextTransaction(onCommit: { _ in workingSet.reset() })
            }
        }
        let rebuild = DedupRebuild(stage: stage, mode: mode)
        var after: Int64 = 0
        var report = DedupRebuild.Report()
        let decoder = JSONDecoder()
        while true {
            // First revisions' feed events give the complaints in the order they arrived,
            // through the feed's primary key (the complaints table is keyed by id).
            let page = try await guarded {
                try await pool.read { db in
                    try Row.fetchAll(db, sql: """
                        SELECT f.seq, c.id, c.dedup, c.current_rowid, c.fingerprint, r.document FROM feed_events f
                        JOIN complaints c ON c.id = f.complaint_id
                        JOIN complaint_revisions r ON r.rowid = c.current_rowid
                        WHERE f.seq > ? AND f.revision = 1 AND f.payload IS NULL ORDER BY f.seq LIMIT 1000
                        """, arguments: [after])
                }
            }
            guard let last = page.last else { break }
            after = last["seq"]
            // Features are computed off the write lock, as in a commit.
            let work: [DedupRebuild.Item] = try page.map { row in
                let document: String = row["document"]
                let complaint = try decoder.decode(Complaint.self, from: Data(document.utf8))
                let stored: String? = row["dedup"]
                return DedupRebuild.Item(id: row["id"], verdict: stored == nil ? complaint.dedup : DedupInfo(storedText: stored),
                                         features: stage.features(of: complaint), complaint: complaint, rowid: row["current_rowid"],
                                         fingerprint: row["fingerprint"])
            }
            let revised = try await guarded {
                try await write { [workingSet] db in
                    let index = try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet)
                    let writer = SQLiteCommitWriter(db: db, index: index, now: RFC3339.string(from: Date()))
                    var revised = 0
                    for item in work {
                        index.resetLastEntry()
                        let outcome = try rebuild.rebuild(item, index: index) { named in
                            try Int64.fetchOne(db, sql: "SELECT dedup_entry FROM complaints WHERE id = ?", arguments: [named])
                                .flatMap { try index.entry(id: $0) }
                        }
                        let entry = index.lastEntry
                        if let revision = outcome.revision {
                            // A complaint.updated event: consumers see the verdict that replaces the old one.
                            _ = try writer.write(revision, isInsert: false, previous: item.rowid, ingestion: nil,
                                                 document: ComplaintJSON.string(revision), fingerprint: item.fingerprint, dedupEntry: entry)
                            revised += 1
                        }
                        try db.execute(sql: "UPDATE complaints SET dedup = ?, dedup_entry = ? WHERE id = ?",
                                       arguments: [outcome.verdict.storedText, entry, item.id])
                    }
                    // Levels the rebuild reached again are kept (by public id), not announced again.
                    _ = index.takeRaised()
                    return revised
                }
            }
            report.complaints += work.count
            report.revised += revised
            progress?(report.complaints)
        }
        return report
    }

    static func incidentRecord(_ row: Row) -> IncidentRecord {
        let first: Double = row["first_seen"], last: Double = row["last_seen"]
        let firstRaised: Double = row["first_raised_at"], raised: Double = row["raised_at"]
        return IncidentRecord(cluster: row["cluster"], level: row["level"], rank: row["rank"], customers: row["customers"],
                              windowMinutes: row["window_minutes"], firstRaisedAt: Date(timeIntervalSince1970: firstRaised),
                              raisedAt: Date(timeIntervalSince1970: raised), complaints: row["size"],
                              totalCustomers: row["total_customers"], firstSeen: Date(timeIntervalSince1970: first),
                              lastSeen: Date(timeIntervalSince1970: last),
                              excerpt: (row["excerpt"] as String?)?.replacingOccurrences(of: "\n", with: " ") ?? "")
    }

    public func incidents(activeSince: Date, limit: Int) async throws -> [IncidentRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.incidentColumns) WHERE k.last_seen >= ? ORDER BY i.rank DESC, k.last_seen DESC LIMIT ?",
                                 arguments: [activeSince.timeIntervalSince1970, limit]).map(Self.incidentRecord)
            }
        }
    }

    public func incident(cluster: String, bucket: TimeInterval?, limit: Int) async throws -> IncidentDetail? {
        try await guarded {
            try await pool.read { db -> IncidentDetail? in
                guard let row = try Row.fetchOne(db, sql: "SELECT k.id AS entry, \(Self.incidentColumns) WHERE i.cluster = ?",
                                                 arguments: [cluster]) else { return nil }
                let entry: Int64 = row["entry"]
                let record = Self.incidentRecord(row)
                let channels = try String.fetchAll(db, sql: """
                    SELECT DISTINCT c.channel FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
                    WHERE e.cluster = ?1 OR e.id = ?1 ORDER BY 1
                    """, arguments: [entry])
                let width = bucket ?? IncidentDetail.automaticBucket(for: record)
                let origin = IncidentDetail.origin(of: record, bucket: width)
                func counts(_ sql: String) throws -> [Int: Int] {
                    Dictionary(try Row.fetchAll(db, sql: sql, arguments: [entry, origin, width]).map { ($0[0] as Int, $0[1] as Int) },
                               uniquingKeysWith: +)
                }
                let complaints = try counts("""
                    SELECT CAST((at - ?2) / ?3 AS INTEGER), COUNT(*) FROM dedup_entries WHERE cluster = ?1 OR id = ?1 GROUP BY 1
                    """)
                let customers = try counts("""
                    SELECT CAST((first - ?2) / ?3 AS INTEGER), COUNT(*) FROM (
                        SELECT MIN(at) AS first FROM dedup_entries WHERE cluster = ?1 OR id = ?1 GROUP BY COALESCE(person, -id))
                    GROUP BY 1
                    """)
                let ids = try String.fetchAll(db, sql: """
                    SELECT complaint_id FROM dedup_entries WHERE cluster = ?1 OR id = ?1 ORDER BY id DESC LIMIT ?2
                    """, arguments: [entry, limit])
                let located = try Row.fetchAll(db, sql: """
                    SELECT facts, COALESCE(person, -id) FROM dedup_entries WHERE (cluster = ?1 OR id = ?1) AND facts LIKE '%@%' LIMIT ?2
                    """, arguments: [entry, IncidentDetail.breakdownEntries]).map { (facts: $0[0] as String, customer: $0[1] as Int64) }
                return IncidentDetail(record: record, channels: channels, bucket: width,
                                      timeline: IncidentDetail.timeline(origin: origin, bucket: width, complaints: complaints, customers: customers),
                                      complaintIDs: ids, locations: IncidentDetail.locations(located))
            }
        }
    }

    static let incidentColumns = """
        i.cluster, i.level, i.rank, i.customers, i.window_minutes, i.first_raised_at, i.raised_at,
        k.size, k.customers AS total_customers, k.first_seen, k.last_seen,
        substr(COALESCE(NULLIF(json_extract(r.document, '$.body'), ''), json_extract(r.document, '$.subject'), ''), 1, 160) AS excerpt
        FROM incidents i
        JOIN dedup_clusters k ON k.complaint_id = i.cluster
        LEFT JOIN complaints c ON c.id = i.cluster
        LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
        """
}
