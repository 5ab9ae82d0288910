import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// Clusters and the dedup index's rebuild (incident levels: `+incidents`).
extension PostgresComplaintStore: DedupAdmin {
    public func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord] {
        try await rows("""
            SELECT k.complaint_id, k.size, k.customers, k.first_seen, k.last_seen, k.flagged_at, k.flagged_customers,
                   substr(COALESCE(NULLIF((r.document::jsonb)->>'body', ''), (r.document::jsonb)->>'subject', ''), 1, 120),
                   (SELECT level FROM incidents i WHERE i.cluster = k.complaint_id)
            FROM dedup_clusters k
            LEFT JOIN complaints c ON c.id = k.complaint_id
            LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
            WHERE k.size >= $1 AND (NOT $2 OR k.flagged_at IS NOT NULL) AND ($3::float8 IS NULL OR k.last_seen >= $3)
            ORDER BY k.last_seen DESC LIMIT $4
            """, [Int32(query.minimumSize), query.massComplaintsOnly, query.activeSince?.timeIntervalSince1970, Int64(query.limit)]).map { row in
            let c = row.makeRandomAccess()
            let flagged: Double? = try c.at(5)
            let flaggedCustomers: Int32? = try c.at(6)
            let excerpt: String? = try c.at(7)
            return ClusterRecord(id: try c.required(0), size: Int(try c.required(1, Int32.self)), customers: Int(try c.required(2, Int32.self)),
                                 firstSeen: Date(timeIntervalSince1970: try c.required(3)), lastSeen: Date(timeIntervalSince1970: try c.required(4)),
                                 flaggedAt: flagged.map(Date.init(timeIntervalSince1970:)), flaggedCustomers: flaggedCustomers.map(Int.init),
                                 excerpt: excerpt?.replacingOccurrences(of: "\n", with: " ") ?? "", level: try c.at(8, String.self))
        }
    }

    public func rebuildDedupIndex(_ stage: ComplaintDedupStage, mode: DedupRebuild.Mode,
                                  progress: (@Sendable (Int) -> Void)?) async throws -> DedupRebuild.Report {
        try await transaction { tx in
            try tx.execute(Self.commitLock)
            try PostgresDedupIndex.clear(tx)
        }
        // Entry ids go on from the sequence: what the working set holds names entries that are gone.
        workingSet.reset()
        defer { workingSet.reset() }
        let rebuild = DedupRebuild(stage: stage, mode: mode)
        var after: Int64 = 0
        var report = DedupRebuild.Report()
        let decoder = JSONDecoder()
        while true {
            // First revisions' feed events give the complaints in arrival order.
            let page = try await rows("""
                SELECT f.seq, c.id, c.dedup, r.document, c.current_rowid, c.fingerprint FROM feed_events f
                JOIN complaints c ON c.id = f.complaint_id
                JOIN complaint_revisions r ON r.rowid = c.current_rowid
                WHERE f.seq > $1 AND f.revision = 1 AND f.payload IS NULL ORDER BY f.seq LIMIT 1000
                """, [after])
            guard let last = page.last else { break }
            after = try last.makeRandomAccess().required(0, Int64.self)
            let work: [DedupRebuild.Item] = try page.map { row in
                let c = row.makeRandomAccess()
                let complaint = try decoder.decode(Complaint.self, from: Data(try c.required(3, String.self).utf8))
                let stored: String? = try c.at(2)
                return DedupRebuild.Item(id: try c.required(1), verdict: stored == nil ? complaint.dedup : DedupInfo(storedText: stored),
                                         features: stage.features(of: complaint), complaint: complaint,
                                         rowid: try c.required(4, Int64.self), fingerprint: try c.required(5))
            }
            let revised = try await transaction { tx in
                try tx.execute(Self.commitLock)
                let index = PostgresDedupIndex(tx)
                var rows = PendingComplaintRows()
                for item in work {
                    index.resetLastEntry()
                    let outcome = try rebuild.rebuild(item, index: index) { named in
                        try tx.scalar(Int64.self, "SELECT dedup_entry FROM complaints WHERE id = $1", [named]).flatMap { try index.entry(id: $0) }
                    }
                    let entry = index.lastEntry
                    if let revision = outcome.revision {
                        // A complaint.updated event: consumers see the verdict that replaces the old one.
                        _ = try rows.add(revision, isInsert: false, previous: item.rowid, ingestion: nil,
                                         document: ComplaintJSON.string(revision), fingerprint: item.fingerprint, dedupEntry: entry, tx: tx)
                    }
                    try tx.execute("UPDATE complaints SET dedup = $1, dedup_entry = $2 WHERE id = $3",
                                   [outcome.verdict.storedText, entry, item.id])
                }
                let revised = rows.revisions.count
                try rows.flush(tx)
                // Levels the rebuild reached again are kept (by public id), not announced again.
                _ = index.takeRaised()
                return revised
            }
            report.complaints += work.count
            report.revised += revised
            progress?(report.complaints)
        }
        return report
    }

    static func incidentRecord(_ row: PostgresRow) throws -> (IncidentRecord, Int64) {
        let c = row.makeRandomAccess()
        let record = IncidentRecord(
            cluster: try c.required(0), level: try c.required(1), rank: Int(try c.required(2, Int32.self)),
            customers: Int(try c.required(3, Int32.self)), windowMinutes: Int(try c.required(4, Int32.self)),
            firstRaisedAt: Date(timeIntervalSince1970: try c.required(5)), raisedAt: Date(timeIntervalSince1970: try c.required(6)),
            complaints: Int(try c.required(7, Int32.self)), totalCustomers: Int(try c.required(8, Int32.self)),
            firstSeen: Date(timeIntervalSince1970: try c.required(9)), lastSeen: Date(timeIntervalSince1970: try c.required(10)),
            excerpt: (try c.at(11, String.self))?.replacingOccurrences(of: "\n", with: " ") ?? "")
        return (record, try c.required(12))
    }

    public func incidents(activeSince: Date, limit: Int) async throws -> [IncidentRecord] {
        try await rows("SELECT \(Self.incidentColumns) WHERE k.last_seen >= $1 ORDER BY i.rank DESC, k.last_seen DESC LIMIT $2",
                       [activeSince.timeIntervalSince1970, Int64(limit)]).map { try Self.incidentRecord($0).0 }
    }

    public func incident(cluster: String, bucket: TimeInterval?, limit: Int) async throws -> IncidentDetail? {
        guard let row = try await rows("SELECT \(Self.incidentColumns) WHERE i.cluster = $1", [cluster]).first else { return nil }
        let (record, entry) = try Self.incidentRecord(row)
        let channels = try await rows("""
            SELECT DISTINCT c.channel FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
            WHERE e.cluster = $1 OR e.id = $1 ORDER BY 1
            """, [entry]).map { try $0.makeRandomAccess().required(0, String.self) }
        let width = bucket ?? IncidentDetail.automaticBucket(for: record)
        let origin = IncidentDetail.origin(of: record, bucket: width)
        func counts(_ sql: String) async throws -> [Int: Int] {
            Dictionary(try await rows(sql, [entry, origin, width]).map { row in
                let c = row.makeRandomAccess()
                return (Int(try c.required(0, Int64.self)), Int(try c.required(1, Int64.self)))
            }, uniquingKeysWith: +)
        }
        let complaints = try await counts("""
            SELECT floor((at - $2) / $3)::int8, COUNT(*) FROM dedup_entries WHERE cluster = $1 OR id = $1 GROUP BY 1
            """)
        let customers = try await counts("""
            SELECT floor((first - $2) / $3)::int8, COUNT(*) FROM (
                SELECT MIN(at) AS first FROM dedup_entries WHERE cluster = $1 OR id = $1 GROUP BY COALESCE(person, -id)) AS firsts
            GROUP BY 1
            """)
        let ids = try await rows("SELECT complaint_id FROM dedup_entries WHERE cluster = $1 OR id = $1 ORDER BY id DESC LIMIT $2",
                                 [entry, Int64(limit)]).map { try $0.makeRandomAccess().required(0, String.self) }
        let located = try await rows("""
            SELECT facts, COALESCE(person, -id) FROM dedup_entries WHERE (cluster = $1 OR id = $1) AND facts LIKE '%@%' LIMIT $2
            """, [entry, Int64(IncidentDetail.breakdownEntries)]).map { row in
            let cells = row.makeRandomAccess()
            return (facts: try cells.required(0, String.self), customer: try cells.required(1, Int64.self))
        }
        return IncidentDetail(record: record, channels: channels, bucket: width,
                              timeline: IncidentDetail.timeline(origin: origin, bucket: width, complaints: complaints, customers: customers),
                              complaintIDs: ids, locations: IncidentDetail.locations(located))
    }

    static let incidentColumns = """
        i.cluster, i.level, i.rank, i.customers, i.window_minutes, i.first_raised_at, i.raised_at,
        k.size, k.customers, k.first_seen, k.last_seen,
        substr(COALESCE(NULLIF((r.document::jsonb)->>'body', ''), (r.document::jsonb)->>'subject', ''), 1, 160), k.id
        FROM incidents i
        JOIN dedup_clusters k ON k.complaint_id = i.cluster
        LEFT JOIN complaints c ON c.id = i.cluster
        LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
        """
}
