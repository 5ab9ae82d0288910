import ComplaintModel

/// One input processed to its end, on its way into the store in one piece:
/// its manifest entry, what it produced, and how it ended.
///
/// A small input (a form post, one message, a feed document, a short file)
/// is parsed whole before anything is written, then committed as one of
/// these: the ingestion is recorded already finished, in the same transaction
/// as its complaints, and many of them share one transaction (`GroupCommitter`).
public struct IntakeCommit: Sendable {
    public var start: IngestionStart
    public var complaints: [NormalizedComplaint]
    public var quarantine: [QuarantineEntry]
    /// What parsing counted (`read`, `skipped`, `quarantined`); the commit adds
    /// what the store decided.
    public var parsed: IngestCounts
    public var status: IngestionStatus

    public init(start: IngestionStart, complaints: [NormalizedComplaint], quarantine: [QuarantineEntry],
                parsed: IngestCounts, status: IngestionStatus) {
        self.start = start
        self.complaints = complaints
        self.quarantine = quarantine
        self.parsed = parsed
        self.status = status
    }
}

/// An `IntakeCommit` with its complaints prepared for the writer.
public struct PreparedIntake: Sendable {
    public var input: IntakeCommit
    public var batch: PreparedBatch

    /// Prepares the input's complaints (on the caller's task, in parallel).
    public init(_ input: IntakeCommit, dedup: any DedupStage) {
        self.input = input
        self.batch = PreparedBatch(input.complaints, dedup: dedup)
    }
}

/// What the store did with one `IntakeCommit`.
public struct IntakeOutcome: Sendable, Equatable {
    /// The ingestion recorded for the input.
    public var ingestion: Int64
    public var result: CommitResult
    /// The input's final counts, as recorded with its ingestion.
    public var counts: IngestCounts

    public init(ingestion: Int64, result: CommitResult, counts: IngestCounts) {
        self.ingestion = ingestion
        self.result = result
        self.counts = counts
    }
}

extension IngestCounts {
    /// Parse counts completed with what a commit decided.
    public func adding(_ result: CommitResult) -> IngestCounts {
        var counts = self
        counts.new += result.inserted
        counts.updated += result.updated
        counts.unchanged += result.unchanged
        counts.quarantined += result.conflicts.count
        return counts
    }
}
