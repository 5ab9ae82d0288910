import Foundation
import GatewayCore
import Logging
import ServiceLifecycle

/// Watches the channels' drop folders inside `serve`: every scan interval, each
/// new file is archived and ingested once.
///
/// A file is taken when it has not changed for `settleTime` (a copy in
/// progress is left for the next scan). Files already ingested completely are
/// recognized by digest in the manifest, so a restart re-reads nothing; within
/// a run, a (path, size, modification time) cache avoids hashing them again.
/// On graceful shutdown the file being ingested is finished, then the scan stops.
public struct DropFolderService<Store: ComplaintStore, Dedup: DedupStage>: Service {
    let pipeline: IngestPipeline<Store, Dedup>
    let channels: [ConfiguredChannel]
    let interval: Duration
    let settleTime: Duration
    let notifier: FeedNotifier?
    let logger: Logger

    public init(pipeline: IngestPipeline<Store, Dedup>, channels: [ConfiguredChannel], interval: Duration,
                settleTime: Duration = .seconds(2), notifier: FeedNotifier? = nil, logger: Logger) {
        self.notifier = notifier
        self.pipeline = pipeline
        self.channels = channels.filter { !$0.plugin.watchedFolders(in: $0.settings).isEmpty }
        self.interval = interval
        self.settleTime = settleTime
        self.logger = logger
    }

    /// How long a claim on a dropped file keeps other instances off it: longer
    /// than the largest input takes (a 1 GiB mbox ingests in ~3 minutes); an
    /// instance that dies mid-file leaves it to the others after this.
    static var claimDuration: TimeInterval { 15 * 60 }

    /// The channels it watches.
    public var channelNames: [String] { channels.map(\.name) }

    struct FileState: Hashable {
        var size: Int
        var modified: Date
    }

    public func run() async throws {
        guard !channels.isEmpty else {
            // Nothing to watch: stay up until shutdown, like the other services.
            try? await gracefulShutdown()
            return
        }
        var done: [String: FileState] = [:]
        var warned = Set<SkippedEntry>()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await scan(&done, warned: &warned)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass over every watched folder. `warned` remembers the entries
    /// already reported as skipped, so a FIFO left in a folder is one warning,
    /// not one per scan.
    func scan(_ done: inout [String: FileState], warned: inout Set<SkippedEntry>) async {
        var seen = Set<String>()
        var stillSkipped = Set<SkippedEntry>()
        for channel in channels {
            for (_, folder) in channel.plugin.watchedFolders(in: channel.settings) {
                let listing: DropFolderListing
                do {
                    listing = try channel.plugin.inputFiles(in: folder)
                } catch {
                    logger.error("cannot list drop folder", metadata: ["channel": "\(channel.name)", "folder": "\(folder.path)", "error": "\(error)"])
                    continue
                }
                for entry in listing.skipped {
                    stillSkipped.insert(entry)
                    if warned.insert(entry).inserted {
                        logger.warning("drop-folder entry skipped", metadata: [
                            "channel": "\(channel.name)", "path": "\(entry.url.path)", "kind": "\(entry.kind.rawValue)",
                            "reason": "only regular files inside the folder are ingested"])
                    }
                }
                for url in listing.files {
                    if Task.isShuttingDownGracefully { return }
                    seen.insert(url.path)
                    let file: InputFile
                    do {
                        // Opened once: the entry checked is the one hashed and archived,
                        // even if someone swaps it for a link meanwhile.
                        file = try InputFile.open(url)
                    } catch {
                        let entry = SkippedEntry(url: url, kind: FileKind(lstatAt: url.path) ?? .other)
                        stillSkipped.insert(entry)
                        if warned.insert(entry).inserted {
                            logger.warning("drop-folder entry skipped", metadata: ["channel": "\(channel.name)", "error": "\(error)"])
                        }
                        continue
                    }
                    let state = FileState(size: file.size, modified: file.modified)
                    if done[url.path] == state { continue }
                    let settle = Double(settleTime.components.seconds) + Double(settleTime.components.attoseconds) / 1e18
                    if Date().timeIntervalSince(file.modified) < settle { continue }
                    do {
                        let digest = try RawArchive.digest(of: file)
                        if try await pipeline.store.hasFinishedIngestion(sha256: digest.sha256, channel: channel.name) {
                            done[url.path] = state
                            continue
                        }
                        // Several instances may watch one shared folder: one takes the file.
                        let owner = WorkerIdentity.current.description
                        guard try await pipeline.store.claimInput(sha256: digest.sha256, channel: channel.name, owner: owner,
                                                                  for: Self.claimDuration) else {
                            logger.debug("another instance is ingesting the file", metadata: ["channel": "\(channel.name)", "file": "\(url.path)"])
                            continue
                        }
                        let counts: IngestCounts
                        do {
                            // It may have finished between our first look and the claim.
                            if try await pipeline.store.hasFinishedIngestion(sha256: digest.sha256, channel: channel.name) {
                                try await pipeline.store.releaseInput(sha256: digest.sha256, channel: channel.name, owner: owner)
                                done[url.path] = state
                                continue
                            }
                            counts = try await pipeline.ingest(file, channel: channel)
                        } catch {
                            try? await pipeline.store.releaseInput(sha256: digest.sha256, channel: channel.name, owner: owner)
                            throw error
                        }
                        try? await pipeline.store.releaseInput(sha256: digest.sha256, channel: channel.name, owner: owner)
                        done[url.path] = state
                        if counts.new + counts.updated > 0 { notifier?.notify() }
                        logger.info("ingested drop-folder file", metadata: ["channel": "\(channel.name)", "file": "\(url.path)", "counts": "\(counts)"])
                    } catch {
                        // Left for the next scan: a store outage passes, an unreadable file may be fixed.
                        logger.error("cannot ingest drop-folder file", metadata: ["channel": "\(channel.name)", "file": "\(url.path)", "error": "\(error)"])
                    }
                }
            }
        }
        // Forget files that are gone, so the cache does not grow forever.
        done = done.filter { seen.contains($0.key) }
        // An entry that is gone (or fixed) is warned about again if it comes back.
        warned.formIntersection(stillSkipped)
    }
}
