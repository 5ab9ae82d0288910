import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway archive`: inspect the raw archive.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Inspect the raw archive.",
        subcommands: [Verify.self, Stats.self, Prune.self]
    )

    /// `archive prune`
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove raw objects older than [archive] retention_days.",
            discussion: """
                An object is kept while it is quarantined (it may still be retried), while an \
                ingestion of it is running or recent, and while any complaint it produced had a \
                feed event within the retention window.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "List what would be removed; remove nothing.")
        var dryRun = false

        func run() async throws {
            _ = global.logger("complaint-gateway.archive")
            do {
                let env = try GatewayEnvironment.load(global)
                guard let days = env.config.archive.retentionDays else {
                    throw ConfigError([ConfigProblem(file: env.config.file, line: nil, key: "archive.retention_days",
                                                     message: "no retention configured; set [archive] retention_days to prune")])
                }
                let store = try await env.openStore()
                let archive = try env.openArchive()
                let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
                var removed = 0, bytes = 0
                while true {
                    // Marked in the store first, then deleted: a crash in between leaves
                    // an unreferenced file, never a manifest entry without its object.
                    let page = try await store.pruneCandidates(before: cutoff, limit: 500, dryRun: dryRun)
                    for object in page {
                        if dryRun { print("would remove \(object.sha256) (\(object.size) bytes, received \(RFC3339.string(from: object.firstReceivedAt)))") }
                        else { try archive.remove(object.sha256) }
                        removed += 1
                        bytes += object.size
                    }
                    if page.count < 500 || dryRun { break }
                }
                print("\(dryRun ? "would remove" : "removed") \(removed) object\(removed == 1 ? "" : "s") (\(bytes) bytes) received before \(RFC3339.string(from: cutoff))")
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }

    /// `archive verify`
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every archived object and report missing or corrupted ones.",
            discussion: "Exits 0 when every object in the manifest is present and intact, 1 otherwise."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            _ = global.logger("complaint-gateway.archive")
            do {
                let env = try GatewayEnvironment.load(global)
                let store = try await env.openStore()
                let archive = try env.openArchive()
                var cursor = ""
                var checked = 0, bytes = 0
                var missing: [String] = [], corrupted: [String] = []
                let progress = ProgressReporter(label: "verify")
                while true {
                    // A page at a time: memory does not grow with the archive.
                    let page = try await store.archivedObjects(after: cursor, limit: 500)
                    if page.isEmpty { break }
                    for object in page {
                        cursor = object.sha256
                        checked += 1
                        bytes += object.size
                        if !archive.contains(object.sha256) {
                            missing.append(object.sha256)
                            print("missing   \(object.sha256)  \(archive.url(for: object.sha256).path)")
                        } else if try !archive.verify(object.sha256) {
                            corrupted.append(object.sha256)
                            print("corrupted \(object.sha256)  \(archive.url(for: object.sha256).path)")
                        }
                    }
                    var counts = IngestCounts()
                    counts.read = checked
                    progress.update(counts)
                }
                progress.finish()
                print("verified \(checked) object\(checked == 1 ? "" : "s") (\(bytes) bytes): \(missing.count) missing, \(corrupted.count) corrupted")
                if !missing.isEmpty || !corrupted.isEmpty { throw ExitCode.failure }
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }

    /// `archive stats`
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archived inputs, bytes and outcomes per channel and day (UTC).",
            discussion: "Outcome columns count each input's latest processing (a replay replaces the first run's)."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            _ = global.logger("complaint-gateway.archive")
            do {
                let env = try GatewayEnvironment.load(global)
                let rows = try await env.openStore().archiveStatistics()
                print("day         channel              inputs        bytes   records       new   updated quarantined")
                for r in rows {
                    print(pad(r.day, 12) + pad(r.channel, 18) + lpad(r.inputs, 9) + lpad(r.bytes, 13) + lpad(r.counts.read, 10)
                          + lpad(r.counts.new, 10) + lpad(r.counts.updated, 10) + lpad(r.counts.quarantined, 12))
                }
                if rows.isEmpty { print("(the archive is empty)") }
            } catch {
                throw GatewayExit.report(error)
            }
        }

        private func pad(_ s: String, _ width: Int) -> String {
            s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
        }

        private func lpad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
        }
    }
}
