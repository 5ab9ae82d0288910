import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// A commit's writes on SQLite: each row written as it is decided, with
/// cached statements, inside the single writer's transaction.
struct SQLiteCommitWriter: CommitWriter {
    let db: Database
    let index: SQLiteDedupIndex
    /// The commit's time, as every row of it records it.
    let now: String

    var announcesAfterFlush: Bool { false }

    func storedVersions(ids: [String]) throws -> [String: StoredRevision] {
        var out: [String: StoredRevision] = [:]
        // SQLite limits bound parameters per statement; look up in slices.
        let unique = Array(Set(ids))
        var start = 0
        while start < unique.count {
            let slice = unique[start..<min(start + 500, unique.count)]
            let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: "SELECT id, revision, fingerprint, current_rowid, dedup, raw_sha256 FROM complaints WHERE id IN (\(marks))",
                                        arguments: StatementArguments(Array(slice)))
            for row in rows {
                out[row["id"]] = StoredRevision(
                    version: StoredVersion(revision: row["revision"], fingerprint: row["fingerprint"],
                                           dedup: DedupInfo(storedText: row["dedup"]), rawSHA256: row["raw_sha256"] ?? ""),
                    rowid: row["current_rowid"])
            }
            start += 500
        }
        return out
    }

    func insertIngestion(_ start: IngestionStart) throws -> Int64 {
        try SQLiteCommitWriter.insertIngestion(start, status: .processing, counts: nil, db: db)
    }

    /// The manifest entry and the ingestion row of an input.
    static func insertIngestion(_ start: IngestionStart, status: IngestionStatus, counts: IngestCounts?, db: Database) throws -> Int64 {
        let received = RFC3339.string(from: start.receivedAt)
        try db.cachedStatement(sql: """
            INSERT INTO archive_objects (sha256, size, media_type, first_received_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (sha256) DO NOTHING
            """).execute(arguments: [start.object.sha256, start.object.size, start.mediaType, received])
        try db.cachedStatement(sql: """
            INSERT INTO ingestions (channel, channel_type, raw_sha256, source_name, received_at, status, worker,
                                    media_type, metadata, counts, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                start.channel.name, start.channel.type, start.object.sha256, start.sourceName, received,
                status.rawValue, WorkerIdentity.current.description, start.mediaType,
                start.metadata.isEmpty ? nil : IngestionMetadata.encode(start.metadata),
                try counts.map { try $0.storedJSON }, counts == nil ? nil : RFC3339.string(from: Date())])
        return db.lastInsertedRowID
    }

    func finishIngestion(_ id: Int64, status: IngestionStatus, counts: IngestCounts) throws {
        try db.cachedStatement(sql: "UPDATE ingestions SET status = ?, counts = ?, finished_at = ? WHERE id = ?")
            .execute(arguments: [status.rawValue, try counts.storedJSON, now, id])
    }

    func insertQuarantine(_ entries: [QuarantineEntry], ingestion: Int64?) throws {
        guard !entries.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO quarantine (ingestion_id, channel, raw_sha256, location, reason, excerpt, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in entries {
            try insert.execute(arguments: [
                ingestion, entry.channel, entry.rawSHA256, entry.rejection.location, entry.rejection.reason,
                entry.rejection.excerpt, now])
        }
    }

    func write(_ complaint: Complaint, isInsert: Bool, previous: Int64?, ingestion: Int64?, document: String,
               fingerprint: String, dedupEntry: Int64?) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO complaint_revisions (complaint_id, revision, previous_rowid, ingestion_id, document)
            VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [complaint.id, complaint.revision, previous, ingestion, document])
        let revisionRowID = db.lastInsertedRowID
        let type: FeedEventType = !isInsert ? .updated : complaint.dedup.status == .unique ? .received : .duplicate
        try db.cachedStatement(sql: """
            INSERT INTO feed_events (complaint_id, revision, revision_rowid, type, committed_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [complaint.id, complaint.revision, revisionRowID, type.rawValue, now])
        let seq = db.lastInsertedRowID
        if isInsert {
            try db.cachedStatement(sql: """
                INSERT INTO complaints (id, channel, source_id, revision, fingerprint, current_rowid, first_seq, last_seq, dedup, dedup_entry, raw_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    complaint.id, complaint.channel.name, complaint.sourceID, complaint.revision,
                    fingerprint, revisionRowID, seq, seq, complaint.dedup.storedText, dedupEntry, complaint.raw.sha256])
        } else {
            try db.cachedStatement(sql: """
                UPDATE complaints SET revision = ?, fingerprint = ?, current_rowid = ?, last_seq = ?, raw_sha256 = ? WHERE id = ?
                """).execute(arguments: [complaint.revision, fingerprint, revisionRowID, seq, complaint.raw.sha256, complaint.id])
        }
        return revisionRowID
    }

    func document(rowid: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT document FROM complaint_revisions WHERE rowid = ?", arguments: [rowid])
    }

    /// Every row was written as it was decided.
    func flush() throws {}
}
