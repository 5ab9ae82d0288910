import Foundation
import ComplaintModel
import GatewayCore

/// The complaint rows a commit's decisions wrote, kept until the end of the
/// transaction and written with one statement per table.
///
/// Revision rowids are drawn from their sequence as decisions need them (a
/// later revision of the same complaint in the batch points at the earlier
/// one); feed sequences are drawn at `flush`, exactly as many as there are
/// events and in decision order, under the commit lock, so the feed stays in
/// commit order with no gap of this transaction's making.
struct PendingComplaintRows {
    struct Revision {
        var rowid: Int64
        var complaintID: String
        var revision: Int32
        var previous: Int64?
        var ingestion: Int64?
        var document: String
        var type: String
        var channel: String
        var dedupStatus: String
        var automated: Bool
    }

    /// A `complaints` row to insert (`isNew`) or update, with the positions
    /// of its first and latest revision in `revisions`.
    struct ComplaintRow {
        var id: String
        var isNew: Bool
        var channel: String
        var sourceID: String
        var revision: Int32
        var fingerprint: String
        var rowid: Int64
        var dedup: String?
        var dedupEntry: Int64?
        var raw: String
        var first: Int
        var last: Int
    }

    private(set) var revisions: [Revision] = []
    private var complaints: [ComplaintRow] = []
    private var positions: [String: Int] = [:]
    private var documents: [Int64: Int] = [:]
    private var rowids = IDPool(sequence: "complaint_revisions_rowid_seq")

    /// Records a decision to store `complaint`; returns its revision's rowid.
    mutating func add(_ complaint: Complaint, isInsert: Bool, previous: Int64?, ingestion: Int64?, document: String,
                      fingerprint: String, dedupEntry: Int64?, tx: BlockingTransaction) throws -> Int64 {
        let rowid = try rowids.next(tx)
        let type: FeedEventType = !isInsert ? .updated : complaint.dedup.status == .unique ? .received : .duplicate
        documents[rowid] = revisions.count
        revisions.append(Revision(rowid: rowid, complaintID: complaint.id, revision: Int32(complaint.revision), previous: previous,
                                  ingestion: ingestion, document: document, type: type.rawValue, channel: complaint.channel.name,
                                  dedupStatus: complaint.dedup.status.rawValue, automated: complaint.automated != nil))
        let position = revisions.count - 1
        if let existing = positions[complaint.id] {
            // Revised again in this transaction: one row carries the latest.
            complaints[existing].revision = Int32(complaint.revision)
            complaints[existing].fingerprint = fingerprint
            complaints[existing].rowid = rowid
            complaints[existing].raw = complaint.raw.sha256
            complaints[existing].last = position
        } else {
            positions[complaint.id] = complaints.count
            complaints.append(ComplaintRow(id: complaint.id, isNew: isInsert, channel: complaint.channel.name,
                                           sourceID: complaint.sourceID, revision: Int32(complaint.revision),
                                           fingerprint: fingerprint, rowid: rowid, dedup: isInsert ? complaint.dedup.storedText : nil,
                                           dedupEntry: isInsert ? dedupEntry : nil, raw: complaint.raw.sha256,
                                           first: position, last: position))
        }
        return rowid
    }

    /// The document of a revision recorded here.
    func document(rowid: Int64) -> String? {
        documents[rowid].map { revisions[$0].document }
    }

    /// Writes the revisions, their feed events and the complaint rows.
    mutating func flush(_ tx: BlockingTransaction) throws {
        guard !revisions.isEmpty else { return }
        let seqs = try tx.rows("SELECT nextval('feed_events_seq_seq') FROM generate_series(1, $1) ORDER BY 1", [Int64(revisions.count)])
            .map { try $0.makeRandomAccess().required(0, Int64.self) }
        guard seqs.count == revisions.count else { throw PostgresStoreError("feed_events_seq_seq returned \(seqs.count) values") }
        // NULLs travel as 0 (no rowid or ingestion id is 0) and "" (no stored verdict is empty).
        try tx.execute("""
            INSERT INTO complaint_revisions (rowid, complaint_id, revision, previous_rowid, ingestion_id, document)
            SELECT rowid, complaint_id, revision, NULLIF(previous, 0), NULLIF(ingestion, 0), document
            FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int8[], $5::int8[], $6::text[])
                 AS t(rowid, complaint_id, revision, previous, ingestion, document)
            """, [revisions.map(\.rowid), revisions.map(\.complaintID), revisions.map(\.revision), revisions.map { $0.previous ?? 0 },
                  revisions.map { $0.ingestion ?? 0 }, revisions.map(\.document)])
        try tx.execute("""
            INSERT INTO feed_events (seq, complaint_id, revision, revision_rowid, type, committed_at, channel, dedup_status, automated)
            SELECT seq, complaint_id, revision, rowid, type, now(), channel, dedup_status, automated
            FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int8[], $5::text[], $6::text[], $7::text[], $8::bool[])
                 AS t(seq, complaint_id, revision, rowid, type, channel, dedup_status, automated)
            """, [seqs, revisions.map(\.complaintID), revisions.map(\.revision), revisions.map(\.rowid), revisions.map(\.type),
                  revisions.map(\.channel), revisions.map(\.dedupStatus), revisions.map(\.automated)])
        let inserts = complaints.filter(\.isNew), updates = complaints.filter { !$0.isNew }
        if !inserts.isEmpty {
            try tx.execute("""
                INSERT INTO complaints (id, channel, source_id, revision, fingerprint, current_rowid, first_seq, last_seq, dedup,
                                        dedup_entry, raw_sha256)
                SELECT id, channel, source_id, revision, fingerprint, rowid, first_seq, last_seq, NULLIF(dedup, ''),
                       NULLIF(dedup_entry, 0), raw
                FROM unnest($1::text[], $2::text[], $3::text[], $4::int4[], $5::text[], $6::int8[], $7::int8[], $8::int8[],
                            $9::text[], $10::int8[], $11::text[])
                     AS t(id, channel, source_id, revision, fingerprint, rowid, first_seq, last_seq, dedup, dedup_entry, raw)
                """, [inserts.map(\.id), inserts.map(\.channel), inserts.map(\.sourceID), inserts.map(\.revision),
                      inserts.map(\.fingerprint), inserts.map(\.rowid), inserts.map { seqs[$0.first] }, inserts.map { seqs[$0.last] },
                      inserts.map { $0.dedup ?? "" }, inserts.map { $0.dedupEntry ?? 0 }, inserts.map(\.raw)])
        }
        if !updates.isEmpty {
            try tx.execute("""
                UPDATE complaints c SET revision = u.revision, fingerprint = u.fingerprint, current_rowid = u.rowid,
                       last_seq = u.last_seq, raw_sha256 = u.raw
                FROM unnest($1::text[], $2::int4[], $3::text[], $4::int8[], $5::int8[], $6::text[])
                     AS u(id, revision, fingerprint, rowid, last_seq, raw)
                WHERE c.id = u.id
                """, [updates.map(\.id), updates.map(\.revision), updates.map(\.fingerprint), updates.map(\.rowid),
                      updates.map { seqs[$0.last] }, updates.map(\.raw)])
        }
        self = PendingComplaintRows()
    }
}
