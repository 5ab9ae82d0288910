import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// The archive manifest: walked, pruned, counted per channel and day.
extension SQLiteComplaintStore: ArchiveManifest {
    public func archivedObjects(after: String, limit: Int) async throws -> [ArchivedObjectRecord] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT sha256, size, media_type, first_received_at FROM archive_objects
                    WHERE sha256 > ? AND pruned_at IS NULL ORDER BY sha256 LIMIT ?
                    """, arguments: [after, limit]).map { row in
                    let received: String = row["first_received_at"]
                    return ArchivedObjectRecord(sha256: row["sha256"], size: row["size"], mediaType: row["media_type"],
                                                firstReceivedAt: RFC3339.date(from: received) ?? Date(timeIntervalSince1970: 0))
                }
            }
        }
    }

    public func pruneCandidates(before cutoff: Date, limit: Int, dryRun: Bool) async throws -> [ArchivedObjectRecord] {
        let cutoffText = RFC3339.string(from: cutoff)
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT o.sha256, o.size, o.media_type, o.first_received_at FROM archive_objects o
                    WHERE o.pruned_at IS NULL AND julianday(o.first_received_at) < julianday(?1)
                      AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = o.sha256)
                      AND NOT EXISTS (SELECT 1 FROM ingestions i WHERE i.raw_sha256 = o.sha256
                                      AND (i.status = 'processing' OR julianday(i.received_at) >= julianday(?1)))
                      AND NOT EXISTS (SELECT 1 FROM ingestions i
                                      JOIN complaint_revisions r ON r.ingestion_id = i.id
                                      JOIN complaints c ON c.id = r.complaint_id
                                      JOIN feed_events f ON f.seq = c.last_seq
                                      WHERE i.raw_sha256 = o.sha256 AND julianday(f.committed_at) >= julianday(?1))
                    ORDER BY o.first_received_at LIMIT ?2
                    """, arguments: [cutoffText, limit])
                let records = rows.map { row in
                    let received: String = row["first_received_at"]
                    return ArchivedObjectRecord(sha256: row["sha256"], size: row["size"], mediaType: row["media_type"],
                                                firstReceivedAt: RFC3339.date(from: received) ?? Date(timeIntervalSince1970: 0))
                }
                if !dryRun {
                    for r in records {
                        try db.execute(sql: "UPDATE archive_objects SET pruned_at = ? WHERE sha256 = ?", arguments: [now, r.sha256])
                    }
                }
                return records
            }
        }
    }

    public func archiveStatistics() async throws -> [ArchiveDayStatistics] {
        try await guarded {
            try await pool.read { db in
                // One row per (input, channel): its first ingestion's day, its latest counts.
                try Row.fetchAll(db, sql: """
                    SELECT i.channel, substr(o.first_received_at, 1, 10) AS day, COUNT(*) AS inputs,
                           SUM(o.size) AS bytes, group_concat(coalesce(i.counts, '{}'), char(30)) AS counts
                    FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
                    WHERE i.id IN (SELECT MAX(id) FROM ingestions WHERE status != 'superseded' GROUP BY raw_sha256, channel)
                    GROUP BY i.channel, day ORDER BY day, i.channel
                    """).map { row in
                    var total = IngestCounts()
                    let joined: String = row["counts"]
                    for part in joined.split(separator: "\u{1E}") {
                        if let c = try? JSONDecoder().decode(IngestCounts.self, from: Data(part.utf8)) { total += c }
                    }
                    return ArchiveDayStatistics(channel: row["channel"], day: row["day"], inputs: row["inputs"],
                                                bytes: row["bytes"], counts: total)
                }
            }
        }
    }

    /// The inputs a replay takes: the latest non-superseded ingestion of each
    /// (input, channel) pair up to ?1, after ?2, matching the filter (?3-?7).
    /// Walks ingestions by id from the cursor and checks "is it the latest" per
    /// row through the (raw_sha256, channel, id) index, so a page costs the same
    /// at the end of a large archive as at its start.
    static let replaySelection = """
        FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
        WHERE i.id > ?2 AND i.id <= ?1 AND i.status != 'superseded'
          AND NOT EXISTS (SELECT 1 FROM ingestions j
                          WHERE j.raw_sha256 = i.raw_sha256 AND j.channel = i.channel
                            AND j.id > i.id AND j.id <= ?1 AND j.status != 'superseded')
          AND o.pruned_at IS NULL
          AND (?3 IS NULL OR i.channel = ?3)
          AND (?4 IS NULL OR julianday(o.first_received_at) >= julianday(?4))
          AND (?5 IS NULL OR julianday(o.first_received_at) < julianday(?5))
          AND (?6 IS NULL OR i.raw_sha256 = ?6)
          AND (?7 = 0 OR EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = i.raw_sha256 AND q.channel = i.channel))
        """
}
