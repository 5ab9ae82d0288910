import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// The feed and the complaints it announces, read from WAL snapshots while the writer commits.
extension SQLiteComplaintStore: FeedReader {
    /// What every feed read selects: the event, and the revision it announces
    /// (none for an incident event, whose data is its `payload`).
    static let feedSelection = """
        SELECT f.seq, f.type, f.committed_at, r.document, f.payload
        FROM feed_events f
        LEFT JOIN complaint_revisions r ON r.rowid = f.revision_rowid
        """

    public func feed(after: Int64, limit: Int) async throws -> [FeedEvent] {
        try await guarded {
            try await pool.read { db in
                let decoder = JSONDecoder()
                return try Row.fetchAll(db, sql: """
                    \(Self.feedSelection)
                    WHERE f.seq > ? ORDER BY f.seq LIMIT ?
                    """, arguments: [after, limit]).map { try Self.feedEvent($0, decoder: decoder) }
            }
        }
    }

    public func feed(_ query: FeedQuery) async throws -> [FeedEvent] {
        guard query.channel != nil || query.dedupStatus != nil || !query.includeDuplicates || !query.includeAutomated else {
            return try await feed(after: query.after, limit: query.limit)
        }
        return try await guarded {
            try await pool.read { db in
                let decoder = JSONDecoder()
                // The channel is read from the complaints row (by primary key) and the
                // dedup status from the revision's document: no extra columns to keep
                // in step. A rare channel is found by scanning the events after the cursor.
                return try Row.fetchAll(db, sql: """
                    \(Self.feedSelection)
                    LEFT JOIN complaints c ON c.id = f.complaint_id AND f.payload IS NULL
                    WHERE f.seq > ?1
                      AND (?2 IS NULL OR c.channel = ?2)
                      AND (?3 IS NULL OR json_extract(r.document, '$.dedup.status') = ?3)
                      AND (?4 = 1 OR COALESCE(json_extract(r.document, '$.dedup.status'), '') NOT IN ('duplicate', 'near_duplicate'))
                      AND (?6 = 1 OR json_extract(r.document, '$.automated') IS NULL)
                    ORDER BY f.seq LIMIT ?5
                    """, arguments: [query.after, query.channel, query.dedupStatus, query.includeDuplicates, query.limit,
                                     query.includeAutomated]).map { try Self.feedEvent($0, decoder: decoder) }
            }
        }
    }

    /// A feed row: `seq`, `type`, `committed_at`, and the revision's `document` or the event's `payload`.
    static func feedEvent(_ row: Row, decoder: JSONDecoder) throws -> FeedEvent {
        let committed: String = row["committed_at"]
        return try FeedEvent.decode(sequence: row["seq"], type: row["type"],
                                    committedAt: RFC3339.date(from: committed) ?? Date(timeIntervalSince1970: 0),
                                    document: row["document"], payload: row["payload"], decoder: decoder)
    }

    public func feedEvent(sequence: Int64) async throws -> FeedEvent? {
        try await feed(after: sequence - 1, limit: 1).first { $0.sequence == sequence }
    }

    public func revisions(of id: String) async throws -> [Complaint] {
        let documents = try await guarded {
            try await pool.read { db in
                // Follow the chain from the current revision: every step is a rowid lookup.
                try String.fetchAll(db, sql: """
                    WITH RECURSIVE chain(rowid, previous, document) AS (
                        SELECT r.rowid, r.previous_rowid, r.document FROM complaints c
                        JOIN complaint_revisions r ON r.rowid = c.current_rowid WHERE c.id = ?
                        UNION ALL
                        SELECT r.rowid, r.previous_rowid, r.document FROM complaint_revisions r JOIN chain ON r.rowid = chain.previous
                    )
                    SELECT document FROM chain
                    """, arguments: [id])
            }
        }
        let decoder = JSONDecoder()
        return try documents.map { try decoder.decode(Complaint.self, from: Data($0.utf8)) }
    }

    public func complaint(id: String) async throws -> Complaint? {
        let document = try await guarded {
            try await pool.read { db in
                try String.fetchOne(db, sql: """
                    SELECT r.document FROM complaints c
                    JOIN complaint_revisions r ON r.rowid = c.current_rowid
                    WHERE c.id = ?
                    """, arguments: [id])
            }
        }
        return try document.map { try JSONDecoder().decode(Complaint.self, from: Data($0.utf8)) }
    }

    public func storeID() async throws -> String {
        try await guarded {
            try await pool.read { db in try String.fetchOne(db, sql: "SELECT id FROM store_identity") ?? "" }
        }
    }

    public func latestFeedSequence() async throws -> Int64 {
        try await guarded {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM feed_events") ?? 0 }
        }
    }

    /// Number of stored complaints (current revisions).
    public func complaintCount() async throws -> Int {
        try await guarded {
            try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM complaints") ?? 0 }
        }
    }
}
