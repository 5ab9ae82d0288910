import Foundation
import GatewayCore
import Logging
import Metrics
import ServiceLifecycle

/// Polls every channel's `PollTarget`s over HTTP and ingests what changed.
///
/// One task per target, so a dead or slow feed only delays itself. Each poll
/// sends `If-None-Match` / `If-Modified-Since` from the previous answer (a 304
/// costs one request and nothing else); a 200 body is archived and, unless
/// that exact document was already ingested for the channel (across restarts
/// too: the archive is content-addressed), processed like any input, with the
/// final URL after redirects in its metadata. The download (`HTTPDownloader`)
/// streams into the archive and is cut off at the target's byte limit (as
/// sent and decoded) and deadline; it connects to no internal address the
/// target does not allow, redirects included. Failures (network errors,
/// deadlines, refused addresses, 4xx/5xx, bodies over the limit) back off
/// exponentially with jitter, up to an hour, and the next success resets the
/// schedule.
///
/// The targets follow reloads: a removed or changed channel's targets finish
/// the poll in hand and stop; new ones start (`WorkerSet`).
public struct FeedPollerService: Service {
    let pipeline: IngestPipeline
    let live: LiveConfiguration
    let notifier: FeedNotifier?
    let logger: Logger
    let downloader: HTTPDownloader

    public init(pipeline: IngestPipeline, live: LiveConfiguration, notifier: FeedNotifier? = nil,
                logger: Logger = Logger(label: "complaint-gateway.poll")) {
        self.pipeline = pipeline
        self.live = live
        self.notifier = notifier
        self.logger = logger
        downloader = HTTPDownloader(archive: pipeline.archive)
    }

    /// A fixed set of channels (no reloads).
    public init(pipeline: IngestPipeline, channels: [ConfiguredChannel], notifier: FeedNotifier? = nil,
                logger: Logger = Logger(label: "complaint-gateway.poll")) {
        self.init(pipeline: pipeline, live: LiveConfiguration(channels: channels), notifier: notifier, logger: logger)
    }

    public func run() async throws {
        let workers = WorkerSet<(channel: ConfiguredChannel, target: PollTarget)>(
            items: { configuration in
                configuration.channels.flatMap { channel in
                    channel.pollTargets.map { (key: "\(channel.name) \($0.url.absoluteString)", item: (channel: channel, target: $0)) }
                }
            },
            unchanged: { old, new in old.channel.isConfiguredLike(new.channel) },
            work: { item, stop in await poll(item.target, for: item.channel, stop: stop) })
        await workers.run(following: live)
        logger.notice("feed pollers stopped")
    }

    /// The loop of one target until shutdown.
    ///
    /// With several instances on one shared store, a target is polled by the
    /// instance holding its lease (`ComplaintStore.acquireLease`), renewed on
    /// every round; the others check back each interval and take over once the
    /// holder has not renewed it for three intervals (it stopped or died).
    func poll(_ target: PollTarget, for channel: ConfiguredChannel, stop: StopSignal) async {
        var state = PollState()
        let lease = "poll:\(channel.name):\(target.url.absoluteString)"
        let owner = WorkerIdentity.current.description
        let interval = Double(target.interval.components.seconds) + Double(target.interval.components.attoseconds) / 1e18
        let leaseDuration = max(60, 3 * interval)
        while !stop.isStopped {
            let held: Bool
            do {
                held = try await pipeline.store.acquireLease(lease, owner: owner, for: leaseDuration)
            } catch {
                // No store, no ingestion: wait as after a failed poll.
                logger.warning("cannot take the feed poll lease", metadata: ["channel": "\(channel.name)", "error": "\(error)"])
                await stop.sleep(for: state.nextDelay(after: .failed, interval: target.interval))
                continue
            }
            guard held else {
                logger.debug("another instance polls this feed", metadata: ["channel": "\(channel.name)", "url": "\(target.url.absoluteString)"])
                await stop.sleep(for: target.interval)
                continue
            }
            let outcome = await pollOnce(target, for: channel, state: &state)
            await stop.sleep(for: state.nextDelay(after: outcome, interval: target.interval))
        }
        // Hand the feed over at once rather than after the lease expires.
        try? await pipeline.store.releaseLease(lease, owner: owner)
    }

