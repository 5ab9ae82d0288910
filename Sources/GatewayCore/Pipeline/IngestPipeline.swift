import Foundation
import Logging
import ComplaintModel

/// The ingestion pipeline, stage by stage:
///
/// raw input → `RawArchive` (content-addressed, durable) → manifest entry →
/// channel parser → `Normalizer` → `DedupStage` (inside the store's
/// transaction) → `ComplaintStore`.
///
/// Every input is archived before it is parsed. Records are committed in
/// batches; a record the parser rejects goes to quarantine with its batch, and
/// the run goes on. An input the parser cannot read to its end keeps what was
/// read and is quarantined as a whole with the reason.
public struct IngestPipeline<Store: ComplaintStore, Dedup: DedupStage>: Sendable {
    public let archive: RawArchive
    public let store: Store
    public let dedup: Dedup
    public let normalizer: Normalizer
    /// Complaints per store transaction: large enough to amortize the commit,
    /// small enough that memory stays flat.
    public let batchSize: Int
    public let logger: Logger

    public init(archive: RawArchive, store: Store, dedup: Dedup, normalizer: Normalizer = Normalizer(),
                batchSize: Int = 2000, logger: Logger = Logger(label: "complaint-gateway.pipeline")) {
        self.archive = archive
        self.store = store
        self.dedup = dedup
        self.normalizer = normalizer
        self.batchSize = batchSize
        self.logger = logger
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
        let ref = ChannelRef(name: channel.name, type: channel.plugin.type)
        let mediaType = mediaType ?? channel.plugin.mediaType
        var log = logger
        log[metadataKey: "channel"] = "\(channel.name)"
        log[metadataKey: "raw"] = "\(object.sha256)"
        let ingestion = try await store.beginIngestion(
            IngestionStart(channel: ref, object: object, mediaType: mediaType, sourceName: sourceName, receivedAt: receivedAt,
                           metadata: metadata))
        let input = RawInput(url: object.url, sha256: object.sha256, size: object.size, mediaType: mediaType,
                             originalName: sourceName, metadata: metadata)

        var report = IngestReport()
        report.ingestion = ingestion
        var counts = IngestCounts()
        var complaints: [NormalizedComplaint] = []
        var quarantine: [QuarantineEntry] = []
        complaints.reserveCapacity(batchSize)

        // Committing batch N runs while batch N+1 is parsed: parsing is CPU work on
        // this task, the store writes on its own queue, so the two cores share the
        // load. At most one commit is in flight, which bounds memory to two batches.
        var inFlight: Task<CommitResult, any Error>? = nil
        var inFlightQuarantined = 0
        func settle() async throws {
            guard let task = inFlight else { return }
            inFlight = nil
            let result = try await task.value
            counts.new += result.inserted
            counts.updated += result.updated
            counts.duplicate += result.unchanged
            counts.quarantined += inFlightQuarantined + result.conflicts.count
            for conflict in result.conflicts {
                if report.rejections.count < IngestReport.sampleLimit { report.rejections.append(conflict) }
                log.info("record quarantined", metadata: ["location": "\(conflict.location ?? "-")", "reason": "\(conflict.reason)"])
            }
            IngestMetrics.recordDedup(result, channel: channel.name)
            for cluster in result.massComplaints {
                log.warning("mass complaint: a cluster of similar complaints from many customers",
                            metadata: ["cluster": "\(cluster)"])
            }
            progress?(counts)
        }
        func flush() async throws {
            try await settle()
            guard !complaints.isEmpty || !quarantine.isEmpty else { return }
            let (batch, rejected) = (complaints, quarantine)
            complaints = []
            complaints.reserveCapacity(batchSize)
            quarantine = []
            inFlightQuarantined = rejected.count
            let store = self.store, dedup = self.dedup
            inFlight = Task { try await store.commit(batch, quarantine: rejected, ingestion: ingestion, dedup: dedup) }
        }

        var status = IngestionStatus.completed
        // Only the parser's errors quarantine the input; the store's propagate
        // (the input stays archived and is processed again later).
        var parseError: (any Error)? = nil
        var reader: NormalizingReader? = nil
        do {
            reader = try NormalizingReader(channel: channel, input: input, receivedAt: receivedAt, normalizer: normalizer)
        } catch {
            parseError = error
        }
        if let reader {
            reading: while true {
                let event: NormalizingReader.Event?
                do {
                    event = try reader.next()
                } catch {
                    parseError = error
                    break reading
                }
                guard let event else { break reading }
                counts.read += 1
                switch event {
                case .complaint(let complaint):
                    if report.complaintIDs.count < IngestReport.sampleLimit { report.complaintIDs.append(complaint.complaint.id) }
                    complaints.append(complaint)
                case .skipped:
                    counts.skipped += 1
                case .rejected(let rejection):
                    if report.rejections.count < IngestReport.sampleLimit { report.rejections.append(rejection) }
                    log.info("record quarantined", metadata: ["location": "\(rejection.location ?? "-")", "reason": "\(rejection.reason)"])
                    quarantine.append(QuarantineEntry(channel: channel.name, rawSHA256: object.sha256, rejection: rejection))
                }
                if complaints.count >= batchSize || quarantine.count >= batchSize {
                    try await flush()
                }
            }
        }
        if let parseError {
            // The input could not be read to its end: keep what was read, quarantine the input.
            status = .failed
            var rejection = (parseError as? Rejection) ?? Rejection(reason: "\(parseError)")
            rejection.reason = counts.read == 0
                ? "cannot parse input: \(rejection.reason)"
                : "stopped after \(counts.read) records: \(rejection.reason)"
            // Reasons may quote the input; logs at the default level carry no personal data.
            log.warning("input quarantined", metadata: ["reason": "\(PersonalTextScrubber().scrub(rejection.description))"])
            if report.rejections.count < IngestReport.sampleLimit { report.rejections.append(rejection) }
            quarantine.append(QuarantineEntry(channel: channel.name, rawSHA256: object.sha256, rejection: rejection))
        }
        try await flush()
        try await settle()
        try await store.finishIngestion(ingestion, counts: counts, status: status)
        log.debug("ingested", metadata: ["counts": "\(counts)"])
        IngestMetrics.record(counts, channel: channel.name, duration: ContinuousClock.now - started)
        report.counts = counts
        return report
    }
}
