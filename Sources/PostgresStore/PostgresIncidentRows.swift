import Foundation
import ComplaintModel
import GatewayCore

/// What both PostgreSQL dedup indexes do about incident levels: read a
/// cluster's level, raise it, and hand the raises to the store to announce.
protocol PostgresIncidentIndex: AnyObject {
    var tx: BlockingTransaction { get }
    /// Incident levels raised in this transaction, in order.
    var raised: [IncidentRaise] { get set }
    /// Persons signalled in this transaction, in order, and the signal times
    /// read or written in it (`PostgresSignalRows`).
    var signalled: [CustomerSignal] { get set }
    var signalTimes: [String: Date?] { get set }
}

extension PostgresIncidentIndex {
    func incidentRank(cluster: String) throws -> Int {
        try PostgresIncidentRows.rank(cluster: cluster, raised: raised, tx: tx)
    }

    func raiseIncident(_ raise: IncidentRaise) throws {
        try PostgresIncidentRows.raise(raise, tx: tx)
        raised.append(raise)
    }

    /// The levels raised since the last call.
    func takeRaised() -> [IncidentRaise] {
        defer { raised = [] }
        return raised
    }
}

/// Incident levels inside a commit transaction: read and raised by the dedup
/// indexes, announced as feed events once the transaction's rows are written.
enum PostgresIncidentRows {
    static func rank(cluster: String, raised: [IncidentRaise], tx: BlockingTransaction) throws -> Int {
        if let pending = raised.last(where: { $0.cluster == cluster }) { return pending.rank }
        return Int(try tx.scalar(Int32.self, "SELECT rank FROM incidents WHERE cluster = $1", [cluster]) ?? 0)
    }

    static func raise(_ raise: IncidentRaise, tx: BlockingTransaction) throws {
        try tx.execute("""
            INSERT INTO incidents (cluster, rank, level, customers, window_minutes, first_raised_at, raised_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)
            ON CONFLICT (cluster) DO UPDATE SET rank = excluded.rank, level = excluded.level, customers = excluded.customers,
                window_minutes = excluded.window_minutes, raised_at = excluded.raised_at
            """, [raise.cluster, Int32(raise.rank), raise.level.name, Int32(raise.customers), Int32(raise.level.window / 60),
                  raise.at.timeIntervalSince1970])
    }

    /// One `incident.level_changed` feed event per raise, after the
    /// transaction's complaints and dedup rows are written.
    static func announce(_ raises: [IncidentRaise], tx: BlockingTransaction) throws -> [IncidentLevelChange] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var changes: [IncidentLevelChange] = []
        for raise in raises {
            let change = IncidentLevelChange(raise, facts: try facts(of: raise, tx: tx), samples: raise.samples)
            let payload = String(decoding: try encoder.encode(change), as: UTF8.self)
            let seq = try tx.scalar(Int64.self, """
                INSERT INTO feed_events (complaint_id, revision, revision_rowid, type, committed_at, channel, dedup_status, automated, payload)
                VALUES ($1, $2, 0, $3, now(), '', '', false, $4) RETURNING seq
                """, [raise.cluster, Int32(raise.rank), FeedEventType.incidentLevelChanged.rawValue, payload])
            try tx.execute("UPDATE incidents SET seq = $1 WHERE cluster = $2", [seq ?? 0, raise.cluster])
            changes.append(change)
        }
        return changes
    }

    private static func facts(of raise: IncidentRaise, tx: BlockingTransaction) throws -> IncidentLevelChange.ClusterFacts {
        let cluster = try tx.rows("SELECT size, customers, first_seen, last_seen FROM dedup_clusters WHERE id = $1",
                                  [raise.clusterEntry]).first?.makeRandomAccess()
        let inWindow = try tx.scalar(Int64.self, """
            SELECT COUNT(DISTINCT COALESCE(person, -id)) FROM dedup_entries WHERE (cluster = $1 OR id = $1) AND at >= $2
            """, [raise.clusterEntry, raise.at.addingTimeInterval(-raise.level.window).timeIntervalSince1970]) ?? 0
        let channels = try tx.rows("""
            SELECT DISTINCT c.channel FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id WHERE e.cluster = $1 OR e.id = $1
            """, [raise.clusterEntry]).map { try $0.makeRandomAccess().required(0, String.self) }
        let decoder = JSONDecoder()
        let texts = try tx.rows("""
            SELECT r.document FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
            JOIN complaint_revisions r ON r.rowid = c.current_rowid
            WHERE e.cluster = $1 OR e.id = $1 ORDER BY e.id LIMIT $2
            """, [raise.clusterEntry, Int64(raise.samples)]).map { row in
            let complaint = try decoder.decode(Complaint.self, from: Data(try row.makeRandomAccess().required(0, String.self).utf8))
            return complaint.body.isEmpty ? complaint.subject ?? "" : complaint.body
        }
        let at = raise.at.timeIntervalSince1970
        return IncidentLevelChange.ClusterFacts(
            complaints: Int(try cluster?.at(0, Int32.self) ?? 0), totalCustomers: Int(try cluster?.at(1, Int32.self) ?? 0),
            customersInWindow: Int(inWindow), firstSeen: Date(timeIntervalSince1970: try cluster?.at(2, Double.self) ?? at),
            lastSeen: Date(timeIntervalSince1970: try cluster?.at(3, Double.self) ?? at), channels: channels, texts: texts)
    }
}
