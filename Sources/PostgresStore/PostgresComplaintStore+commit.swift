import Foundation
import ComplaintModel
import GatewayCore

/// Commits: a whole group of inputs decided in memory and written in a
/// handful of statements per table, holding the commit lock for a few round
/// trips rather than eleven per complaint (see `PostgresBatchIndex`).
extension PostgresComplaintStore {
    public func commitInputs<Stage: DedupStage>(_ inputs: [PreparedIntake<Stage>], dedup: Stage) async throws -> [IntakeOutcome] {
        try await commitTransaction { tx, index in
            let commit = try PostgresCommit(inputs.map(\.batch), dedup: dedup, index: index, tx: tx)
            var outcomes: [IntakeOutcome] = []
            var raised: [[IncidentRaise]] = []
            for (position, prepared) in inputs.enumerated() {
                let input = prepared.input
                let ingestion = try Self.insertIngestion(input.start, tx: tx)
                var result = CommitResult()
                _ = try commit.apply(position, ingestion: ingestion, result: &result)
                try Self.insertQuarantine(input.quarantine, ingestion: ingestion, tx: tx)
                let counts = input.parsed.adding(result)
                try tx.execute("UPDATE ingestions SET status = $1, counts = $2, finished_at = now() WHERE id = $3",
                               [input.status.rawValue, String(decoding: try JSONEncoder().encode(counts), as: UTF8.self), ingestion])
                result.massComplaints = index.takeFlagged()
                raised.append(index.takeRaised())
                outcomes.append(IntakeOutcome(ingestion: ingestion, result: result, counts: counts))
            }
            try commit.flush()
            // After the flush, so each event's counts include the complaints that raised it.
            for (position, raises) in raised.enumerated() where !raises.isEmpty {
                outcomes[position].result.incidents = try PostgresIncidentRows.announce(raises, tx: tx)
            }
            return outcomes
        }
    }

    public func commit<Stage: DedupStage>(_ batch: PreparedBatch<Stage>, quarantine: [QuarantineEntry], ingestion: Int64,
                                          dedup: Stage) async throws -> CommitResult {
        try await commitTransaction { tx, index in
            let commit = try PostgresCommit([batch], dedup: dedup, index: index, tx: tx)
            var result = CommitResult()
            _ = try commit.apply(0, ingestion: ingestion, result: &result)
            try Self.insertQuarantine(quarantine, ingestion: ingestion, tx: tx)
            result.massComplaints = index.takeFlagged()
            let raises = index.takeRaised()
            try commit.flush()
            result.incidents = try PostgresIncidentRows.announce(raises, tx: tx)
            return result
        }
    }

    public func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)] {
        let batch = PreparedBatch(complaints, dedup: dedup)
        // Decided exactly as a commit would (the batch sees itself), then rolled back.
        let decisions = try await commitTransaction(rollback: true) { tx, index in
            let commit = try PostgresCommit([batch], dedup: dedup, index: index, tx: tx)
            var result = CommitResult()
            return try commit.apply(0, ingestion: nil, result: &result, loadPrevious: true)
                .map { PreviewItem(decision: $0.0, previous: $0.1) }
        }
        return decisions.map { ($0.decision, $0.previous) }
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

/// The complaints of one commit transaction: decided one by one over the
/// batch index, written at the end (`flush`) with one statement per table.
final class PostgresCommit<Stage: DedupStage> {
    let batches: [PreparedBatch<Stage>]
    let dedup: Stage
    let index: PostgresBatchIndex
    let tx: BlockingTransaction
    /// What the store holds (or this transaction will) under each id.
    private var known: [String: (version: StoredVersion, rowid: Int64)]
    private var rows = PendingComplaintRows()

    init(_ batches: [PreparedBatch<Stage>], dedup: Stage, index: PostgresBatchIndex, tx: BlockingTransaction) throws {
        self.batches = batches
        self.dedup = dedup
        self.index = index
        self.tx = tx
        known = try Self.storedVersions(tx, ids: batches.flatMap { $0.complaints.map(\.complaint.id) })
        if let reads = dedup.reads(batches.flatMap(\.features)) { try index.prefetch(reads) }
    }

    /// Decides each complaint of batch `position` (inside the transaction).
    func apply(_ position: Int, ingestion: Int64?, result: inout CommitResult,
               loadPrevious: Bool = false) throws -> [(DedupDecision, Complaint?)] {
        let batch = batches[position]
        var decisions: [(DedupDecision, Complaint?)] = []
        for (item, incoming) in batch.complaints.enumerated() {
            let existing = known[incoming.complaint.id]
            let decision = try dedup.decide(incoming, features: batch.features[item], existing: existing?.version, index: index)
            var previous: Complaint? = nil
            switch decision {
            case .unchanged:
                result.unchanged += 1
            case .conflict(let rejection):
                try tx.execute("""
                    INSERT INTO quarantine (ingestion_id, channel, raw_sha256, location, reason, excerpt, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, now())
                    """, [ingestion, incoming.complaint.channel.name, incoming.complaint.raw.sha256, rejection.location,
                          rejection.reason, rejection.excerpt])
                result.conflicts.append(rejection)
            case .insert(let complaint), .revise(let complaint):
                let isInsert: Bool
                if case .insert = decision { isInsert = true } else { isInsert = false }
                if !isInsert, loadPrevious, let rowid = existing?.rowid, let document = try document(rowid: rowid) {
                    previous = try JSONDecoder().decode(Complaint.self, from: Data(document.utf8))
                }
                let rowid = try rows.add(complaint, isInsert: isInsert, previous: existing?.rowid, ingestion: ingestion,
                                         document: batch.document(item, for: complaint), fingerprint: incoming.fingerprint,
                                         dedupEntry: index.lastEntry, tx: tx)
                result.count(stored: complaint, isInsert: isInsert)
                known[complaint.id] = (StoredVersion(revision: complaint.revision, fingerprint: incoming.fingerprint,
                                                     dedup: complaint.dedup, rawSHA256: complaint.raw.sha256), rowid)
            }
            index.resetLastEntry()
            decisions.append((decision, previous))
        }
        return decisions
    }

    /// Writes what the decisions wrote: the dedup index's rows, then the complaints'.
    func flush() throws {
        try index.flush()
        try rows.flush(tx)
    }

    /// A revision's document, written or still pending in this transaction.
    private func document(rowid: Int64) throws -> String? {
        if let pending = rows.document(rowid: rowid) { return pending }
        return try tx.scalar(String.self, "SELECT document FROM complaint_revisions WHERE rowid = $1", [rowid])
    }

    /// The stored version of each id, with the rowid of its current revision.
    static func storedVersions(_ tx: BlockingTransaction, ids: [String]) throws -> [String: (version: StoredVersion, rowid: Int64)] {
        var out: [String: (version: StoredVersion, rowid: Int64)] = [:]
        guard !ids.isEmpty else { return out }
        for row in try tx.rows("SELECT id, revision, fingerprint, current_rowid, dedup, raw_sha256 FROM complaints WHERE id = ANY($1)",
                               [Array(Set(ids))]) {
            let cells = row.makeRandomAccess()
            out[try cells.required(0, String.self)] = (
                StoredVersion(revision: Int(try cells.required(1, Int32.self)), fingerprint: try cells.required(2),
                              dedup: DedupInfo(storedText: try cells.at(4, String.self)),
                              rawSHA256: try cells.at(5, String.self) ?? ""),
                try cells.required(3, Int64.self))
        }
        return out
    }
}
