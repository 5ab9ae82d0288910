import Foundation
import PostgresNIO
import ComplaintModel
import GatewayCore

/// Persons as the dedup index linked them (`PersonDirectory`); the same
/// reads as `SQLiteComplaintStore+Persons`.
extension PostgresComplaintStore: PersonDirectory {
    public func person(_ lookup: PersonLookup) async throws -> PersonRecord? {
        try await transaction(rollback: true) { tx -> PersonRecord? in
            let id: Int64?
            switch lookup {
            case .person(let key):
                id = try tx.scalar(Int64.self, "SELECT COALESCE(merged_into, person) FROM dedup_person_keys WHERE key = $1", [key])
            case .identity(let key):
                id = try tx.scalar(Int64.self, "SELECT person FROM dedup_identities WHERE key = $1 AND NOT shared AND person <> 0", [key])
            }
            guard let id, let key = try tx.scalar(String.self, "SELECT key FROM dedup_person_keys WHERE person = $1", [id]) else {
                return nil
            }
            let identities = try tx.rows("SELECT key FROM dedup_identities WHERE person = $1 AND NOT shared ORDER BY key LIMIT 100", [id])
                .map { try $0.makeRandomAccess().required(0, String.self) }
            var byChannel: [String: Int] = [:]
            var first: Double?, last: Double?
            for row in try tx.rows("""
                SELECT c.channel, COUNT(*), MIN(e.at), MAX(e.at) FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
                WHERE e.person = $1 GROUP BY c.channel
                """, [id]) {
                let cells = row.makeRandomAccess()
                byChannel[try cells.required(0, String.self)] = Int(try cells.required(1, Int64.self))
                let lo = try cells.required(2, Double.self), hi = try cells.required(3, Double.self)
                first = min(first ?? lo, lo)
                last = max(last ?? hi, hi)
            }
            let recent = try tx.rows("""
                SELECT e.complaint_id, c.channel, e.at, e.status,
                       substr(COALESCE(NULLIF((r.document::jsonb)->>'body', ''), (r.document::jsonb)->>'subject', ''), 1, 300)
                FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
                JOIN complaint_revisions r ON r.rowid = c.current_rowid
                WHERE e.person = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2
                """, [id, Int64(PersonRecord.recentLimit)]).map { row in
                let cells = row.makeRandomAccess()
                return PersonRecord.Recent(id: try cells.required(0), channel: try cells.required(1),
                                           at: Date(timeIntervalSince1970: try cells.required(2, Double.self)),
                                           status: DedupInfo.Status(rawValue: try cells.required(3, String.self)) ?? .unique,
                                           text: try cells.at(4, String.self) ?? "")
            }
            let incidents = try tx.rows("""
                SELECT DISTINCT i.cluster, i.level, k.last_seen FROM dedup_entries e
                JOIN dedup_clusters k ON k.id = COALESCE(e.cluster, e.id)
                JOIN incidents i ON i.cluster = k.complaint_id
                WHERE e.person = $1 ORDER BY k.last_seen DESC LIMIT 20
                """, [id]).map { row in
                let cells = row.makeRandomAccess()
                return PersonRecord.Incident(cluster: try cells.required(0), level: try cells.required(1),
                                             lastSeen: Date(timeIntervalSince1970: try cells.required(2, Double.self)))
            }
            return PersonRecord(key: key, identities: identities, complaintsByChannel: byChannel,
                                first: first.map(Date.init(timeIntervalSince1970:)), last: last.map(Date.init(timeIntervalSince1970:)),
                                recent: recent, incidents: incidents)
        }
    }

    public func sharedIdentities(limit: Int) async throws -> [SharedIdentity] {
        try await rows("SELECT key FROM dedup_identities WHERE shared ORDER BY key LIMIT $1", [Int64(limit)]).map { row in
            let key = try row.makeRandomAccess().required(0, String.self)
            return SharedIdentity(key: key, kind: IdentityRules.kindName(of: key))
        }
    }
}
