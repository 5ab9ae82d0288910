import Foundation
import Logging
import ComplaintModel

/// The ingestion pipeline, stage by stage:
///
/// raw input → `RawArchive` (content-addressed, durable) → manifest entry →
/// channel parser → `Normalizer` → `DedupStage` (inside the store's
/// transaction) → `ComplaintStore`.
///
/// Every input is archived before it is parsed. An input that fits one batch
/// is parsed whole and committed with its bookkeeping in one transaction
/// shared with other inputs (`GroupCommitter`); a larger one is committed in
/// batches as it is read (`IngestPipeline+stream`). A record the parser
/// rejects goes to quarantine with its batch, and the run goes on. An input
/// the parser cannot read to its end keeps what was read and is quarantined as
/// a whole with the reason.
public struct IngestPipeline: Sendable {
    public let archive: RawArchive
    public let store: any ComplaintStore
    public let dedup: any DedupStage
    public let normalizer: Normalizer
    /// Complaints per store transaction: large enough to amortize the commit,
    /// small enough that memory stays flat.
    public let batchSize: Int
    public let logger: Logger
    /// Commits whole small inputs, many per transaction; shared by every copy
    /// of this pipeline (one per process).
    public let committer: GroupCommitter
    /// The level of the one line logged per finished input (channel, source,
    /// counts, duration) and of its quarantined records: `serve` raises it to
    /// `.notice` so the default log shows every input; CLI runs keep `.debug`
    /// and report through their own output.
    public var inputLogLevel: Logger.Level = .debug

    public init(archive: RawArchive, store: any ComplaintStore, dedup: any DedupStage, normalizer: Normalizer = Normalizer(),
                batchSize: Int = 2000, logger: Logger = Logger(label: "complaint-gateway.pipeline")) {
        self.archive = archive
        self.store = store
        self.dedup = dedup
        self.normalizer = normalizer
        self.batchSize = batchSize
        self.logger = logger
        self.committer = GroupCommitter(store: store, dedup: dedup, maxComplaints: max(batchSize, 1) * 2, logger: logger)
    }

