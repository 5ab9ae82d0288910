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
    public func ingest(fileAt url: URL, channel: ConfiguredChannel,
                       progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestCounts {
        let object = try archive.store(fileAt: url)
        return try await process(object, sourceName: url.path, channel: channel, progress: progress)
    }

    /// Processes an already archived object for `channel`.
    public func process(_ object: ArchivedObject, sourceName: String, channel: ConfiguredChannel,
                        receivedAt: Date = Date(), progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestCounts {
        let ref = ChannelRef(name: channel.name, type: channel.plugin.type)
        let mediaType = channel.plugin.mediaType
        var log = logger
        log[metadataKey: "channel"] = "\(channel.name)"
        log[metadataKey: "raw"] = "\(object.sha256)"
        let ingestion = try await store.beginIngestion(
            IngestionStart(channel: ref, object: object, mediaType: mediaType, sourceName: sourceName, receivedAt: receivedAt))
        let input = RawInput(url: object.url, sha256: object.sha256, size: object.size, mediaType: mediaType,
                             originalName: sourceName)

        var counts = IngestCounts()
        var complaints: [NormalizedComplaint] = []
        var quarantine: [QuarantineEntry] = []
        complaints.reserveCapacity(batchSize)

        func flush() async throws {
            guard !complaints.isEmpty || !quarantine.isEmpty else { return }
            let result = try await store.commit(complaints, quarantine: quarantine, ingestion: ingestion, dedup: dedup)
            counts.new += result.inserted
            counts.updated += result.updated
            counts.duplicate += result.unchanged
            counts.quarantined += quarantine.count
            complaints.removeAll(keepingCapacity: true)
            quarantine.removeAll(keepingCapacity: true)
            progress?(counts)
        }

        var status = IngestionStatus.completed
        do {
            let reader = try channel.parser.open(input)
            while let event = try reader.next() {
                counts.read += 1
                switch event {
                case .complaint(let draft):
                    complaints.append(normalizer.normalize(draft, channel: ref, raw: input, receivedAt: receivedAt))
                case .skipped:
                    counts.skipped += 1
                case .rejected(let rejection):
                    log.info("record quarantined", metadata: ["location": "\(rejection.location ?? "-")", "reason": "\(rejection.reason)"])
                    quarantine.append(QuarantineEntry(channel: channel.name, rawSHA256: object.sha256, rejection: rejection))
                }
                if complaints.count >= batchSize || quarantine.count >= batchSize {
                    try await flush()
                }
            }
        } catch let error as StoreUnavailableError {
            throw error
        } catch {
            // The input could not be read to its end: keep what was read, quarantine the input.
            status = .failed
            let reason = counts.read == 0
                ? "cannot parse input: \(error)"
                : "stopped after \(counts.read) records: \(error)"
            log.warning("input quarantined", metadata: ["reason": "\(reason)"])
            quarantine.append(QuarantineEntry(channel: channel.name, rawSHA256: object.sha256,
                                              rejection: Rejection(reason: reason, location: nil)))
        }
        try await flush()
        try await store.finishIngestion(ingestion, counts: counts, status: status)
        log.debug("ingested", metadata: ["counts": "\(counts)"])
        return counts
    }
}
