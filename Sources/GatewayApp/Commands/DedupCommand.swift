import ArgumentParser
import Foundation
import GatewayCore

/// `complaint-gateway dedup`: maintenance of the dedup index.
struct DedupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Maintain the dedup index.",
        subcommands: [Rebuild.self]
    )

    /// `complaint-gateway dedup rebuild`
    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild",
            abstract: "Rebuild the dedup index (identities, entries, clusters) from the stored complaints.",
            discussion: """
                The index lives in the store and survives restarts; rebuild it after restoring a \
                store without it, or to recompute clusters after changing [dedup] thresholds. \
                Stored verdicts (duplicate, near_duplicate) are kept; complaints are not rewritten. \
                Stop `serve` and other ingestion first: complaints stored during a rebuild may \
                miss their duplicates.
                """
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            do {
                let env = try GatewayEnvironment.load(global)
                let store = try await env.openStore()
                let started = ContinuousClock.now
                let progress = ProgressReporter(label: "dedup index")
                let count = try await store.rebuildDedupIndex(env.dedupStage) { done in
                    progress.update { elapsed in "\(done) complaints (\(Int(Double(done) / max(elapsed, 0.001)))/s)" }
                }
                progress.finish()
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                let clusters = try await store.clusters(ClusterQuery(limit: 1_000_000)).count
                print("rebuilt the dedup index from \(count) complaint\(count == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s; \(clusters) cluster\(clusters == 1 ? "" : "s") of 2 or more")
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }
}
