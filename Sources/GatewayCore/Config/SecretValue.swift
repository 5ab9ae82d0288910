import Foundation

/// A secret read from where `channels.conf` points: an environment variable or
/// a file, never the configuration itself (which ends up in repositories and
/// support tickets).
///
/// Written as an inline table: `secret = { env = "FORM_HMAC_SECRET" }` or
/// `secret = { file = "/run/secrets/form-hmac" }` (a trailing newline in the
/// file is ignored).
public struct SecretValue: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Never prints the secret.
    public var description: String { "<secret, \(bytes.count) bytes>" }

    /// The option declaration for a secret reference.
    public static func option(_ key: String, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(key, .table([
            OptionSpec("env", .string, help: "Name of the environment variable holding the secret."),
            OptionSpec("file", .string, help: "File holding the secret (relative to the config file's folder)."),
        ]), required: required, help: help + " Written { env = \"NAME\" } or { file = \"PATH\" }.")
    }
}

extension SecretValue {
    /// Why a reference could not be resolved, for the config problem.
    public struct Unresolved: Error, Equatable {
        public var text: String
    }

    /// Resolves a `{ env = ... }` or `{ file = ... }` table.
    public static func resolve(_ table: [String: ConfigValue], baseDirectory: URL,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<SecretValue, Unresolved> {
        let env = table["env"]?.stringValue, file = table["file"]?.stringValue
        switch (env, file) {
        case (let name?, nil):
            guard let value = environment[name], !value.isEmpty else {
                return .failure(Unresolved(text: "environment variable \(name) is not set or empty"))
            }
            return .success(SecretValue(Array(value.utf8)))
        case (nil, let path?):
            let url = ConfigPaths.resolve(path, against: baseDirectory)
            guard var data = FileManager.default.contents(atPath: url.path) else {
                return .failure(Unresolved(text: "cannot read secret file \(url.path)"))
            }
            while let last = data.last, last == 0x0A || last == 0x0D { data.removeLast() }
            guard !data.isEmpty else { return .failure(Unresolved(text: "secret file \(url.path) is empty")) }
            return .success(SecretValue(Array(data)))
        default:
            return .failure(Unresolved(text: "give exactly one of env = \"NAME\" or file = \"PATH\"; secrets are never written in the file itself"))
        }
    }
}

extension ChannelSettings {
    /// Resolves the secret reference under `key` (one only serving HTTP
    /// needs); nil when the key is absent, or when it cannot be resolved and
    /// the command serves no HTTP (`servingSecrets == .deferred`: the loader
    /// reports it as a warning).
    ///
    /// - Parameter environment: the process environment (a parameter so tests
    ///   need not change the real one).
    /// - Throws: `ConfigError` naming the key when the reference is ambiguous,
    ///   the variable is unset or empty, or the file cannot be read.
    public func secret(_ key: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> SecretValue? {
        guard let table = table(key) else { return nil }
        switch SecretValue.resolve(table, baseDirectory: baseDirectory, environment: environment) {
        case .success(let secret): return secret
        case .failure(let message):
            switch servingSecrets {
            case .deferred: return nil
            case .required: throw ConfigError([problem(key, message.text)])
            case .reloading: throw ConfigError([problem(key, message.text + ConfigLoader.reloadHint(message.text))])
            }
        }
    }

    /// The `N/unit` rate under `key`; nil when absent.
    public func rate(_ key: String) throws(ConfigError) -> RateLimit? {
        guard let text = string(key) else { return nil }
        guard let rate = RateLimit(parsing: text) else {
            throw ConfigError([problem(key, "\"\(text)\" is not a rate; write \(RateLimit.syntax)")])
        }
        return rate
    }
}
