/// A bearer token for the HTTP API, declared in `channels.conf` as a `[[token]]`
/// whose secret lives in an environment variable or a file:
///
/// ```toml
/// [[token]]
/// name = "warehouse"
/// secret = { env = "WAREHOUSE_TOKEN" }
/// scopes = ["feed:read", "pii"]
/// ```
public struct APIToken: Sendable, Equatable {
    /// What a token may do.
    public enum Scope: String, Sendable, CaseIterable {
        /// Read the feed: pages, single complaints, the live stream.
        case feedRead = "feed:read"
        /// Post to form channels that set `require_token = true`.
        case formsWrite = "forms:write"
        /// Everything but personal data: reload, the console, every read.
        case admin
        /// See customers' email, phone and name unmasked.
        case pii
    }

    /// For logs and messages; never the secret.
    public var name: String
    public var secret: SecretValue
    public var scopes: Set<Scope>

    public init(name: String, secret: SecretValue, scopes: Set<Scope>) {
        self.name = name
        self.secret = secret
        self.scopes = scopes
    }

    /// Whether the token grants `scope`: `admin` grants every scope but
    /// `pii`, which is only ever granted by name (who may see customers'
    /// personal data is decided apart from who runs the gateway).
    public func allows(_ scope: Scope) -> Bool {
        scopes.contains(scope) || (scope != .pii && scopes.contains(.admin))
    }
}
