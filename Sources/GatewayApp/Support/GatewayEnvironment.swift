import Foundation
import GatewayCore
import SQLiteStore
import PostgresStore

/// The loaded configuration and the parts built from it: what every command
/// that touches the store starts from.
struct GatewayEnvironment {
    let config: GatewayConfig
    let channels: [ConfiguredChannel]

    /// Loads and validates the configuration file. Secrets only serving HTTP
    /// needs (tokens, webhook and form-signature keys) are required by
    /// `serve` alone; other commands get them as `config.deferredSecrets`.
    static func load(_ options: GlobalOptions, serving: Bool = false) throws -> GatewayEnvironment {
        let loader = ConfigLoader(registry: BuiltinPlugins.registry, servingSecrets: serving ? .required : .deferred)
        let loaded = try loader.load(path: options.config)
        return GatewayEnvironment(config: loaded.config, channels: loaded.channels)
    }

    func channel(named name: String) throws -> ConfiguredChannel {
        guard let channel = channels.first(where: { $0.name == name }) else {
            let known = channels.map(\.name).joined(separator: ", ")
            throw ConfigError([ConfigProblem(file: config.file, line: nil, key: nil,
                                             message: "no channel named \"\(name)\"; configured: \(known.isEmpty ? "none" : known)")])
        }
        return channel
    }

    /// Opens the configured store engine.
    func openStore() async throws -> any ComplaintStore {
        switch config.storage.engine {
        case .sqlite:
            return try SQLiteComplaintStore(path: config.storage.path)
        case .postgres:
            guard let settings = config.storage.postgres else {
                throw ConfigError([ConfigProblem(file: config.file, line: nil, key: "storage.url", message: "storage: type = \"postgres\" needs url")])
            }
            return try await PostgresComplaintStore(settings: settings)
        }
    }

    /// The dedup stage with the `[dedup]` settings.
    var dedupStage: ComplaintDedupStage {
        ComplaintDedupStage(settings: config.dedup)
    }

    func openArchive() throws -> RawArchive {
        try RawArchive(root: config.archive.path, permissions: config.archive.permissions)
    }
}
