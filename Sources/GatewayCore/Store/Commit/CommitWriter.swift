import Foundation
import ComplaintModel

/// An engine's writes for one commit, inside its open write transaction.
///
/// `StoreCommit` decides (asks the dedup stage about each complaint) and
/// counts; the writer only says how a row reaches its tables. SQLite writes
/// each row at once; PostgreSQL keeps them until `flush` and writes each table
/// in one statement.
public protocol CommitWriter {
    associatedtype Index: CommitDedupIndex

    /// The dedup index over this transaction.
    var index: Index { get }

    /// Whether level events are written once, after `flush` (so their counts
    /// include complaints only written there), rather than after each input.
    var announcesAfterFlush: Bool { get }

    /// The stored version of each id, with the rowid of its current revision.
    func storedVersions(ids: [String]) throws -> [String: StoredRevision]

    /// The manifest entry and the ingestion row (`processing`) of an input.
    func insertIngestion(_ start: IngestionStart) throws -> Int64

    /// An ingestion's final status and counts.
    func finishIngestion(_ id: Int64, status: IngestionStatus, counts: IngestCounts) throws

    func insertQuarantine(_ entries: [QuarantineEntry], ingestion: Int64?) throws

    /// Writes (or queues) a revision of `complaint`, its feed event, and its
    /// `complaints` row; returns the revision's rowid.
    func write(_ complaint: Complaint, isInsert: Bool, previous: Int64?, ingestion: Int64?, document: String,
               fingerprint: String, dedupEntry: Int64?) throws -> Int64

    /// A revision's document, written or still pending in this transaction.
    func document(rowid: Int64) throws -> String?

    /// Writes one `incident.level_changed` feed event per raise.
    func announce(_ raises: [IncidentRaise]) throws -> [IncidentLevelChange]

    /// Writes one `customer.repeat` or `customer.escalation_risk` feed event per signal.
    func announce(_ signals: [CustomerSignal]) throws

    /// Writes whatever was queued; the last step before the transaction commits.
    func flush() throws
}
