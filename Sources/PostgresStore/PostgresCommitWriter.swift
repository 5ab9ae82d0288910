import Foundation
import ComplaintModel
import GatewayCore

/// A commit's writes on PostgreSQL: decided one by one over the batch index
/// (`StoreCommit`), written at the end (`flush`) with one statement per table.
final class PostgresCommitWriter: CommitWriter {
    let index: PostgresBatchIndex
    let tx: BlockingTransaction
    private var rows = PendingComplaintRows()

    init(index: PostgresBatchIndex, tx: BlockingTransaction) {
        self.index = index
        self.tx = tx
    }

    /// Level events are written after the flush, so that their counts include
    /// the complaints that raised them.
    var announcesAfterFlush: Bool { true }

    func storedVersions(ids: [String]) throws -> [String: StoredRevision] {
        var out: [String: StoredRevision] = [:]
        guard !ids.isEmpty else { return out }
        for row in try tx.rows("SELECT id, revision, fingerprint, current_rowid, dedup, raw_sha256 FROM complaints WHERE id = ANY($1)",
                               [Array(Set(ids))]) {
            let cells = row.makeRandomAccess()
            out[try cells.required(0, String.self)] = StoredRevision(
                version: StoredVersion(revision: Int(try cells.required(1, Int32.self)), fingerprint: try cells.required(2),
                                       dedup: DedupInfo(storedText: try cells.at(4, String.self)),
                                       rawSHA256: try cells.at(5, String.self) ?? ""),
                rowid: try cells.required(3, Int64.self))
        }
        return out
    }

    func insertIngestion(_ start: IngestionStart) throws -> Int64 {
        try PostgresComplaintStore.insertIngestion(start, tx: tx)
    }

    func finishIngestion(_ id: Int64, status: IngestionStatus, counts: IngestCounts) throws {
        try tx.execute("UPDATE ingestions SET status = $1, counts = $2, finished_at = now() WHERE id = $3",
                       [status.rawValue, try counts.storedJSON, id])
    }

    func insertQuarantine(_ entries: [QuarantineEntry], ingestion: Int64?) throws {
        for entry in entries {
            try tx.execute("""
                INSERT INTO quarantine (ingestion_id, channel, raw_sha256, location, reason, excerpt, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, now())
                """, [ingestion, entry.channel, entry.rawSHA256, entry.rejection.location, entry.rejection.reason,
                      entry.rejection.excerpt])
        }
    }

    func write(_ complaint: Complaint, isInsert: Bool, previous: Int64?, ingestion: Int64?, document: String,
               fingerprint: String, dedupEntry: Int64?) throws -> Int64 {
        try rows.add(complaint, isInsert: isInsert, previous: previous, ingestion: ingestion, document: document,
                     fingerprint: fingerprint, dedupEntry: dedupEntry, tx: tx)
    }

    func document(rowid: Int64) throws -> String? {
        if let pending = rows.document(rowid: rowid) { return pending }
        return try tx.scalar(String.self, "SELECT document FROM complaint_revisions WHERE rowid = $1", [rowid])
    }

    func announce(_ raises: [IncidentRaise]) throws -> [IncidentLevelChange] {
        try PostgresIncidentRows.announce(raises, tx: tx)
    }

    func announce(_ signals: [CustomerSignal]) throws {
        try PostgresSignalRows.announce(signals, tx: tx)
    }

    /// Writes what the decisions wrote: the dedup index's rows, then the complaints'.
    func flush() throws {
        try index.flush()
        try rows.flush(tx)
    }
}