    /// Archives the file at `url`, then processes it for `channel`.
    ///
    /// - Parameter receivedAt: when the input was received; an import of a
    ///   backlog passes the file's original date.
    public func ingest(fileAt url: URL, channel: ConfiguredChannel, receivedAt: Date = Date(), sourceName: String? = nil,
                       progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestCounts {
        try await ingest(try InputFile.open(url), channel: channel, receivedAt: receivedAt, sourceName: sourceName, progress: progress)
    }

    /// Archives an opened input file (the one whose digest the caller checked:
    /// no second open by path), then processes it for `channel`.
    public func ingest(_ file: InputFile, channel: ConfiguredChannel, receivedAt: Date = Date(), sourceName: String? = nil,
                       progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestCounts {
        let object = try archive.store(file)
        return try await process(object, sourceName: sourceName ?? file.url.path, channel: channel, receivedAt: receivedAt, progress: progress)
    }

    /// Processes an already archived object for `channel`.
    public func process(_ object: ArchivedObject, sourceName: String, channel: ConfiguredChannel,
                        receivedAt: Date = Date(), mediaType: String? = nil, metadata: [String: String] = [:],
                        progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestCounts {
        try await processReporting(object, sourceName: sourceName, channel: channel, receivedAt: receivedAt,
                                   mediaType: mediaType, metadata: metadata, progress: progress).counts
    }

    /// Processes an already archived object for `channel` and reports what it
    /// produced.
    ///
    /// - Parameters:
    ///   - mediaType: the input's own media type when it has one (a form post's
    ///     Content-Type); nil uses the channel plugin's.
    ///   - metadata: what arrived with the bytes (see `RawInput.metadata`); kept
    ///     in the manifest for replay.
    public func processReporting(_ object: ArchivedObject, sourceName: String, channel: ConfiguredChannel,
                                 receivedAt: Date = Date(), mediaType: String? = nil, metadata: [String: String] = [:],
                                 progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestReport {
        let started = ContinuousClock.now
        var parse = begin(object, sourceName: sourceName, channel: channel, receivedAt: receivedAt, mediaType: mediaType,
                          metadata: metadata)
        let report: IngestReport
        if let whole = PreparedInput(parse, dedup: dedup) {
            // The whole input fits one batch (a form post, a message, a feed
            // document): recorded, decided and finished in one shared transaction.
            report = completed(whole, outcome: try await committer.enqueue(whole.commit).value)
            progress?(report.counts)
        } else {
            report = try await stream(&parse, start: parse.start, progress: progress)
        }
        finished(report, channel: channel, raw: object.sha256, source: sourceName, since: started)
        return report
    }

    /// Starts reading an archived input: its first batch is parsed.
    func begin(_ object: ArchivedObject, sourceName: String, channel: ConfiguredChannel, receivedAt: Date,
               mediaType: String?, metadata: [String: String]) -> InputParse {
        let mediaType = mediaType ?? channel.plugin.mediaType
        var log = logger
        log[metadataKey: "channel"] = "\(channel.name)"
        log[metadataKey: "raw"] = "\(object.sha256)"
        let start = IngestionStart(channel: ChannelRef(name: channel.name, type: channel.plugin.type), object: object,
                                   mediaType: mediaType, sourceName: sourceName, receivedAt: receivedAt, metadata: metadata)
        let input = RawInput(url: object.url, sha256: object.sha256, size: object.size, mediaType: mediaType,
                             originalName: sourceName, metadata: metadata)
        var parse = InputParse(start: start, channel: channel, input: input, receivedAt: receivedAt, normalizer: normalizer,
                               batchSize: batchSize, log: log)
        parse.readBatch()
        return parse
    }

    /// The report of a whole input once its commit is known.
    func completed(_ whole: PreparedInput, outcome: IntakeOutcome) -> IngestReport {
        var report = whole.report
        report.ingestion = outcome.ingestion
        report.counts = outcome.counts
        var log = logger
        log[metadataKey: "channel"] = "\(whole.commit.input.start.channel.name)"
        log[metadataKey: "raw"] = "\(whole.commit.input.start.object.sha256)"
        note(outcome.result, into: &report, channel: whole.commit.input.start.channel.name, log: log)
        return report
    }

    func finished(_ report: IngestReport, channel: ConfiguredChannel, raw: String, source: String, since started: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - started
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        logger.log(level: inputLogLevel, "ingested input", metadata: [
            "channel": "\(channel.name)", "source": "\(source)", "raw": "\(raw)", "counts": "\(report.counts)",
            "duration_ms": "\(Int(milliseconds.rounded()))"])
        // Every quarantined record is worth a person's look; the sample holds
        // the first ones (the rest are in `complaint-gateway quarantine`).
        let quarantineLevel = inputLogLevel >= .notice ? Logger.Level.warning : inputLogLevel
        for rejection in report.rejections {
            logger.log(level: quarantineLevel, "quarantined", metadata: [
                "channel": "\(channel.name)", "source": "\(source)", "raw": "\(raw)",
                "location": "\(rejection.location ?? "-")", "reason": "\(rejection.reason)"])
        }
        IngestMetrics.record(report.counts, channel: channel.name, duration: duration)
    }

    /// Records a commit's conflicts, metrics and mass complaints in `report`.
    func note(_ result: CommitResult, into report: inout IngestReport, channel: String, log: Logger) {
        for conflict in result.conflicts {
            if report.rejections.count < IngestReport.sampleLimit { report.rejections.append(conflict) }
            log.info("record quarantined", metadata: ["location": "\(conflict.location ?? "-")", "reason": "\(conflict.reason)"])
        }
        IngestMetrics.recordDedup(result, channel: channel)
        for cluster in result.massComplaints {
            log.warning("mass complaint: a cluster of similar complaints from many customers", metadata: ["cluster": "\(cluster)"])
        }
        for incident in result.incidents {
            log.warning("incident level reached", metadata: [
                "cluster": "\(incident.cluster)", "level": "\(incident.level)", "customers": "\(incident.customers)",
                "window_minutes": "\(incident.windowMinutes)", "channels": "\(incident.channels.joined(separator: ","))"])
        }
        for signal in result.customerSignals {
            log.notice("customer signalled", metadata: [
                "event": "\(signal.kind.rawValue)", "person": "\(signal.person)", "complaint": "\(signal.complaint)",
                "complaints_in_window": "\(signal.complaintsInWindow)", "reasons": "\(signal.reasons.joined(separator: "; "))"])
        }
    }
}
