import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway archive`: inspect the raw archive.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Inspect the raw archive.",
        subcommands: [Verify.self, Stats.self]
    )

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
                let store = try env.openStore()
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
