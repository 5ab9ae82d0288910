import Foundation
import GatewayCore
import Logging
import Metrics
import ServiceLifecycle

/// Fetches the channels' `RemoteSource`s (IMAP folders): one worker per
/// source, following reloads (`WorkerSet`).
///
/// Each round lists what arrived after the saved position, then for each
/// input in order: download, archive (fsynced, as any file), ingest unless
/// those bytes were already ingested for the channel, acknowledge at the
/// source (flag, move), save the position. A crash anywhere repeats at most
/// the input in hand, which the archive digest recognizes. Failures (server
/// down, login refused, TLS, a cut connection) are logged once per streak
/// with the reason, shown on `/readyz`, counted, and retried with
/// exponential backoff. With several instances on one store, the source's
/// lease lets one fetch at a time.
public struct RemoteSourceService: Service {
    let pipeline: IngestPipeline
    let live: LiveConfiguration
    let health: SourceHealth
    let notifier: FeedNotifier?
    let logger: Logger

    public init(pipeline: IngestPipeline, live: LiveConfiguration, health: SourceHealth, notifier: FeedNotifier?, logger: Logger) {
        self.pipeline = pipeline
        self.live = live
        self.health = health
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let workers = WorkerSet<(channel: ConfiguredChannel, source: any RemoteSource)>(
            items: { configuration in
                configuration.channels.flatMap { channel in channel.remoteSources.map { (key: $0.key, item: (channel: channel, source: $0)) } }
            },
            unchanged: { old, new in old.channel.isConfiguredLike(new.channel) },
            work: { item, stop in await fetch(item.source, for: item.channel, stop: stop) })
        await workers.run(following: live)
        logger.notice("remote sources stopped")
    }

    func fetch(_ source: any RemoteSource, for channel: ConfiguredChannel, stop: StopSignal) async {
        var log = logger
        log[metadataKey: "channel"] = "\(channel.name)"
        log[metadataKey: "source"] = "\(source.displayName)"
        var state = PollState()
        let owner = WorkerIdentity.current.description
        let seconds = Double(source.interval.components.seconds)
        var failing = false
        while !stop.isStopped {
            do {
                guard try await pipeline.store.acquireLease("source:\(source.key)", owner: owner, for: max(60, 3 * seconds)) else {
                    await stop.sleep(for: source.interval)
                    continue
                }
                let (done, full) = try await round(source, for: channel, stop: stop, log: log)
                if failing { log.notice("remote source recovered") }
                failing = false
                health.succeeded(source.key)
                Counter(label: ChannelMetrics.sourceFetches, dimensions: [("channel", channel.name), ("result", done > 0 ? "ingested" : "empty")]).increment()
                _ = state.nextDelay(after: .ingested, interval: source.interval)
                if !full { await stop.sleep(for: source.interval) }
            } catch {
                let reason = "\(error)"
                Counter(label: ChannelMetrics.sourceFetches, dimensions: [("channel", channel.name), ("result", "error")]).increment()
                health.failed(source.key, channel: channel.name, source: source.displayName, reason: reason)
                // Once per streak: a mailbox down for an hour is one line, not sixty.
                if !failing { log.error("remote source failing; retrying with backoff", metadata: ["error": "\(reason)"]) }
                failing = true
                await stop.sleep(for: state.nextDelay(after: .failed, interval: source.interval))
            }
        }
        try? await pipeline.store.releaseLease("source:\(source.key)", owner: owner)
        // A stopped worker (its channel removed or changed) no longer speaks for the source.
        health.succeeded(source.key)
    }

    /// One batch: returns the inputs done and whether the batch was full (more waiting).
    func round(_ source: any RemoteSource, for channel: ConfiguredChannel, stop: StopSignal, log: Logger) async throws -> (Int, Bool) {
        let limit = source.batchSize
        let position = try await pipeline.store.sourcePosition(source.key)
        let items = try await source.pending(after: position, limit: limit)
        var done = 0
        for item in items {
            if stop.isStopped { break }
            if let data = try await source.download(item) {
                // Archived (fsynced) on the thread pool, off the cooperative one.
                let archive = pipeline.archive
                let object = try await BlockingIO.run { try archive.store(data: data) }
                if try await !pipeline.store.hasFinishedIngestion(sha256: object.sha256, channel: channel.name) {
                    var metadata = item.metadata
                    metadata["source"] = source.displayName
                    let counts = try await pipeline.process(object, sourceName: "\(source.displayName) UID \(item.identifier)",
                                                             channel: channel, metadata: metadata)
                    if counts.new + counts.updated > 0 { notifier?.notify() }
                }
                // After the commit, never before: a message is flagged or moved
                // only once its complaint is stored.
                try await source.acknowledge(item)
            } else {
                log.warning("message gone before it could be fetched", metadata: ["id": "\(item.identifier)"])
            }
            try await pipeline.store.saveSourcePosition(source.key, item.position)
            done += 1
        }
        return (done, items.count == limit)
    }
}
