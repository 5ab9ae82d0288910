import Foundation
import Logging
import ComplaintModel

/// Feeds archived raw inputs through today's plugins and stages again: after a
/// parser fix, a configuration change, or to retry what was quarantined.
///
/// Idempotent by construction: the same input yields the same complaint ids,
/// an unchanged result changes nothing, a changed one becomes a new revision
/// with a `complaint.updated` event, so running the same replay twice changes
/// nothing the second time. It works input by input and batch by batch, so live
/// ingestion interleaves with it and memory does not grow with the archive.
public struct Replayer: Sendable {
    public let pipeline: IngestPipeline
    /// Changed complaints whose field-level diff a dry run collects.
    public let diffSamples: Int
    /// How often (in inputs) the run's position is saved. A resumed run redoes
    /// at most this many inputs, which is harmless (replay is idempotent) and
    /// saves a write transaction per input.
    public let checkpointEvery: Int

    public init(pipeline: IngestPipeline, diffSamples: Int = 5, checkpointEvery: Int = 50) {
        self.pipeline = pipeline
        self.diffSamples = diffSamples
        self.checkpointEvery = max(1, checkpointEvery)
    }

    /// Replays the inputs `filter` selects with the channels configured now.
    ///
    /// - Parameters:
    ///   - dryRun: classify only; write nothing (not even quarantine changes).
    ///   - rate: at most this many inputs per second, to leave the store to live
    ///     ingestion; nil for as fast as possible.
    ///   - progress: called after each input with the running summary.
    public func run(_ filter: ReplayFilter, channels: [ConfiguredChannel], dryRun: Bool = false, rate: Double? = nil,
                    progress: (@Sendable (ReplaySummary) -> Void)? = nil) async throws -> ReplaySummary {
        let started = ContinuousClock.now
        let store = pipeline.store
        let byName = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var summary = ReplaySummary()
        // A real replay is a persisted run: interrupted, the same command resumes
        // after the last input it finished. A dry run starts over each time.
        let latest = try await store.latestIngestionID()
        let run: ReplayRun? = dryRun ? nil : try await store.openReplayRun(filterKey: filter.key, through: latest)
        let through = run?.through ?? latest
        var cursor: Int64 = run?.cursor ?? 0
        summary.resumedAfter = run?.resumed == true ? cursor : nil
        summary.remainingAtStart = try await store.countIngestionsForReplay(filter, through: through, after: cursor)
        while true {
            let page = try await store.ingestionsForReplay(filter, through: through, after: cursor, limit: 200)
            if page.isEmpty { break }
            for record in page {
                try Task.checkCancellation()
                cursor = record.id
                guard let channel = byName[record.channel] else {
                    summary.unknownChannels.append(record.channel)
                    continue
                }
                let url = pipeline.archive.url(for: record.sha256)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    summary.missingObjects.append(record.sha256)
                    continue
                }
                let object = ArchivedObject(sha256: record.sha256, size: record.size, url: url, isNew: false)
                if dryRun {
                    let (counts, diffs) = try await pipeline.preview(object, sourceName: record.sourceName, channel: channel,
                                                                     receivedAt: record.receivedAt,
                                                                     mediaType: record.mediaType, metadata: record.metadata,
                                                                     diffLimit: max(0, diffSamples - summary.diffs.count))
                    summary.counts += counts
                    summary.diffs += diffs
                } else {
                    // Old entries go; whatever still fails is quarantined again.
                    try await store.clearQuarantine(sha256: record.sha256, channel: record.channel)
                    summary.counts += try await pipeline.process(object, sourceName: record.sourceName, channel: channel,
                                                                 receivedAt: record.receivedAt, mediaType: record.mediaType,
                                                                 metadata: record.metadata)
                }
                summary.inputs += 1
                if let run, summary.inputs % checkpointEvery == 0 { try await store.advanceReplayRun(run.id, cursor: record.id) }
                progress?(summary)
                if let rate, rate > 0 {
                    // Pace against the start, so short stalls are made up and the average holds.
                    let due = started + .seconds(Double(summary.inputs) / rate)
                    if ContinuousClock.now < due { try await Task.sleep(until: due, clock: .continuous) }
                }
            }
        }
        if let run { try await store.finishReplayRun(run.id) }
        return summary
    }
}
