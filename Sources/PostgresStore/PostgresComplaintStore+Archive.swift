import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// The archive manifest: walked, pruned, counted per channel and day.
extension PostgresComplaintStore: ArchiveManifest {
    static func archivedObject(_ row: PostgresRow) throws -> ArchivedObjectRecord {
        let c = row.makeRandomAccess()
        return ArchivedObjectRecord(sha256: try c.required(0), size: Int(try c.required(1, Int64.self)), mediaType: try c.required(2),
                                    firstReceivedAt: try c.required(3))
    }

    public func archivedObjects(after: String, limit: Int) async throws -> [ArchivedObjectRecord] {
        try await rows("""
            SELECT sha256, size, media_type, first_received_at FROM archive_objects
            WHERE sha256 > $1 AND pruned_at IS NULL ORDER BY sha256 LIMIT $2
            """, [after, Int64(limit)]).map(Self.archivedObject)
    }

    public func pruneCandidates(before cutoff: Date, limit: Int, dryRun: Bool) async throws -> [ArchivedObjectRecord] {
        try await transaction { tx in
            let records = try tx.rows("""
                SELECT o.sha256, o.size, o.media_type, o.first_received_at FROM archive_objects o
                WHERE o.pruned_at IS NULL AND o.first_received_at < $1
                  AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_sha256 = o.sha256)
                  AND NOT EXISTS (SELECT 1 FROM ingestions i WHERE i.raw_sha256 = o.sha256
                                  AND (i.status = 'processing' OR i.received_at >= $1))
                  AND NOT EXISTS (SELECT 1 FROM ingestions i
                                  JOIN complaint_revisions r ON r.ingestion_id = i.id
                                  JOIN complaints c ON c.id = r.complaint_id
                                  JOIN feed_events f ON f.seq = c.last_seq
                                  WHERE i.raw_sha256 = o.sha256 AND f.committed_at >= $1)
                ORDER BY o.first_received_at LIMIT $2
                FOR UPDATE OF o SKIP LOCKED
                """, [cutoff, Int64(limit)]).map(Self.archivedObject)
            if !dryRun, !records.isEmpty {
                try tx.execute("UPDATE archive_objects SET pruned_at = now() WHERE sha256 = ANY($1)", [records.map(\.sha256)])
            }
            return records
        }
    }

    public func archiveStatistics() async throws -> [ArchiveDayStatistics] {
        // One row per (input, channel): its first receipt's UTC day, its latest counts.
        try await rows("""
            SELECT i.channel, to_char(o.first_received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, COUNT(*),
                   SUM(o.size)::bigint, string_agg(COALESCE(i.counts, '{}'), chr(30))
            FROM ingestions i JOIN archive_objects o ON o.sha256 = i.raw_sha256
            WHERE i.id IN (SELECT MAX(id) FROM ingestions WHERE status != 'superseded' GROUP BY raw_sha256, channel)
            GROUP BY i.channel, day ORDER BY day, i.channel
            """).map { row in
            let c = row.makeRandomAccess()
            var total = IngestCounts()
            for part in try c.required(4, String.self).split(separator: "\u{1E}") {
                if let counts = try? JSONDecoder().decode(IngestCounts.self, from: Data(part.utf8)) { total += counts }
            }
            return ArchiveDayStatistics(channel: try c.required(0), day: try c.required(1), inputs: Int(try c.required(2, Int64.self)),
                                        bytes: Int(try c.required(3, Int64.self)), counts: total)
        }
    }

}
