import ArgumentParser
import Foundation
import GatewayCore

/// `complaint-gateway import`: bring in a backlog of old inputs.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Ingest a backlog folder (recursively) for a channel, keeping each file's original date.",
        discussion: """
            Each file is archived and processed like any input, with received_at set to the file's \
            modification time, so old items stay old for every time-window rule. Files already \
            ingested completely for the channel are skipped, so an interrupted import resumes \
            where it stopped. Hidden files and *.tmp / *.part are ignored.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Channel name from the configuration.")
    var channel: String

    @Argument(help: "The backlog folder.")
    var folder: String

    func run() async throws {
        let logger = global.logger("complaint-gateway.import")
        do {
            let env = try GatewayEnvironment.load(global)
            let target = try env.channel(named: channel)
            let pipeline = IngestPipeline(archive: try env.openArchive(), store: try await env.openStore(),
                                          dedup: env.dedupStage, logger: logger)
            let root = URL(fileURLWithPath: folder)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                StandardError.write("complaint-gateway: \(folder): not a folder")
                throw GatewayExit.noInput
            }
            let listing = try DropFolder.walk(root)
            IngestCommand.warn(listing.skipped, logger: logger)
            let work = listing.files.map { IntakeFile(url: $0, channel: target, skipIfFinished: true, receivedAt: .modified) }
            let tally = IngestTally(printEach: false)
            let progress = ProgressReporter(label: "import")
            await pipeline.ingest(files: work) { file, result in
                tally.add(file, result, logger: logger)
                progress.update(tally.summary.total)
            }
            progress.finish()
            let summary = tally.summary
            if let fatal = summary.fatal { throw fatal }
            let skipped = work.count - summary.inputs - summary.failures
            print("imported \(summary.inputs) file\(summary.inputs == 1 ? "" : "s") (\(skipped) already ingested): \(summary.total)")
            if summary.failures > 0 { throw summary.failures == work.count ? GatewayExit.noInput : GatewayExit.someInputsFailed }
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
