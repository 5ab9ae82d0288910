import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Incident levels: their feed events, written in the transaction that raised
/// them, and what the console reads about them.
extension SQLiteComplaintStore {
    /// Writes one `incident.level_changed` feed event per level raised in this
    /// transaction, after its complaints (so the event's counts include them).
    static func announce(_ raises: [IncidentRaise], now: String, db: Database) throws -> [IncidentLevelChange] {
        guard !raises.isEmpty else { return [] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var changes: [IncidentLevelChange] = []
        for raise in raises {
            let change = IncidentLevelChange(raise, facts: try facts(of: raise, db: db), samples: raise.samples)
            try db.cachedStatement(sql: """
                INSERT INTO feed_events (complaint_id, revision, revision_rowid, type, committed_at, payload) VALUES (?, ?, 0, ?, ?, ?)
                """).execute(arguments: [raise.cluster, raise.rank, FeedEventType.incidentLevelChanged.rawValue, now,
                                         String(decoding: try encoder.encode(change), as: UTF8.self)])
            try db.cachedStatement(sql: "UPDATE incidents SET seq = ? WHERE cluster = ?").execute(arguments: [db.lastInsertedRowID, raise.cluster])
            changes.append(change)
        }
        return changes
    }

    private static func facts(of raise: IncidentRaise, db: Database) throws -> IncidentLevelChange.ClusterFacts {
        let cluster = try Row.fetchOne(db, sql: "SELECT size, customers, first_seen, last_seen FROM dedup_clusters WHERE id = ?",
                                       arguments: [raise.clusterEntry])
        let inWindow = try Int.fetchOne(db, sql: """
            SELECT COUNT(DISTINCT COALESCE(person, -id)) FROM dedup_entries WHERE (cluster = ?1 OR id = ?1) AND at >= ?2
            """, arguments: [raise.clusterEntry, raise.at.addingTimeInterval(-raise.level.window).timeIntervalSince1970]) ?? 0
        let channels = try String.fetchAll(db, sql: """
            SELECT DISTINCT c.channel FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id WHERE e.cluster = ?1 OR e.id = ?1
            """, arguments: [raise.clusterEntry])
        let decoder = JSONDecoder()
        let texts = try String.fetchAll(db, sql: """
            SELECT r.document FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
            JOIN complaint_revisions r ON r.rowid = c.current_rowid
            WHERE e.cluster = ?1 OR e.id = ?1 ORDER BY e.id LIMIT ?2
            """, arguments: [raise.clusterEntry, raise.samples]).map { document in
            let complaint = try decoder.decode(Complaint.self, from: Data(document.utf8))
            return complaint.body.isEmpty ? complaint.subject ?? "" : complaint.body
        }
        let first: Double = cluster?["first_seen"] ?? raise.at.timeIntervalSince1970
        let last: Double = cluster?["last_seen"] ?? raise.at.timeIntervalSince1970
        return IncidentLevelChange.ClusterFacts(
            complaints: cluster?["size"] ?? 0, totalCustomers: cluster?["customers"] ?? 0, customersInWindow: inWindow,
            firstSeen: Date(timeIntervalSince1970: first), lastSeen: Date(timeIntervalSince1970: last), channels: channels, texts: texts)
    }

    private static let incidentColumns = """
        i.cluster, i.level, i.rank, i.customers, i.window_minutes, i.first_raised_at, i.raised_at,
        k.size, k.customers AS total_customers, k.first_seen, k.last_seen,
        substr(COALESCE(NULLIF(json_extract(r.document, '$.body'), ''), json_extract(r.document, '$.subject'), ''), 1, 160) AS excerpt
        FROM incidents i
        JOIN dedup_clusters k ON k.complaint_id = i.cluster
        LEFT JOIN complaints c ON c.id = i.cluster
        LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
        """

    private static func incidentRecord(_ row: Row) -> IncidentRecord {
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
                return IncidentDetail(record: record, channels: channels, bucket: width,
                                      timeline: IncidentDetail.timeline(origin: origin, bucket: width, complaints: complaints, customers: customers),
                                      complaintIDs: ids)
            }
        }
    }

    public func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity] {
        let hourText = RFC3339.string(from: hour), dayText = RFC3339.string(from: day)
        return try await guarded {
            try await pool.read { db in
                var activity: [String: ChannelActivity] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT channel, MAX(received_at) AS last,
                           SUM(CASE WHEN received_at >= ?1 THEN COALESCE(json_extract(counts, '$.new'), 0) ELSE 0 END) AS hour,
                           SUM(COALESCE(json_extract(counts, '$.new'), 0)) AS day
                    FROM ingestions WHERE received_at >= ?2 GROUP BY channel
                    """, arguments: [hourText, dayText]) {
                    let channel: String = row["channel"]
                    activity[channel] = ChannelActivity(channel: channel, complaintsLastHour: row["hour"], complaintsLastDay: row["day"],
                                                        lastInputAt: (row["last"] as String?).flatMap(RFC3339.date(from:)))
                }
                // A channel quiet for a day still shows its last input.
                for row in try Row.fetchAll(db, sql: "SELECT DISTINCT channel FROM ingestions") {
                    let channel: String = row["channel"]
                    guard activity[channel] == nil else { continue }
                    let last = try String.fetchOne(db, sql: "SELECT MAX(received_at) FROM ingestions WHERE channel = ?", arguments: [channel])
                    activity[channel] = ChannelActivity(channel: channel, lastInputAt: last.flatMap(RFC3339.date(from:)))
                }
                for row in try Row.fetchAll(db, sql: """
                    SELECT channel, COUNT(*) AS total, SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END) AS day FROM quarantine GROUP BY channel
                    """, arguments: [dayText]) {
                    let channel: String = row["channel"]
                    activity[channel, default: ChannelActivity(channel: channel)].quarantined = row["total"]
                    activity[channel, default: ChannelActivity(channel: channel)].quarantinedLastDay = row["day"]
                }
                return activity.values.sorted { $0.channel < $1.channel }
            }
        }
    }
}
