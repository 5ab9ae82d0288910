import ArgumentParser
import Foundation
import GatewayCore

/// `complaint-gateway feed`: the normalized feed as NDJSON CloudEvents.
struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Print the normalized feed as NDJSON, one CloudEvents 1.0 event per line.",
        discussion: """
            Each event's `sequence` is its position; pass the last one seen as --after to resume. \
            With --follow, it keeps printing new events as they are committed (by `serve` or \
            another `ingest`) until interrupted.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Print events after this sequence number.")
    var after: Int64 = 0

    @Option(name: .long, help: "Print at most this many events (default: all).")
    var limit: Int?

    @Flag(name: .shortAndLong, help: "Keep printing new events as they are committed (like tail -f).")
    var follow = false

    func run() async throws {
        _ = global.logger("complaint-gateway.feed")
        do {
            let env = try GatewayEnvironment.load(global)
            let store = try await env.openStore()
            var cursor = after
            var remaining = limit ?? Int.max
            let out = FileHandle.standardOutput
            while remaining > 0 {
                let page = try await store.feed(after: cursor, limit: min(remaining, 1000))
                if page.isEmpty {
                    guard follow else { break }
                    // Commits by another process wake nothing here: look again shortly.
                    try await Task.sleep(for: .milliseconds(500))
                    continue
                }
                var chunk = ""
                for event in page {
                    chunk += try CloudEvent(event).jsonLine() + "\n"
                }
                out.write(Data(chunk.utf8))
                cursor = page.last!.sequence
                remaining -= page.count
            }
        } catch is CancellationError {
            return
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
