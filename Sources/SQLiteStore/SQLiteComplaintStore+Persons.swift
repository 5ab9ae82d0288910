import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Persons as the dedup index linked them (`PersonDirectory`).
extension SQLiteComplaintStore: PersonDirectory {
    public func person(_ lookup: PersonLookup) async throws -> PersonRecord? {
        try await guarded {
            try await pool.read { db -> PersonRecord? in
                let id: Int64?
                switch lookup {
                case .person(let key):
                    id = try Int64.fetchOne(db, sql: "SELECT COALESCE(merged_into, person) FROM dedup_person_keys WHERE key = ?", arguments: [key])
                case .identity(let key):
                    id = try Int64.fetchOne(db, sql: "SELECT person FROM dedup_identities WHERE key = ? AND shared = 0 AND person != 0",
                                            arguments: [key])
                }
                guard let id, let key = try String.fetchOne(db, sql: "SELECT key FROM dedup_person_keys WHERE person = ?", arguments: [id])
                else { return nil }
                let identities = try String.fetchAll(db, sql: """
                    SELECT key FROM dedup_identities WHERE person = ? AND shared = 0 ORDER BY key LIMIT 100
                    """, arguments: [id])
                var byChannel: [String: Int] = [:]
                var first: Double?, last: Double?
                for row in try Row.fetchAll(db, sql: """
                    SELECT c.channel, COUNT(*), MIN(e.at), MAX(e.at) FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
                    WHERE e.person = ? GROUP BY c.channel
                    """, arguments: [id]) {
                    byChannel[row[0]] = row[1]
                    let lo: Double = row[2], hi: Double = row[3]
                    first = min(first ?? lo, lo)
                    last = max(last ?? hi, hi)
                }
                let recent = try Row.fetchAll(db, sql: """
                    SELECT e.complaint_id, c.channel, e.at, e.status,
                           substr(COALESCE(NULLIF(json_extract(r.document, '$.body'), ''), json_extract(r.document, '$.subject'), ''), 1, 300)
                    FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
                    JOIN complaint_revisions r ON r.rowid = c.current_rowid
                    WHERE e.person = ? ORDER BY e.at DESC, e.id DESC LIMIT ?
                    """, arguments: [id, PersonRecord.recentLimit]).map { row in
                    let at: Double = row[2]
                    return PersonRecord.Recent(id: row[0], channel: row[1], at: Date(timeIntervalSince1970: at),
                                               status: DedupInfo.Status(rawValue: row[3]) ?? .unique, text: row[4] ?? "")
                }
                let incidents = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT i.cluster, i.level, k.last_seen FROM dedup_entries e
                    JOIN dedup_clusters k ON k.id = COALESCE(e.cluster, e.id)
                    JOIN incidents i ON i.cluster = k.complaint_id
                    WHERE e.person = ? ORDER BY k.last_seen DESC LIMIT 20
                    """, arguments: [id]).map { row in
                    let seen: Double = row[2]
                    return PersonRecord.Incident(cluster: row[0], level: row[1], lastSeen: Date(timeIntervalSince1970: seen))
                }
                return PersonRecord(key: key, identities: identities, complaintsByChannel: byChannel,
                                    first: first.map(Date.init(timeIntervalSince1970:)), last: last.map(Date.init(timeIntervalSince1970:)),
                                    recent: recent, incidents: incidents)
            }
        }
    }

    public func sharedIdentities(limit: Int) async throws -> [SharedIdentity] {
        try await guarded {
            try await pool.read { db in
                try String.fetchAll(db, sql: "SELECT key FROM dedup_identities WHERE shared = 1 ORDER BY key LIMIT ?", arguments: [limit])
                    .map { SharedIdentity(key: $0, kind: IdentityRules.kindName(of: $0)) }
            }
        }
    }
}
