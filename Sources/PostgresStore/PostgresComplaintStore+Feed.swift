import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// The feed and the complaints it announces.
extension PostgresComplaintStore: FeedReader {
    static let feedColumns = "f.seq, f.type, f.committed_at, r.document, f.payload"

    static func feedEvent(_ row: PostgresRow, decoder: JSONDecoder) throws -> FeedEvent {
        let cells = row.makeRandomAccess()
        return try FeedEvent.decode(sequence: try cells.required(0), type: try cells.required(1, String.self),
                                    committedAt: try cells.required(2, Date.self), document: try cells.at(3, String.self),
                                    payload: try cells.at(4, String.self), decoder: decoder)
    }

    public func feed(after: Int64, limit: Int) async throws -> [FeedEvent] {
        try await feed(FeedQuery(after: after, limit: limit))
    }

    public func feed(_ query: FeedQuery) async throws -> [FeedEvent] {
        let decoder = JSONDecoder()
        return try await rows("""
            SELECT \(Self.feedColumns)
            FROM feed_events f LEFT JOIN complaint_revisions r ON r.rowid = f.revision_rowid
            WHERE f.seq > $1
              AND ($2::text IS NULL OR f.channel = $2)
              AND ($3::text IS NULL OR f.dedup_status = $3)
              AND ($4 OR f.dedup_status NOT IN ('duplicate', 'near_duplicate'))
              AND ($6 OR NOT f.automated)
            ORDER BY f.seq LIMIT $5
            """, [query.after, query.channel, query.dedupStatus, query.includeDuplicates, Int64(query.limit), query.includeAutomated])
            .map { try Self.feedEvent($0, decoder: decoder) }
    }

    public func feedEvent(sequence: Int64) async throws -> FeedEvent? {
        try await feed(after: sequence - 1, limit: 1).first { $0.sequence == sequence }
    }

    public func complaint(id: String) async throws -> Complaint? {
        guard let row = try await rows("""
            SELECT r.document FROM complaints c JOIN complaint_revisions r ON r.rowid = c.current_rowid WHERE c.id = $1
            """, [id]).first else { return nil }
        return try JSONDecoder().decode(Complaint.self, from: Data(try row.makeRandomAccess().required(0, String.self).utf8))
    }

    public func revisions(of id: String) async throws -> [Complaint] {
        let decoder = JSONDecoder()
        return try await rows("""
            WITH RECURSIVE chain(rowid, previous, document) AS (
                SELECT r.rowid, r.previous_rowid, r.document FROM complaints c
                JOIN complaint_revisions r ON r.rowid = c.current_rowid WHERE c.id = $1
                UNION ALL
                SELECT r.rowid, r.previous_rowid, r.document FROM complaint_revisions r JOIN chain ON r.rowid = chain.previous
            )
            SELECT document FROM chain
            """, [id]).map { try decoder.decode(Complaint.self, from: Data(try $0.makeRandomAccess().required(0, String.self).utf8)) }
    }

    public func complaintCount() async throws -> Int {
        Int(try await rows("SELECT COUNT(*) FROM complaints").first?.makeRandomAccess().required(0, Int64.self) ?? 0)
    }

    public func storeID() async throws -> String {
        try await rows("SELECT id FROM store_identity").first?.makeRandomAccess().required(0, String.self) ?? ""
    }

    public func latestFeedSequence() async throws -> Int64 {
        try await rows("SELECT COALESCE(MAX(seq), 0) FROM feed_events").first?.makeRandomAccess().required(0, Int64.self) ?? 0
    }
}
