import ArgumentParser
import GatewayCore

/// `complaint-gateway channels`: built-in plugins and configured channels.
struct ChannelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "List the keys of every section and channel type, and the configured channels."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        print("Sections:")
        let sections: [(String, [OptionSpec])] = [
            ("[server]", ServerSettings.options), ("[storage]", StorageSettings.options),
            ("[archive]", ArchiveSettings.options), ("[dedup]", DedupSettings.options), ("[incidents]", IncidentSettings.options), ("[identity]", IdentitySettings.options),
            ("[[token]]", APIToken.options), ("[[sink]]", SinkSettings.options),
        ]
        for (name, options) in sections {
            print("  \(name)")
            for option in options { print(Self.describe(option, indent: "    ")) }
        }
        print("")
        print("Channel types ([[channel]] with type = ...):")
        for plugin in BuiltinPlugins.registry.plugins {
            print("  \(plugin.type): \(plugin.summary)")
            for option in plugin.options {
                print(Self.describe(option, indent: "    "))
            }
        }
        print("")
        do {
            let env = try GatewayEnvironment.load(global)
            print("Configured channels (\(global.config)):")
            if env.channels.isEmpty { print("  none") }
            for channel in env.channels {
                let folders = channel.plugin.watchedFolders(in: channel.settings).map { " watching \($0.url.path)" }.joined()
                print("  \(channel.name): \(channel.plugin.type)\(folders)")
            }
        } catch let error as ConfigError {
            print("Configured channels: \(global.config) has problems (run `complaint-gateway check`):")
            print(error.description)
        }
    }

    static func describe(_ option: OptionSpec, indent: String) -> String {
        var line = "\(indent)\(option.key)\(option.required ? " (required)" : "")"
        if let d = option.defaultValue { line += " [default: \(d)]" }
        line += ": \(option.help)"
        if case .table(let nested) = option.kind {
            line += "\n" + nested.map { describe($0, indent: indent + "  ") }.joined(separator: "\n")
        } else if case .namedTables(let nested) = option.kind {
            line += "\n\(indent)  Each NAME = { ... } takes:\n" + nested.map { describe($0, indent: indent + "    ") }.joined(separator: "\n")
        } else if case .tableArray(let nested) = option.kind {
            line += "\n\(indent)  Each { ... } takes:\n" + nested.map { describe($0, indent: indent + "    ") }.joined(separator: "\n")
        } else if case .choice(let values) = option.kind {
            line += " One of: \(values.joined(separator: ", "))."
        }
        return line
    }
}
