import Foundation
import ComplaintModel
import GatewayCore

/// Commits through the shared loop (`StoreCommit`) with PostgreSQL's writes
/// (`PostgresCommitWriter`): a whole group of inputs decided in memory and
/// written in a handful of statements per table, holding the commit lock for a
/// few round trips rather than eleven per complaint (see `PostgresBatchIndex`).
extension PostgresComplaintStore: ComplaintCommitter {
    public func commitInputs(_ inputs: [PreparedIntake], dedup: any DedupStage) async throws -> [IntakeOutcome] {
        try await commitTransaction { tx, index in
            var commit = try Self.storeCommit(inputs.map(\.batch), dedup: dedup, index: index, tx: tx)
            return try commit.commitInputs(inputs)
        }
    }

    public func commit(_ batch: PreparedBatch, quarantine: [QuarantineEntry], ingestion: Int64,
                                          dedup: any DedupStage) async throws -> CommitResult {
        try await commitTransaction { tx, index in
            var commit = try Self.storeCommit([batch], dedup: dedup, index: index, tx: tx)
            return try commit.commitBatch(batch, quarantine: quarantine, ingestion: ingestion)
        }
    }

    public func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)] {
        let batch = PreparedBatch(complaints, dedup: dedup)
        // Decided exactly as a commit would (the batch sees itself), then rolled back.
        let decisions = try await commitTransaction(rollback: true) { tx, index in
            var commit = try Self.storeCommit([batch], dedup: dedup, index: index, tx: tx)
            var result = CommitResult()
            return try commit.apply(batch, ingestion: nil, result: &result, loadPrevious: true)
                .map { PreviewItem(decision: $0.0, previous: $0.1) }
        }
        return decisions.map { ($0.decision, $0.previous) }
    }

    /// The shared commit loop over this transaction, with what the batches'
    /// decisions will read fetched first (one round trip, not one per complaint).
    private static func storeCommit(_ batches: [PreparedBatch], dedup: any DedupStage, index: PostgresBatchIndex,
                                                      tx: BlockingTransaction) throws -> StoreCommit<PostgresCommitWriter> {
        let commit = try StoreCommit(batches, dedup: dedup, writer: PostgresCommitWriter(index: index, tx: tx))
        if let reads = dedup.reads(batches.flatMap(\.features)) { try index.prefetch(reads) }
        return commit
    }

    /// `(DedupDecision, Complaint?)` across the thread hop (tuples are not Sendable).
    struct PreviewItem: Sendable {
        var decision: DedupDecision
        var previous: Complaint?
    }

    /// A transaction holding the commit lock, with this instance's dedup
    /// working set caught up on other instances' commits first and told the
    /// outcome after. This instance's commits take turns (`commitTurn`) so the
    /// working set sees one transaction at a time; they would wait for the
    /// commit lock anyway.
    func commitTransaction<T: Sendable>(rollback: Bool = false,
                                        _ body: @escaping @Sendable (BlockingTransaction, PostgresBatchIndex) throws -> T) async throws -> T {
        let workingSet = self.workingSet
        return try await commitTurn.run {
            do {
                let value = try await transaction(rollback: rollback) { tx in
                    try tx.execute(Self.commitLock)
                    try workingSet.synchronize(
                        maximumEntry: { try tx.scalar(Int64.self, "SELECT COALESCE(MAX(id), 0) FROM dedup_entries") ?? 0 },
                        after: { entry in
                            try tx.rows("SELECT id, at, bands FROM dedup_entries WHERE id > $1 ORDER BY id", [entry]).map { row in
                                let cells = row.makeRandomAccess()
                                let at = Date(timeIntervalSince1970: try cells.required(1, Double.self))
                                return DedupWorkingSet.Record(entry: try cells.required(0), day: PostgresBatchIndex.day(at),
                                                              keys: try cells.at(2, Data.self).map(BandKeyBytes.decode))
                            }
                        })
                    return try body(tx, PostgresBatchIndex(tx, workingSet: workingSet))
                }
                if rollback { workingSet.rolledBack() } else { workingSet.committed() }
                return value
            } catch {
                workingSet.rolledBack()
                throw error
            }
        }
    }
}
