import Foundation
import GatewayCore
import Logging
import ServiceLifecycle
import Synchronization

/// Watches the channels' drop folders inside `serve`: every scan interval, each
/// new file is archived and ingested once.
///
/// A file is taken when it has not changed for `settleTime` (a copy in
/// progress is left for the next scan). Files already ingested completely are
/// recognized by digest in the manifest, so a restart re-reads nothing; within
/// a run, a (path, size, modification time) cache avoids hashing them again.
/// On graceful shutdown the file being ingested is finished, then the scan stops.
///
/// Each scan reads the channels in effect, so a reload takes effect at the
/// next scan: a removed channel's files in hand are finished, a new channel's
/// folder is scanned.
public struct DropFolderService: Service {
    let pipeline: IngestPipeline
    let live: LiveConfiguration
    let interval: Duration
    let settleTime: Duration
    let notifier: FeedNotifier?
    let logger: Logger

    public init(pipeline: IngestPipeline, live: LiveConfiguration, interval: Duration,
                settleTime: Duration = .seconds(2), notifier: FeedNotifier? = nil, logger: Logger) {
        self.notifier = notifier
        self.pipeline = pipeline
        self.live = live
        self.interval = interval
        self.settleTime = settleTime
        self.logger = logger
    }

    /// The channels it watches now.
    var channels: [ConfiguredChannel] {
        live.current.channels.filter { !$0.plugin.watchedFolders(in: $0.settings).isEmpty }
    }

    struct FileState: Hashable {
        var size: Int
        var modified: Date
    }

    public func run() async throws {
        var done: [String: FileState] = [:]
        var warned = Set<SkippedEntry>()
        var missing = Set<WatchedFolderProblem>()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let channels = self.channels
            reportFolderProblems(channels, reported: &missing)
            await scan(channels, &done, warned: &warned)
            // A reload wakes the wait, so a new channel's folder is scanned at once.
            let generation = live.current.generation
            await cancelWhenGracefulShutdown { await live.waitForChange(after: generation, timeout: interval) }
        }
        logger.notice("drop-folder watcher stopped")
    }

    /// Logs a folder that cannot be scanned once, and once more when it can
    /// again, rather than at every scan.
    func reportFolderProblems(_ channels: [ConfiguredChannel], reported: inout Set<WatchedFolderProblem>) {
        let now = Set(channels.flatMap { $0.watchedFolderProblems() })
        for problem in now.subtracting(reported) {
            logger.error("drop folder cannot be scanned", metadata: ["channel": "\(problem.channel)", "key": "\(problem.key)",
                                                                     "folder": "\(problem.path)", "reason": "\(problem.reason)"])
        }
        for problem in reported.subtracting(now) {
            logger.notice("drop folder can be scanned again", metadata: ["channel": "\(problem.channel)", "folder": "\(problem.path)"])
        }
        reported = now
    }

    /// One pass over every watched folder. `warned` remembers the entries
    /// already reported as skipped, so a FIFO left in a folder is one warning,
    /// not one per scan.
    func scan(_ channels: [ConfiguredChannel], _ done: inout [String: FileState], warned: inout Set<SkippedEntry>) async {
        var seen = Set<String>()
        var stillSkipped = Set<SkippedEntry>()
        var work: [IntakeFile] = []
        var states: [String: FileState] = [:]
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
                    states[url.path] = state
                    work.append(IntakeFile(url: url, channel: channel, skipIfFinished: true))
                }
            }
        }
        // Taken in by the one intake path (digest, skip, claim, archive, parse,
        // group commit); a file is marked done only after its commit.
        let finished = Mutex<[String]>([])
        let logger = self.logger, notifier = self.notifier
        await pipeline.ingest(files: work, stopTaking: { Task.isShuttingDownGracefully }) { file, result in
            switch result {
            case .ingested(let report):
                finished.withLock { $0.append(file.url.path) }
                if report.counts.new + report.counts.updated > 0 { notifier?.notify() }
                logger.info("ingested drop-folder file", metadata: ["channel": "\(file.channel.name)", "file": "\(file.url.path)",
                                                                    "counts": "\(report.counts)"])
            case .alreadyIngested:
                finished.withLock { $0.append(file.url.path) }
            case .claimedElsewhere:
                logger.debug("another instance is ingesting the file", metadata: ["channel": "\(file.channel.name)", "file": "\(file.url.path)"])
            case .failed(let error):
                // Left for the next scan: a store outage passes, an unreadable file may be fixed.
                logger.error("cannot ingest drop-folder file", metadata: ["channel": "\(file.channel.name)", "file": "\(file.url.path)",
                                                                          "error": "\(error)"])
            }
        }
        for path in finished.withLock({ $0 }) { done[path] = states[path] }
        // Forget files that are gone, so the cache does not grow forever.
        done = done.filter { seen.contains($0.key) }
        // An entry that is gone (or fixed) is warned about again if it comes back.
        warned.formIntersection(stillSkipped)
    }
}
