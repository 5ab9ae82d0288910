import Foundation

/// The `[storage]` table: where complaints, the feed and the manifests live.
public struct StorageSettings: Sendable, Equatable {
    /// Supported store engines.
    public enum Engine: String, Sendable, CaseIterable {
        /// Embedded SQLite file (the default).
        case sqlite
        /// A PostgreSQL server shared by several gateway instances.
        case postgres
    }

    public var engine: Engine
    /// Path of the SQLite database file.
    public var path: URL
    /// The PostgreSQL server, when `engine` is `.postgres`.
    public var postgres: PostgresSettings?

    public init(engine: Engine = .sqlite, path: URL, postgres: PostgresSettings? = nil) {
        self.engine = engine
        self.path = path
        self.postgres = postgres
    }
}

extension StorageSettings {
    /// Keys of the `[storage]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("type", .choice(StorageSettings.Engine.allCases.map(\.rawValue)), default: "sqlite",
                   help: "Store engine."),
        OptionSpec("path", .string, default: "var/complaints.sqlite",
                   help: "SQLite database file, relative to the config file's folder (type = \"sqlite\")."),
        OptionSpec("url", .string,
                   help: "PostgreSQL server and database, postgres://USER@HOST:5432/DATABASE[?sslmode=disable|prefer|require] (type = \"postgres\"; required there)."),
        SecretValue.option("password", help: "The PostgreSQL user's password (type = \"postgres\"; omit for trust or peer authentication)."),
        OptionSpec("schema", .string, default: "public",
                   help: "PostgreSQL schema holding the gateway's tables; created when missing."),
        OptionSpec("max_connections", .integer, default: "8",
                   help: "PostgreSQL connections each gateway instance opens at most."),
    ]

    /// The settings of a checked `[storage]` table.
    static func parse(_ values: [String: ConfigValue], baseDirectory: URL, problem: ConfigProblemReport) -> StorageSettings {
        var storage = StorageSettings(
            engine: values["type"]?.stringValue.flatMap(StorageSettings.Engine.init(rawValue:)) ?? .sqlite,
            path: ConfigPaths.resolve(values["path"]?.stringValue ?? "var/complaints.sqlite", against: baseDirectory))
        if storage.engine == .postgres {
            storage.postgres = postgresSettings(values, baseDirectory: baseDirectory, problem: problem)
        } else {
            for key in ["url", "password", "schema", "max_connections"] where values[key] != nil {
                problem("storage.\(key)", "storage: \(key) applies to type = \"postgres\" only")
            }
        }
        return storage
    }

    /// The `[storage]` keys of `type = "postgres"`.
    static func postgresSettings(_ values: [String: ConfigValue], baseDirectory: URL,
                                 problem: ConfigProblemReport) -> PostgresSettings? {
        guard let url = values["url"]?.stringValue else {
            problem("storage", "storage: type = \"postgres\" needs url = \"postgres://USER@HOST:5432/DATABASE\"")
            return nil
        }
        var settings: PostgresSettings
        switch PostgresSettings.parse(url: url) {
        case .success(let parsed): settings = parsed
        case .failure(let reason):
            problem("storage.url", "storage: \(reason.text)")
            return nil
        }
        if let table = values["password"]?.tableValue {
            switch SecretValue.resolve(table, baseDirectory: baseDirectory) {
            case .success(let secret): settings.password = secret
            case .failure(let reason): problem("storage.password", "storage: \(reason.text)")
            }
        }
        if let schema = values["schema"]?.stringValue {
            // The schema name is spliced into SQL (it cannot be a bind parameter).
            guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                problem("storage.schema", "storage: schema must be lower-case letters, digits and _ (at most 63), starting with a letter or _")
                return nil
            }
            settings.schema = schema
        }
        if let max = values["max_connections"]?.intValue {
            guard (1...1000).contains(max) else {
                problem("storage.max_connections", "storage: max_connections must be between 1 and 1000")
                return nil
            }
            settings.maxConnections = max
        }
        return settings
    }
}
