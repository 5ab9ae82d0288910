import ArgumentParser
import GatewayCore
import PostgresStore

/// `complaint-gateway check`: validate the configuration.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration file and report every problem with its line and key.",
        discussion: """
            Exits 0 when the file is valid, 78 when it has problems. A drop folder that does not \
            exist or cannot be read is a warning (the file is valid; the channel takes no files \
            until the folder is there); so are a feed URL that resolves to an internal address \
            and an IMAP login allowed in clear text.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also open the store and log in to each remote source (IMAP folder), one line each; exits 1 if one cannot be reached.")
    var connect = false

    func run() async throws {
        do {
            let env = try GatewayEnvironment.load(global)
            print("\(global.config): OK, " + CheckSummary(env.config, channels: env.channels).text)
            let secrets = env.config.deferredSecrets.map { "\($0) (only `serve` needs it; it refuses to start without it)" }
            for problem in env.channels.flatMap({ $0.watchedFolderProblems().map { "\($0)" } }) + ExposureWarnings.of(env.channels) + secrets {
                StandardError.write("\(global.config): warning: \(problem)")
            }
            if connect {
                let storeFailed = await probeStore(env)
                try await probeRemoteSources(env.channels, failedBefore: storeFailed ? 1 : 0)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ConfigError {
            StandardError.write(error.description)
            StandardError.write("\(global.config): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s")")
            throw GatewayExit.config
        }
    }

    /// The admin's "test connection": every remote source, one line each.
    func probeRemoteSources(_ channels: [ConfiguredChannel], failedBefore: Int) async throws {
        var failed = failedBefore
        for channel in channels {
            for source in channel.remoteSources {
                do {
                    print("\(channel.name) \(source.displayName): \(try await source.probe())")
                } catch {
                    failed += 1
                    print("\(channel.name) \(source.displayName): cannot connect: \(error)")
                }
            }
        }
        if failed > 0 { throw GatewayExit.someInputsFailed }
    }

    /// Opens the store as `ingest` and `serve` would (migrating it when
    /// needed) and closes it; true when that failed.
    func probeStore(_ env: GatewayEnvironment) async -> Bool {
        let name = CheckSummary.storeName(env.config.storage)
        do {
            let store = try await env.openStore()
            let newest = try await store.latestIngestionID()
            (store as? PostgresComplaintStore)?.close()
            print("store \(name): OK, " + (newest > 0 ? "latest ingestion \(newest)" : "no ingestion yet"))
            return false
        } catch {
            print("store \(name): cannot open: \(error)")
            return true
        }
    }
}
