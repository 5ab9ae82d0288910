import ArgumentParser
import ComplaintModel
import Foundation
import GatewayCore
import GatewayServer

/// `complaint-gateway deliveries`: the dead letters of the `[[sink]]`s.
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List the feed events sinks gave up on (dead letters), or deliver them again.",
        discussion: """
            `serve` delivers the feed to every [[sink]] at least once, retrying with backoff; an event \
            that still fails after max_attempts becomes a dead letter and the sink moves on. \
            `deliveries` lists them; `deliveries --retry` delivers them again (all, or --id N ...) and \
            removes those that succeed.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this sink's dead letters.")
    var sink: String?

    @Flag(name: .long, help: "Deliver the dead letters again.")
    var retry = false

    @Option(name: .long, help: "With --retry: only these dead letters.")
    var id: [Int64] = []

    func run() async throws {
        do {
            let env = try GatewayEnvironment.load(global)
            let store = try await env.openStore()
            if let sink, !env.config.sinks.contains(where: { $0.name == sink }) {
                throw ValidationError("no sink named \"\(sink)\"; configured: \(env.config.sinks.map(\.name).joined(separator: ", "))")
            }
            if retry {
                let (delivered, failing) = try await DeadLetterRetrier(store: store, privacy: PersonalDataPolicy(channels: env.channels)).retry(sinks: env.config.sinks, only: Set(id), sink: sink)
                print("delivered \(delivered), still failing \(failing)")
                if failing > 0 { throw GatewayExit.someInputsFailed }
                return
            }
            let letters = try await store.deadLetters(sink: sink, limit: 10_000)
            for letter in letters {
                print("\(letter.id)\t\(letter.sink)\tsequence \(letter.sequence)\t\(letter.attempts) attempts\t\(RFC3339.string(from: letter.createdAt))\t\(letter.error)")
            }
            StandardError.write("\(letters.count) dead letter\(letters.count == 1 ? "" : "s")")
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
