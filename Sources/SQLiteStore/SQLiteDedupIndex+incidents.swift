import Foundation
import GRDB
import GatewayCore

/// Incident levels in the dedup index: read by the cluster's public id, and
/// raised in the same transaction as the complaint that reached them.
extension SQLiteDedupIndex {
    func incidentRank(cluster: String) throws -> Int {
        if let pending = raised.last(where: { $0.cluster == cluster }) { return pending.rank }
        return try Int.fetchOne(try db.cachedStatement(sql: "SELECT rank FROM incidents WHERE cluster = ?"), arguments: [cluster]) ?? 0
    }

    func raiseIncident(_ raise: IncidentRaise) throws {
        try db.cachedStatement(sql: """
            INSERT INTO incidents (cluster, rank, level, customers, window_minutes, first_raised_at, raised_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
            ON CONFLICT (cluster) DO UPDATE SET rank = excluded.rank, level = excluded.level, customers = excluded.customers,
                window_minutes = excluded.window_minutes, raised_at = excluded.raised_at
            """).execute(arguments: [raise.cluster, raise.rank, raise.level.name, raise.customers, Int(raise.level.window / 60),
                                     raise.at.timeIntervalSince1970])
        raised.append(raise)
    }

    /// The levels raised since the last call.
    func takeRaised() -> [IncidentRaise] {
        defer { raised = [] }
        return raised
    }
}
