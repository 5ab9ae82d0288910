import Foundation
import ComplaintModel

/// Writes complaints: every decision about duplicates is taken inside the
/// write transaction, so two writers can never both insert one complaint.
///
/// Implementations must make each call atomic: a batch's complaints, feed
/// events and quarantine entries are stored together or not at all. Engines
/// share the decision loop (`StoreCommit`) and supply only their writes.
public protocol ComplaintCommitter: Sendable {
    /// Applies one batch: asks `dedup` about each complaint given the version
    /// already stored under its id, writes what it decides and the quarantine
    /// entries, in one transaction.
    func commit(_ batch: PreparedBatch, quarantine: [QuarantineEntry], ingestion: Int64,
                                   dedup: any DedupStage) async throws -> CommitResult

    /// Commits whole inputs in one transaction: for each, in order, its
    /// manifest entry and ingestion (recorded finished, with its counts), its
    /// complaints as `dedup` decides them, and its quarantine entries. All of
    /// them or none are stored; the outcomes are in the inputs' order.
    func commitInputs(_ inputs: [PreparedIntake], dedup: any DedupStage) async throws -> [IntakeOutcome]

    /// What `dedup` would decide for each complaint, without writing anything,
    /// with the stored complaint for every one that would change.
    func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)]
}

extension ComplaintCommitter {
    /// `commit` of complaints not prepared yet (prepared here).
    public func commit(_ complaints: [NormalizedComplaint], quarantine: [QuarantineEntry], ingestion: Int64,
                       dedup: some DedupStage) async throws -> CommitResult {
        try await commit(PreparedBatch(complaints, dedup: dedup), quarantine: quarantine, ingestion: ingestion, dedup: dedup)
    }

    /// `commitInputs` of inputs not prepared yet (prepared here).
    public func commitInputs(_ inputs: [IntakeCommit], dedup: some DedupStage) async throws -> [IntakeOutcome] {
        try await commitInputs(inputs.map { PreparedIntake($0, dedup: dedup) }, dedup: dedup)
    }
}
