import ArgumentParser
import Foundation
import GatewayCore

/// `complaint-gateway config show`: the effective configuration.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the configuration as the gateway runs it.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the effective configuration as TOML: every key, defaults filled in and marked, relative paths resolved, secrets shown as their source.",
            discussion: "The file is validated first (as `check`); with problems nothing is printed and the exit code is 78."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            do {
                // Validated whole first: an invalid file has no effective configuration.
                _ = try GatewayEnvironment.load(global)
                let url = URL(fileURLWithPath: global.config)
                let text = try String(contentsOf: url, encoding: .utf8)
                let effective = try EffectiveConfiguration(text: text, registry: BuiltinPlugins.registry,
                                                           baseDirectory: url.deletingLastPathComponent())
                print("# \(global.config), as complaint-gateway runs it")
                print(effective.render())
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }
}
