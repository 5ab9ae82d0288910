import ArgumentParser
import GatewayCore

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

    @Flag(name: .long, help: "Also log in to each remote source (IMAP folder) and show what is there; exits 1 if one cannot be reached.")
    var connect = false

    func run() async throws {
        do {
            let env = try GatewayEnvironment.load(global)
            let list = env.channels.map { "\($0.name) (\($0.plugin.type))" }.joined(separator: ", ")
            print("\(global.config): OK, \(env.channels.count) channel\(env.channels.count == 1 ? "" : "s")\(list.isEmpty ? "" : ": \(list)")")
            for problem in env.channels.flatMap({ $0.watchedFolderProblems().map { "\($0)" } }) + ExposureWarnings.of(env.channels) {
                StandardError.write("\(global.config): warning: \(problem)")
            }
            if connect { try await probeRemoteSources(env.channels) }
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ConfigError {
            StandardError.write(error.description)
            StandardError.write("\(global.config): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s")")
            throw GatewayExit.config
        }
    }

    /// The admin's "test connection": every remote source, one line each.
    func probeRemoteSources(_ channels: [ConfiguredChannel]) async throws {
        var failed = 0
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
}
