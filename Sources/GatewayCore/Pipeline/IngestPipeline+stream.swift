import Foundation
import ComplaintModel

extension IngestPipeline {
    /// Commits an input larger than one batch as it is read: the ingestion is
    /// recorded first (`processing`, so a crash midway is found and resumed),
    /// then batch after batch, then its end.
    ///
    /// Committing batch N runs while batch N+1 is parsed and prepared (its
    /// documents and dedup features): that is CPU work on this task, the store
    /// writes on its own queue, so two cores share the load. At most one commit
    /// is in flight, which bounds memory to two batches.
    func stream(_ parse: inout InputParse, start: IngestionStart,
                progress: (@Sendable (IngestCounts) -> Void)?) async throws -> IngestReport {
        let ingestion = try await store.beginIngestion(start)
        var decided = IngestCounts()
        var inFlight: Task<CommitResult, any Error>? = nil
        func settle(_ parse: inout InputParse) async throws {
            guard let task = inFlight else { return }
            inFlight = nil
            let result = try await task.value
            decided = decided.adding(result)
            parse.sample(result.conflicts)
            var log = parse.log
            log[metadataKey: "ingestion"] = "\(ingestion)"
            var ignored = IngestReport()
            note(result, into: &ignored, channel: parse.channel.name, log: log)
            var counts = parse.counts
            counts += decided
            progress?(counts)
        }
        while true {
            let batch = parse.takeBatch()
            // Prepared here, while the writer is still busy with the previous batch.
            let prepared = PreparedBatch(batch.complaints, dedup: dedup)
            try await settle(&parse)
            if !batch.complaints.isEmpty || !batch.quarantine.isEmpty {
                let store = self.store, dedup = self.dedup
                inFlight = Task { try await store.commit(prepared, quarantine: batch.quarantine, ingestion: ingestion, dedup: dedup) }
            }
            if parse.finished { break }
            parse.readBatch()
        }
        try await settle(&parse)
        var counts = parse.counts
        counts += decided
        try await store.finishIngestion(ingestion, counts: counts, status: parse.status)
        var report = parse.report
        report.ingestion = ingestion
        report.counts = counts
        return report
    }
}
