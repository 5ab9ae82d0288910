import Foundation
import ComplaintModel

/// The commit loop every engine shares: for each complaint, the dedup
/// stage's decision given what is stored (or was written earlier in this
/// transaction) under its id, carried out by the engine's `CommitWriter`,
/// and counted. Runs inside the engine's write transaction.
public struct StoreCommit<Writer: CommitWriter> {
    public let dedup: any DedupStage
    public let writer: Writer
    /// What the store holds (or this transaction will) under each id.
    private var known: [String: StoredRevision]

    /// Reads the stored versions of every complaint in `batches` at once.
    public init(_ batches: [PreparedBatch], dedup: any DedupStage, writer: Writer) throws {
        self.dedup = dedup
        self.writer = writer
        known = try writer.storedVersions(ids: batches.flatMap { $0.complaints.map(\.complaint.id) })
    }

    /// Commits whole inputs: for each, in order, its ingestion, its
    /// complaints, its quarantine entries and its final counts.
    public mutating func commitInputs(_ inputs: [PreparedIntake]) throws -> [IntakeOutcome] {
        var outcomes: [IntakeOutcome] = []
        outcomes.reserveCapacity(inputs.count)
        var deferred: [(raises: [IncidentRaise], signals: [CustomerSignal])] = []
        for prepared in inputs {
            let input = prepared.input
            // The ingestion row is written first (its id links the revisions)
            // and given its final counts once the complaints are decided.
            let ingestion = try writer.insertIngestion(input.start)
            var result = CommitResult()
            _ = try apply(prepared.batch, ingestion: ingestion, result: &result)
            try writer.insertQuarantine(input.quarantine, ingestion: ingestion)
            let counts = input.parsed.adding(result)
            try writer.finishIngestion(ingestion, status: input.status, counts: counts)
            result.massComplaints = writer.index.takeFlagged()
            let raises = writer.index.takeRaised()
            let signals = writer.index.takeSignals()
            if writer.announcesAfterFlush {
                deferred.append((raises, signals))
            } else {
                result.incidents = try writer.announce(raises)
                try writer.announce(signals)
                result.customerSignals = signals
            }
            outcomes.append(IntakeOutcome(ingestion: ingestion, result: result, counts: counts))
        }
        try writer.flush()
        for (position, announced) in deferred.enumerated() {
            if !announced.raises.isEmpty { outcomes[position].result.incidents = try writer.announce(announced.raises) }
            try writer.announce(announced.signals)
            outcomes[position].result.customerSignals = announced.signals
        }
        return outcomes
    }

    /// Commits one batch of an input already begun (a large input, streamed).
    public mutating func commitBatch(_ batch: PreparedBatch, quarantine: [QuarantineEntry],
                                     ingestion: Int64) throws -> CommitResult {
        var result = CommitResult()
        _ = try apply(batch, ingestion: ingestion, result: &result)
        try writer.insertQuarantine(quarantine, ingestion: ingestion)
        result.massComplaints = writer.index.takeFlagged()
        let raises = writer.index.takeRaised()
        let signals = writer.index.takeSignals()
        if !writer.announcesAfterFlush {
            result.incidents = try writer.announce(raises)
            try writer.announce(signals)
        }
        try writer.flush()
        if writer.announcesAfterFlush {
            result.incidents = try writer.announce(raises)
            try writer.announce(signals)
        }
        result.customerSignals = signals
        return result
    }

    /// Decides each complaint of `batch` and has the writer store what is
    /// decided. With `loadPrevious`, each revised complaint's stored version
    /// comes back with its decision (a preview's diff).
    public mutating func apply(_ batch: PreparedBatch, ingestion: Int64?, result: inout CommitResult,
                               loadPrevious: Bool = false) throws -> [(DedupDecision, Complaint?)] {
        var decisions: [(DedupDecision, Complaint?)] = []
        decisions.reserveCapacity(batch.complaints.count)
        for (position, incoming) in batch.complaints.enumerated() {
            let existing = known[incoming.complaint.id]
            let decision = try dedup.decide(incoming, features: batch.features[position], existing: existing?.version,
                                            index: writer.index)
            var previous: Complaint? = nil
            switch decision {
            case .unchanged:
                result.unchanged += 1
            case .conflict(let rejection):
                try writer.insertQuarantine([QuarantineEntry(channel: incoming.complaint.channel.name,
                                                             rawSHA256: incoming.complaint.raw.sha256, rejection: rejection)],
                                            ingestion: ingestion)
                result.conflicts.append(rejection)
            case .insert(let complaint), .revise(let complaint):
                let isInsert: Bool
                if case .insert = decision { isInsert = true } else { isInsert = false }
                if !isInsert, loadPrevious, let rowid = existing?.rowid, let document = try writer.document(rowid: rowid) {
                    previous = try JSONDecoder().decode(Complaint.self, from: Data(document.utf8))
                }
                let rowid = try writer.write(complaint, isInsert: isInsert, previous: existing?.rowid, ingestion: ingestion,
                                             document: batch.document(position, for: complaint), fingerprint: incoming.fingerprint,
                                             dedupEntry: writer.index.lastEntry)
                result.count(stored: complaint, isInsert: isInsert)
                known[complaint.id] = StoredRevision(
                    version: StoredVersion(revision: complaint.revision, fingerprint: incoming.fingerprint, dedup: complaint.dedup,
                                           rawSHA256: complaint.raw.sha256),
                    rowid: rowid)
            }
            writer.index.resetLastEntry()
            decisions.append((decision, previous))
        }
        return decisions
    }
}
