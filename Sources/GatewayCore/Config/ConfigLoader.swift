import Foundation
import TOMLKit

/// Reads and validates `channels.conf`, reporting every problem at once.
///
/// Checks, in order: TOML syntax; unknown sections and keys (listing the
/// allowed ones); missing required keys; value kinds; unknown channel types;
/// duplicate channel names; two channels watching one folder; then each
/// plugin's own checks of its values. Nothing is half-loaded: either every
/// channel is valid or `ConfigError` lists what is wrong.
public struct ConfigLoader: Sendable {
    public let registry: PluginRegistry
    /// How to treat secrets that only serving HTTP needs.
    public var servingSecrets: ServingSecrets = .required

    /// Whether an unresolvable token, webhook or form-signature secret is a
    /// problem. Only `serve` answers HTTP, so every other command (an MTA's
    /// pipe among them) defers them: a console token added to the file does
    /// not stop mail from being taken in where its variable is not exported.
    public enum ServingSecrets: Sendable {
        /// Refused like any other problem.
        case required
        /// Reported in `GatewayConfig.deferredSecrets`; the token or secret is left out.
        case deferred
        /// As `required`, with a hint that a running server sees only the
        /// environment it was started with (SIGHUP reload).
        case reloading
    }

    static let topLevelKeys = ["server", "storage", "archive", "dedup", "incidents", "identity", "token", "sink", "channel"]
    static let channelNamePattern = "letters, digits, '-' and '_'"

    public init(registry: PluginRegistry, servingSecrets: ServingSecrets = .required) {
        self.registry = registry
        self.servingSecrets = servingSecrets
    }

