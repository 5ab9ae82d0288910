import Foundation

extension IngestPipeline {
    /// Processes again every input whose ingestion was interrupted (a crash, a
    /// kill): the archive is the write-ahead log, so nothing archived is lost.
    /// Returns how many inputs were recovered.
    public func recoverInterrupted(channels: [ConfiguredChannel]) async throws -> Int {
        let byName = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var recovered = 0
        for record in try await store.interruptedIngestions() {
            // Another gateway process on this host is still working on it.
            if record.worker?.isAliveElsewhere == true { continue }
            guard let channel = byName[record.channel] else { continue }
            let url = archive.url(for: record.sha256)
            guard FileManager.default.fileExists(atPath: url.path) else {
                logger.error("interrupted input missing from the archive", metadata: ["raw": "\(record.sha256)"])
                continue
            }
            logger.notice("recovering interrupted ingestion", metadata: ["channel": "\(record.channel)", "raw": "\(record.sha256)"])
            let object = ArchivedObject(sha256: record.sha256, size: record.size, url: url, isNew: false)
            try await store.clearQuarantine(sha256: record.sha256, channel: record.channel)
            _ = try await process(object, sourceName: record.sourceName, channel: channel, receivedAt: record.receivedAt,
                                  mediaType: record.mediaType, metadata: record.metadata)
            try await store.markSuperseded(record.id)
            recovered += 1
        }
        return recovered
    }
}
