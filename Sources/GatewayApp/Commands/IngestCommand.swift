import ArgumentParser
import Foundation
import GatewayCore
import Logging
import SQLiteStore

/// `complaint-gateway ingest`: archive and process inputs once.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Archive and ingest input files for a channel, or every channel's drop folder once.",
        discussion: """
            With files, each file is archived and processed for --channel, even when it was \
            ingested before (complaints already stored are recognized and not duplicated). \
            Without files, the drop folder of --channel (or of every channel that has one) is \
            scanned once, and files already ingested completely are skipped. A folder argument \
            stands for its files (a Maildir for its messages). `-` reads one input from standard \
            input, for an MTA delivering to the gateway: any failure to store it exits 75 \
            (EX_TEMPFAIL) so the MTA retries; a message that cannot be parsed is quarantined, \
            never bounced.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Channel name from the configuration.")
    var channel: String?

    @Argument(help: "Input files or folders; - for standard input.")
    var files: [String] = []

    func run() async throws {
        guard files.contains("-") else { return try await ingest(files) }
        guard files == ["-"] else { throw ValidationError("- (standard input) cannot be combined with other inputs") }
        // Standard input is read to the end first: the MTA's copy is only given up
        // once the archive holds the bytes.
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("complaint-gateway-stdin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: spool) }
        do {
            FileManager.default.createFile(atPath: spool.path, contents: nil)
            let out = try FileHandle(forWritingTo: spool)
            defer { try? out.close() }
            while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
                try out.write(contentsOf: chunk)
            }
        } catch {
            StandardError.write("complaint-gateway: cannot spool standard input: \(error)")
            throw GatewayExit.tempFail
        }
        do {
            try await ingest([spool.path], originalName: "stdin")
        } catch let exit as ExitCode where exit == .success {
            throw exit
        } catch let error as ValidationError {
            throw error
        } catch {
            // Whatever kept the message from being stored (configuration, store,
            // disk): the sender keeps it and retries, nothing bounces.
            throw GatewayExit.tempFail
        }
    }

    private func ingest(_ files: [String], originalName: String? = nil) async throws {
        let logger = global.logger("complaint-gateway.ingest")
        do {
            let env = try GatewayEnvironment.load(global)
            let pipeline = IngestPipeline(archive: try env.openArchive(), store: try await env.openStore(),
                                          dedup: env.dedupStage, logger: logger)
            // The archive is the write-ahead log: finish what a crash interrupted first.
            let recovered = try await pipeline.recoverInterrupted(channels: env.channels)
            if recovered > 0 { print("recovered \(recovered) interrupted input\(recovered == 1 ? "" : "s")") }
            var work: [IntakeFile] = []
            var unscannable: [WatchedFolderProblem] = []
            if files.isEmpty {
                let targets = try channel.map { [try env.channel(named: $0)] } ?? env.channels
                for target in targets {
                    // A folder that is missing or unreadable is said, not taken for an empty one.
                    let problems = target.watchedFolderProblems()
                    unscannable += problems
                    for problem in problems { StandardError.write("complaint-gateway: \(problem)") }
                    for (_, folder) in target.plugin.watchedFolders(in: target.settings) where !problems.contains(where: { $0.path == folder.path }) {
                        let listing = try target.plugin.inputFiles(in: folder)
                        Self.warn(listing.skipped, logger: logger)
                        work += listing.files.map { IntakeFile(url: $0, channel: target, skipIfFinished: true) }
                    }
                }
                if work.isEmpty && unscannable.isEmpty {
                    print("nothing to ingest: no files in the drop folders")
                }
            } else {
                guard let channel else {
                    throw ValidationError("--channel is required when files are given")
                }
                let target = try env.channel(named: channel)
                for path in files {
                    let url = URL(fileURLWithPath: path)
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                        // Already ingested files of a folder are skipped, as in a drop folder.
                        let listing = try target.plugin.inputFiles(in: url)
                        Self.warn(listing.skipped, logger: logger)
                        work += listing.files.map { IntakeFile(url: $0, channel: target, skipIfFinished: true) }
                    } else {
                        // A path typed on the command line may be a link to a file.
                        work.append(IntakeFile(url: url, channel: target, links: .follow, skipIfFinished: false,
                                               sourceName: originalName))
                    }
                }
            }
            let tally = IngestTally(printEach: work.count > 1)
            let progress = work.count == 1 ? ProgressReporter(label: work[0].url.lastPathComponent) : nil
            await pipeline.ingest(files: work, progress: { _, counts in progress?.update(counts) }) { file, result in
                tally.add(file, result, logger: logger)
            }
            progress?.finish()
            let summary = tally.summary
            if let fatal = summary.fatal { throw fatal }
            print("ingested \(summary.inputs) input\(summary.inputs == 1 ? "" : "s"): \(summary.total)")
            if summary.alreadyIngested > 0 {
                // Said, so a second run's "0 inputs" is not taken for empty folders.
                print("skipped \(summary.alreadyIngested) input\(summary.alreadyIngested == 1 ? "" : "s") already ingested "
                      + "(unchanged since; `complaint-gateway replay` processes archived inputs again)")
            }
            if summary.failures > 0 { throw summary.failures == work.count ? GatewayExit.noInput : GatewayExit.someInputsFailed }
            if !unscannable.isEmpty { throw GatewayExit.noInput }
            // An input quarantined whole is a failed input (the README's exit 1),
            // though nothing is lost: it waits in quarantine for `replay`.
            if summary.quarantinedInputs > 0 { throw GatewayExit.someInputsFailed }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw GatewayExit.report(error)
        }
    }

    /// One warning per entry that is not ingested because it is not a regular file.
    static func warn(_ skipped: [SkippedEntry], logger: Logger) {
        for entry in skipped {
            logger.warning("drop-folder entry skipped", metadata: ["path": "\(entry.url.path)", "kind": "\(entry.kind.rawValue)",
                                                                  "reason": "only regular files inside the folder are ingested"])
        }
    }
}
