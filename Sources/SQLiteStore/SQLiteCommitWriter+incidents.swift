import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Incident levels' feed events, written in the transaction that raised them.
extension SQLiteCommitWriter {
    /// Writes one `incident.level_changed` feed event per level raised in this
    /// transaction, after its complaints (so the event's counts include them).
    func announce(_ raises: [IncidentRaise]) throws -> [IncidentLevelChange] {
        guard !raises.isEmpty else { return [] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var changes: [IncidentLevelChange] = []
        for raise in raises {
            let change = IncidentLevelChange(raise, facts: try Self.facts(of: raise, db: db), samples: raise.samples)
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
}
