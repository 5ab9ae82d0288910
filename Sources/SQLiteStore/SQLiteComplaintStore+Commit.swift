import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// Commits through the shared loop (`StoreCommit`) with SQLite's writes
/// (`SQLiteCommitWriter`), in one write transaction each. Documents and dedup
/// features were computed outside the write lock: most complaints are
/// inserted as revision 1 as they are; only the others are encoded again inside.
extension SQLiteComplaintStore: ComplaintCommitter {
    public func commitInputs(_ inputs: [PreparedIntake], dedup: any DedupStage) async throws -> [IntakeOutcome] {
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { [workingSet] db in
                let writer = SQLiteCommitWriter(db: db, index: try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet), now: now)
                var commit = try StoreCommit(inputs.map(\.batch), dedup: dedup, writer: writer)
                return try commit.commitInputs(inputs)
            }
        }
    }

    public func commit(_ batch: PreparedBatch, quarantine: [QuarantineEntry], ingestion: Int64,
                                          dedup: any DedupStage) async throws -> CommitResult {
        let now = RFC3339.string(from: Date())
        return try await guarded {
            try await write { [workingSet] db in
                let writer = SQLiteCommitWriter(db: db, index: try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet), now: now)
                var commit = try StoreCommit([batch], dedup: dedup, writer: writer)
                return try commit.commitBatch(batch, quarantine: quarantine, ingestion: ingestion)
            }
        }
    }

    public func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)] {
        let prepared = PreparedBatch(complaints, dedup: dedup)
        let now = RFC3339.string(from: Date())
        return try await guarded {
            // The decisions are taken exactly as a commit would take them (the dedup
            // index sees the batch's own complaints), then the transaction is rolled back.
            try await writeWithoutTransaction { [workingSet] db in
                var decisions: [(DedupDecision, Complaint?)] = []
                try db.inTransaction {
                    let writer = SQLiteCommitWriter(db: db, index: try SQLiteDedupIndex.forTransaction(db, workingSet: workingSet), now: now)
                    var commit = try StoreCommit([prepared], dedup: dedup, writer: writer)
                    var result = CommitResult()
                    decisions = try commit.apply(prepared, ingestion: nil, result: &result, loadPrevious: true)
                    return .rollback
                }
                return decisions
            }
        }
    }
}