    /// One request and, on a new document, its ingestion.
    func pollOnce(_ target: PollTarget, for channel: ConfiguredChannel, state: inout PollState) async -> PollState.Outcome {
        var log = logger
        log[metadataKey: "channel"] = "\(channel.name)"
        log[metadataKey: "url"] = "\(target.url.absoluteString)"
        let response: DownloadResponse
        do {
            response = try await downloader.download(DownloadRequest(poll: target, etag: state.etag, lastModified: state.lastModified))
        } catch {
            let result = (error as? DownloadFailure)?.kind.rawValue ?? "error"
            Counter(label: ChannelMetrics.feedPolls, dimensions: [("channel", channel.name), ("result", result == "transport" ? "error" : result)]).increment()
            log.warning("feed poll failed", metadata: ["error": "\(error)", "failures": "\(state.failures + 1)"])
            return .failed
        }
        switch response.status {
        case 304:
            Counter(label: ChannelMetrics.feedPolls, dimensions: [("channel", channel.name), ("result", "not_modified")]).increment()
            log.debug("feed not modified")
            return .unchanged
        case 200..<300:
            break
        default:
            Counter(label: ChannelMetrics.feedPolls, dimensions: [("channel", channel.name), ("result", "error")]).increment()
            log.warning("feed poll failed", metadata: ["status": "\(response.status)", "failures": "\(state.failures + 1)"])
            return .failed
        }
        state.etag = response.headers["etag"]
        state.lastModified = response.headers["last-modified"]
        do {
            // Already in the archive: streamed there by the download, within its limits.
            let object: ArchivedObject
            if let downloaded = response.object {
                object = downloaded
            } else {
                let archive = pipeline.archive
                object = try await BlockingIO.run { try archive.store(data: Data()) }
            }
            // The same document again (a server without validators, or a restart):
            // nothing in it can be new.
            if try await pipeline.store.hasFinishedIngestion(sha256: object.sha256, channel: channel.name) {
                Counter(label: ChannelMetrics.feedPolls, dimensions: [("channel", channel.name), ("result", "unchanged")]).increment()
                return .unchanged
            }
            let finalURL = response.finalURL.absoluteString
            var metadata = ["url": finalURL]
            let contentType = response.headers["content-type"]
            if let contentType { metadata["content_type"] = contentType }
            let counts = try await pipeline.process(object, sourceName: finalURL, channel: channel,
                                                     mediaType: contentType, metadata: metadata)
            Counter(label: ChannelMetrics.feedPolls, dimensions: [("channel", channel.name), ("result", "ingested")]).increment()
            if counts.new + counts.updated > 0 { notifier?.notify() }
            log.info("feed polled", metadata: ["counts": "\(counts)"])
            return .ingested
        } catch {
            // The document is archived; an interrupted ingestion is recovered at the next start.
            log.error("feed document could not be ingested", metadata: ["error": "\(error)"])
            return .failed
        }
    }

}

/// What a poller remembers about its target between polls.
public struct PollState: Sendable {
    public enum Outcome: Sendable { case ingested, unchanged, failed }

    public var etag: String?
    public var lastModified: String?
    /// Failures in a row.
    public private(set) var failures = 0
    /// Longest wait after failures.
    public static let maxBackoff: Duration = .seconds(3600)

    public init() {}

    /// The wait before the next poll: the interval after a success or a 304;
    /// after the n-th failure in a row, 5 s × 2^(n-1) (at most an hour), with
    /// ±25 % jitter so that many feeds failing together do not retry together.
    public mutating func nextDelay(after outcome: Outcome, interval: Duration,
                                   jitter: Double = Double.random(in: 0.75...1.25)) -> Duration {
        guard outcome == .failed else {
            failures = 0
            return interval
        }
        failures += 1
        let base = min(5.0 * pow(2.0, Double(min(failures - 1, 20))), Double(Self.maxBackoff.components.seconds))
        return .milliseconds(Int64(base * jitter * 1000))
    }
}
