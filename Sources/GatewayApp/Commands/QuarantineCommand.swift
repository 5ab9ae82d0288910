import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway quarantine`: what could not be parsed, and why.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List quarantined records and inputs, newest first, with the reason and the archived raw input."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Show at most this many entries.")
    var limit: Int = 50

    @Flag(name: .long, help: "One JSON object per line, with the full digest (for scripts and `replay --raw`).")
    var json = false

    func run() async throws {
        do {
            let env = try GatewayEnvironment.load(global)
            let store = try await env.openStore()
            let entries = try await store.quarantined(limit: limit)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for e in entries {
                    // As the text listing: the operator's own view of what was refused.
                    print(String(decoding: try encoder.encode(QuarantineJSON(e, masked: false)), as: UTF8.self))
                }
                return
            }
            if entries.isEmpty { print("quarantine is empty") }
            for e in entries {
                print("#\(e.id) \(RFC3339.string(from: e.createdAt)) \(e.channel) raw \(e.rawSHA256.prefix(16))… \(e.location ?? "whole input"): \(e.reason)")
                if let excerpt = e.excerpt { print("    \(excerpt.replacingOccurrences(of: "\n", with: "⏎"))") }
            }
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
