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
            abstract: "Rebuild the dedup index (persons, entries, clusters, verdicts) from the stored complaints.",
            discussion: """
                The index lives in the store and survives restarts; rebuild it after restoring a \
                store without it, after changing [dedup] or [identity] settings, or after an \
                upgrade whose rules decide differently (a store ingested when one trunk's account \
                code linked every caller). Each complaint is decided again, in the order it \
                arrived, with the rules of the configuration: one whose verdict, cluster or person \
                changes gets a new revision (complaint.updated in the feed). --keep-verdicts keeps \
                stored verdicts and rewrites no complaint. Stop `serve` and other ingestion first: \
                complaints stored during a rebuild may miss their duplicates.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Keep stored verdicts (duplicate, near_duplicate); recompute persons and clusters only, write no revision.")
        var keepVerdicts = false

        func run() async throws {
            do {
                let env = try GatewayEnvironment.load(global)
                let store = try await env.openStore()
                let started = ContinuousClock.now
                let progress = ProgressReporter(label: "dedup index")
                let report = try await store.rebuildDedupIndex(env.dedupStage, mode: keepVerdicts ? .keepVerdicts : .recompute) { done in
                    progress.update { elapsed in "\(done) complaints (\(Int(Double(done) / max(elapsed, 0.001)))/s)" }
                }
                progress.finish()
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                let clusters = try await store.clusters(ClusterQuery(limit: 1_000_000)).count
                let count = report.complaints
                print("rebuilt the dedup index from \(count) complaint\(count == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s; "
                      + "\(report.revised) verdict\(report.revised == 1 ? "" : "s") changed (a new revision each); "
                      + "\(clusters) cluster\(clusters == 1 ? "" : "s") of 2 or more")
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }
}
