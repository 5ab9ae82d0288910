import Foundation

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

extension APIToken {
    /// Keys of a `[[token]]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("name", .string, required: true, help: "Names the token in logs; unique."),
        SecretValue.option("secret", required: true, help: "The bearer token's value."),
        OptionSpec("scopes", .stringArray, required: true,
                   help: "Any of: " + APIToken.Scope.allCases.map(\.rawValue).joined(separator: ", ") + "."),
    ]

    /// The tokens of the checked `[[token]]` tables: names unique, secrets
    /// long, resolvable and each token's own.
    /// A secret that cannot be resolved goes to `secretProblem` (a warning
    /// where the command serves no HTTP) and its token is left out.
    static func parse(_ items: [ConfigTableItem], baseDirectory: URL, problem: ConfigProblemReport,
                      secretProblem: ConfigProblemReport) -> [APIToken] {
        var tokens: [APIToken] = []
        var names = Set<String>()
        var secrets = Set<[UInt8]>()
        for item in items {
            let path = item.path, values = item.values
            guard let name = values["name"]?.stringValue, let secretTable = values["secret"]?.tableValue,
                  let scopeNames = values["scopes"]?.stringArrayValue else { continue }
            if !names.insert(name).inserted { problem("\(path).name", "duplicate token name \"\(name)\"") }
            var scopes = Set<APIToken.Scope>()
            for scopeName in scopeNames {
                if let scope = APIToken.Scope(rawValue: scopeName) { scopes.insert(scope) } else {
                    problem("\(path).scopes", "token \"\(name)\": unknown scope \"\(scopeName)\"; known: " + APIToken.Scope.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            switch SecretValue.resolve(secretTable, baseDirectory: baseDirectory) {
            case .success(let secret):
                if secret.bytes.count < 16 { problem("\(path).secret", "token \"\(name)\": the secret is shorter than 16 bytes; use a long random value") }
                if !secrets.insert(secret.bytes).inserted { problem("\(path).secret", "token \"\(name)\" has the same secret as another token") }
                tokens.append(APIToken(name: name, secret: secret, scopes: scopes))
            case .failure(let reason):
                secretProblem("\(path).secret", "token \"\(name)\": \(reason.text)")
            }
        }
        return tokens
    }
}
