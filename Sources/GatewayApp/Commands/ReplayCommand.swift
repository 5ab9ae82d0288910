import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway replay`: run archived inputs through today's plugins.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Feed archived raw inputs through the current plugins and stages again.",
        discussion: """
            Idempotent: unchanged results change nothing; changed ones become a new revision with a \
            complaint.updated event; running the same replay twice changes nothing the second time. \
            --quarantined retries inputs with quarantine entries and clears the entries that now \
            succeed. --dry-run prints what would change (counts and a sample of field-level diffs) \
            and writes nothing.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only inputs of this channel.")
    var channel: String?

    @Option(name: .long, help: ArgumentHelp("Only inputs received at or after this RFC 3339 time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only inputs received before this RFC 3339 time.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only the input with this SHA-256, or a unique prefix of it (as `quarantine` prints).",
                                            valueName: "sha256"))
    var raw: String?

    @Flag(name: .long, help: "Only inputs with quarantine entries.")
    var quarantined = false

    @Flag(name: .long, help: "Classify only; write nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("At most this many inputs per second (leaves room for live ingestion).", valueName: "n"))
    var rate: Double?

    func validate() throws {
        if let since, RFC3339.date(from: since) == nil { throw ValidationError("--since: not an RFC 3339 time: \(since)") }
        if let until, RFC3339.date(from: until) == nil { throw ValidationError("--until: not an RFC 3339 time: \(until)") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be a positive number of inputs per second") }
        if let raw, DigestPrefix.normalize(raw) == nil {
            throw ValidationError("--raw takes a SHA-256 or a prefix of at least 6 hex digits, got \"\(raw)\"")
        }
    }

    func run() async throws {
        let logger = global.logger("complaint-gateway.replay")
        do {
            let env = try GatewayEnvironment.load(global)
            if let channel { _ = try env.channel(named: channel) }
            let store = try await env.openStore()
            let pipeline = IngestPipeline(archive: try env.openArchive(), store: store, dedup: env.dedupStage, logger: logger)
            var digest: String? = nil
            if let raw, let prefix = DigestPrefix.normalize(raw) { digest = try await DigestPrefix.resolve(prefix, in: store) }
            let filter = ReplayFilter(channel: channel, since: since.flatMap(RFC3339.date(from:)),
                                      until: until.flatMap(RFC3339.date(from:)), sha256: digest,
                                      quarantinedOnly: quarantined)
            let progress = ProgressReporter(label: dryRun ? "replay (dry run)" : "replay")
            let summary = try await Replayer(pipeline: pipeline).run(filter, channels: env.channels, dryRun: dryRun, rate: rate) { s in
                progress.update { elapsed in
                    let perSecond = Double(s.inputs) / max(elapsed, 0.001)
                    let left = max(0, s.remainingAtStart - s.inputs)
                    let eta = perSecond > 0 ? Int(Double(left) / perSecond) : 0
                    return "\(s.inputs)/\(s.remainingAtStart) inputs, \(Int(perSecond))/s, ETA \(eta / 60)m\(eta % 60)s; " + s.description
                }
            }
            progress.finish()
            if let after = summary.resumedAfter { print("resumed an interrupted replay after ingestion #\(after)") }
            print((dryRun ? "dry run, would replay " : "replayed ") + summary.description)
            for diff in summary.diffs {
                print("  \(diff.complaintID):")
                for change in diff.changes { print("    \(change.path): \(change.old) → \(change.new)") }
            }
            for sha in summary.missingObjects { StandardError.write("missing from the archive: \(sha)") }
            if !summary.missingObjects.isEmpty { throw GatewayExit.someInputsFailed }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