    /// Loads the file at `path`.
    public func load(path: String) throws(ConfigError) -> (config: GatewayConfig, channels: [ConfiguredChannel]) {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigError([ConfigProblem(file: path, line: nil, key: nil, message: "not UTF-8 text")])
            }
            text = decoded
        } catch let error as ConfigError {
            throw error
        } catch let error as CocoaError where error.code == .fileReadNoPermission {
            // The install makes it 0640 root:complaint-gateway: readable by the service only.
            throw ConfigError([ConfigProblem(file: path, line: nil, key: nil,
                                             message: "cannot read the configuration file: permission denied; run the command as "
                                                 + "the service's user (sudo -u complaint-gateway complaint-gateway …) or as root")])
        } catch {
            throw ConfigError([ConfigProblem(file: path, line: nil, key: nil,
                                             message: "cannot read the configuration file: \(error.localizedDescription)")])
        }
        return try load(text: text, file: path, baseDirectory: url.deletingLastPathComponent())
    }

    /// Loads configuration text; `file` names it in messages and `baseDirectory`
    /// resolves relative paths.
    public func load(text: String, file: String, baseDirectory: URL) throws(ConfigError) -> (config: GatewayConfig, channels: [ConfiguredChannel]) {
        let unsafe = TOMLPreflight.problems(in: text, file: file)
        guard unsafe.isEmpty else { throw ConfigError(unsafe) }
        let root: [String: ConfigValue]
        do {
            root = Self.convert(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw ConfigError([ConfigProblem(file: file, line: error.source.begin.line, key: nil,
                                             message: "TOML syntax error: \(error.description)")])
        } catch {
            throw ConfigError([ConfigProblem(file: file, line: nil, key: nil, message: "TOML syntax error: \(error)")])
        }
        let locator = TOMLKeyLocator(text: text)
        var problems: [ConfigProblem] = []
        func problem(_ key: String?, _ message: String, line: Int? = nil) {
            problems.append(ConfigProblem(file: file, line: line ?? key.flatMap { locator.line(of: $0) }, key: key, message: message))
        }

        for key in root.keys.sorted() where !Self.topLevelKeys.contains(key) {
            problem(key, "unknown section\(NearestName.hint(for: key, among: Self.topLevelKeys)); allowed: \(Self.topLevelKeys.joined(separator: ", "))")
        }

        // Each table's keys and kinds are checked here; what its values mean is
        // decided by the settings type that owns the table.
        func table(_ name: String, _ options: [OptionSpec]) -> [String: ConfigValue] {
            validate(section(name, in: root, problem: problem), against: options, path: name, label: name, problem: problem)
        }
        let report: ConfigProblemReport = { key, message in problem(key, message) }
        var deferred: [ConfigProblem] = []
        let secretReport: ConfigProblemReport
        switch servingSecrets {
        case .required: secretReport = report
        case .deferred: secretReport = { key, message in
            deferred.append(ConfigProblem(file: file, line: locator.line(of: key), key: key, message: message)) }
        case .reloading: secretReport = { key, message in problem(key, message + Self.reloadHint(message)) }
        }
        let storage = StorageSettings.parse(table("storage", StorageSettings.options), baseDirectory: baseDirectory, problem: report)
        let archive = ArchiveSettings.parse(table("archive", ArchiveSettings.options), baseDirectory: baseDirectory, problem: report)
        let server = ServerSettings.parse(table("server", ServerSettings.options), problem: report)
        var dedup = DedupSettings.parse(table("dedup", DedupSettings.options), problem: report)
        dedup.incidents = IncidentSettings.parse(table("incidents", IncidentSettings.options), problem: report)
        dedup.identity = IdentitySettings.parse(table("identity", IdentitySettings.options), problem: report)
        let tokens = APIToken.parse(tableArray("token", APIToken.options, in: root, problem: problem),
                                    baseDirectory: baseDirectory, problem: report, secretProblem: secretReport)
        let sinks = SinkSettings.parse(tableArray("sink", SinkSettings.options, in: root, problem: problem),
                                       baseDirectory: baseDirectory, problem: report, secretProblem: secretReport)

        var channelTables: [[String: ConfigValue]] = []
        switch root["channel"] {
        case nil:
            break
        case .array(let items):
            for (i, item) in items.enumerated() {
                if case .table(let t) = item { channelTables.append(t) } else {
                    problem("channel[\(i)]", "each channel must be a [[channel]] table")
                }
            }
        default:
            problem("channel", "channels are declared as [[channel]] tables")
        }

        let channels = configureChannels(channelTables, storage: storage, archive: archive, file: file, baseDirectory: baseDirectory,
                                         locator: locator, problems: &problems, secretProblem: secretReport)
        guard problems.isEmpty else {
            throw ConfigError(problems.sorted { ($0.line ?? 0, $0.key ?? "") < ($1.line ?? 0, $1.key ?? "") })
        }
        var config = GatewayConfig(file: file, server: server, storage: storage, archive: archive, dedup: dedup, tokens: tokens, sinks: sinks,
                                   channels: channels.map(\.settings))
        config.deferredSecrets = deferred
        return (config, channels)
    }

    /// Why a reload cannot see a variable exported after the server started.
    static func reloadHint(_ message: String) -> String {
        guard message.contains("environment variable") else { return "" }
        return " (a running server sees only the environment it was started with: restart it to read a new variable, "
            + "or keep the secret in a file, { file = \"PATH\" }, which every reload reads again)"
    }

    private func section(_ name: String, in root: [String: ConfigValue], problem: (String?, String, Int?) -> Void) -> ConfigValue {
        guard let value = root[name] else { return .table([:]) }
        if case .table = value { return value }
        problem(name, "must be a [\(name)] table, found \(value.kindName)", nil)
        return .table([:])
    }

    /// The tables of an array of tables (`[[token]]`), each checked against `options`.
    private func tableArray(_ name: String, _ options: [OptionSpec], in root: [String: ConfigValue],
                            problem: (String?, String, Int?) -> Void) -> [ConfigTableItem] {
        switch root[name] {
        case nil:
            return []
        case .array(let items):
            return items.enumerated().map { i, item in
                var clean = true
                let path = "\(name)[\(i)]"
                let values = validate(item, against: options, path: path, label: "\(name) #\(i + 1)") { key, message, line in
                    clean = false
                    problem(key, message, line)
                }
                return ConfigTableItem(path: path, values: values, isClean: clean)
            }
        default:
            problem(name, "\(name)s are declared as [[\(name)]] tables", nil)
            return []
        }
    }

    /// Checks a table against declared options; returns its values.
    @discardableResult
    func validate(_ value: ConfigValue, against options: [OptionSpec], path: String, label: String,
                          problem: (String?, String, Int?) -> Void, reserved: [String] = []) -> [String: ConfigValue] {
        guard case .table(let table) = value else { return [:] }
        let allowed = reserved + options.map(\.key)
        // Only known keys with values of the right kind: what later checks may read.
        var accepted: [String: ConfigValue] = [:]
        for key in table.keys.sorted() {
            let keyPath = "\(path).\(key)"
            guard let option = options.first(where: { $0.key == key }) else {
                problem(keyPath, "\(label): unknown key \"\(key)\"\(NearestName.hint(for: key, among: allowed)); allowed: \(allowed.joined(separator: ", "))", nil)
                continue
            }
            let v = table[key]!
            if let mismatch = option.mismatch(v) {
                problem(keyPath, "\(label): \(key): \(mismatch)", nil)
                continue
            }
            accepted[key] = v
            if case .table(let nested) = option.kind {
                validate(v, against: nested, path: keyPath, label: "\(label) \(key)", problem: problem)
            } else if case .namedTables(let nested) = option.kind, case .table(let entries) = v {
                for name in entries.keys.sorted() {
                    validate(entries[name]!, against: nested, path: "\(keyPath).\(name)", label: "\(label) \(key).\(name)", problem: problem)
                }
            } else if case .tableArray(let nested) = option.kind, case .array(let items) = v {
                for (i, item) in items.enumerated() {
                    guard case .table = item else {
                        problem("\(keyPath)[\(i)]", "\(label): \(key) #\(i + 1) must be a table such as { ... }, found \(item.kindName)", nil)
                        continue
                    }
                    validate(item, against: nested, path: "\(keyPath)[\(i)]", label: "\(label) \(key) #\(i + 1)", problem: problem)
                }
            }
        }
        for option in options where option.required && table[option.key] == nil {
            problem(path, "\(label): missing required key \"\(option.key)\"", nil)
        }
        return accepted
    }

    /// Copies TOMLKit's tree into `ConfigValue`.
    static func convert(_ table: TOMLTable) -> [String: ConfigValue] {
        var out: [String: ConfigValue] = [:]
        for key in table.keys {
            if let v = table[key] { out[key] = convert(v) }
        }
        return out
    }

    static func convert(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .table: return .table(value.table.map(convert) ?? [:])
        case .array: return .array(value.array.map { $0.map { convert($0) } } ?? [])
        default: return .other(value.debugDescription)
        }
    }
}

extension ConfigLoader {
    /// `value` as a TOML literal: kept as written when it already is one
    /// (`42`, `true`, `"text"`, `["a", "b"]`, `{ start = 2 }`), quoted as a
    /// string otherwise. Lets `--set key=value` take bare words.
    public static func tomlLiteral(_ value: String) -> String {
        if (try? TOMLTable(string: "x = \(value)")) != nil, !value.contains("\n") { return value }
        return TOMLQuoting.quoted(value)
    }
}
