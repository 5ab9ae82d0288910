import Foundation

/// Where the PostgreSQL store connects: `[storage] type = "postgres"`.
///
/// Written as a URL without the password
/// (`postgres://gateway@db.internal:5432/complaints?sslmode=require`); the
/// password comes from `password = { env = "..." }` or `{ file = "..." }`, so
/// the configuration can be shared without the secret.
public struct PostgresSettings: Sendable, Equatable {
    /// TLS towards the server (`sslmode` in the URL).
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Never (loopback, a private network).
        case disable
        /// When the server offers it (PostgreSQL's default).
        case prefer
        /// Always; the connection fails otherwise.
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: SecretValue?
    public var database: String
    /// The schema the gateway's tables live in; several gateways (tenants,
    /// test runs) can share one database with one schema each.
    public var schema: String
    public var tls: TLSMode
    /// Connections each instance opens at most.
    public var maxConnections: Int

    public init(host: String, port: Int = 5432, username: String, password: SecretValue? = nil, database: String,
                schema: String = "public", tls: TLSMode = .prefer, maxConnections: Int = 8) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
        self.maxConnections = maxConnections
    }

    /// Parses `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=...]` (also
    /// `postgresql://`). A password in the URL is refused: it belongs in an
    /// environment variable or a file.
    public static func parse(url text: String) -> Result<PostgresSettings, SecretValue.Unresolved> {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            return .failure(.init(text: "url must look like postgres://USER@HOST:5432/DATABASE"))
        }
        guard components.password == nil else {
            return .failure(.init(text: "url must not contain the password; use password = { env = \"NAME\" }"))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(.init(text: "url has no host")) }
        guard let user = components.user, !user.isEmpty else { return .failure(.init(text: "url has no user (postgres://USER@HOST/DATABASE)")) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { return .failure(.init(text: "url has no database (postgres://USER@HOST/DATABASE)")) }
        var settings = PostgresSettings(host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                                        database: database.removingPercentEncoding ?? database)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value {
                case "disable": settings.tls = .disable
                case "allow", "prefer": settings.tls = .prefer
                case "require", "verify-ca", "verify-full": settings.tls = .require
                default: return .failure(.init(text: "url: unknown sslmode \"\(item.value ?? "")\"; use disable, prefer or require"))
                }
            default:
                return .failure(.init(text: "url: unknown parameter \"\(item.name)\"; only sslmode is read"))
            }
        }
        return .success(settings)
    }
}
