import Foundation
import TOMLKit

/// A channel ready to run: its settings, its plugin and the parser built for it.
public struct ConfiguredChannel: Sendable {
    public var settings: ChannelSettings
    public var plugin: any ChannelPlugin
    public var parser: any ChannelParser
    /// How the channel takes HTTP posts, when its plugin takes any.
    public var httpIntake: HTTPIntake?
    /// What the server polls for the channel, when its plugin polls.
    public var pollTargets: [PollTarget]
    /// What the server fetches for the channel one input at a time (IMAP folders).
    public var remoteSources: [any RemoteSource]
    /// Attributes that are not personal (`ChannelPlugin.sharedAttributes`).
    public var sharedAttributes: Set<String>

    public var name: String { settings.name }

    public init(settings: ChannelSettings, plugin: any ChannelPlugin, parser: any ChannelParser, httpIntake: HTTPIntake? = nil,
                pollTargets: [PollTarget] = [], remoteSources: [any RemoteSource] = []) {
        self.settings = settings
        self.plugin = plugin
        self.parser = parser
        self.httpIntake = httpIntake
        self.pollTargets = pollTargets
        self.remoteSources = remoteSources
        self.sharedAttributes = plugin.sharedAttributes(settings)
    }
}

/// Reads and validates `channels.conf`, reporting every problem at once.
///
/// Checks, in order: TOML syntax; unknown sections and keys (listing the
/// allowed ones); missing required keys; value kinds; unknown channel types;
/// duplicate channel names; two channels watching one folder; then each
/// plugin's own checks of its values. Nothing is half-loaded: either every
/// channel is valid or `ConfigError` lists what is wrong.
public struct ConfigLoader: Sendable {
    public let registry: PluginRegistry

    /// Keys of the `[storage]` table.
    public static let storageOptions: [OptionSpec] = [
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
    /// Keys of the `[archive]` table.
    public static let archiveOptions: [OptionSpec] = [
        OptionSpec("path", .string, default: "var/archive",
                   help: "Folder of the content-addressed raw archive, relative to the config file's folder."),
        OptionSpec("retention_days", .integer,
                   help: "Days raw objects are kept before `archive prune` removes them (never while their complaints are recent or they are quarantined). Absent: kept forever."),
        OptionSpec("mode", .string, default: "0600",
                   help: "Octal permissions of archived objects (always read-only) and, with search bits, of its folders: owner only by default, as raw inputs hold personal data; \"0640\" lets the group read. Others never."),
    ]
    /// Keys of the `[server]` table (used by `serve`).
    public static let serverOptions: [OptionSpec] = [
        OptionSpec("listen", .string, default: ServerSettings.defaultListen,
                   help: "Address and port the HTTP server binds, HOST:PORT (an IPv6 host in brackets). `serve --listen` overrides it."),
        OptionSpec("scan_interval_seconds", .integer, default: "\(ServerSettings.defaultScanInterval)",
                   help: "How often `serve` looks for new files in the channels' drop folders."),
        OptionSpec("shutdown_grace_seconds", .integer, default: "\(ServerSettings.defaultShutdownGrace)",
                   help: "On SIGTERM/SIGINT, how long in-flight requests and ingestions may take to finish."),
        OptionSpec("idle_timeout_seconds", .integer, default: "\(ServerSettings.defaultIdleTimeout)",
                   help: "A connection silent this long is closed; also the most a client may take to send a request's headers."),
        OptionSpec("body_timeout_seconds", .integer, default: "\(ServerSettings.defaultBodyTimeout)",
                   help: "The most a client may take to send a whole request body (a slow or stalled upload gets 408)."),
        OptionSpec("max_connections", .integer, default: "\(ServerSettings.defaultMaxConnections)",
                   help: "Connections served at once; beyond it requests get 503 with Retry-After, except /healthz and /readyz."),
        OptionSpec("store_timeout_seconds", .integer, default: "\(ServerSettings.defaultStoreTimeout)",
                   help: "The most a form post waits for the store to commit it; then it is answered 503 store_unavailable (nothing acknowledged, retry with the same Idempotency-Key)."),
        OptionSpec("trusted_proxies", .stringArray,
                   help: "Addresses or CIDR ranges of reverse proxies (\"127.0.0.1\", \"10.0.0.0/8\"): from them, the client is the last address in X-Forwarded-For that is not itself a trusted proxy. Absent: the connection's peer is the client."),
    ]
    /// Keys of the `[dedup]` table.
    public static let dedupOptions: [OptionSpec] = [
        OptionSpec("enabled", .boolean, default: "true",
                   help: "false: only exact re-deliveries (same channel and source id) are recognized; no duplicates, near-duplicates or clusters."),
        OptionSpec("window_days", .integer, default: "30",
                   help: "How far apart two complaints of one customer may arrive and still be duplicates or near-duplicates."),
        OptionSpec("near_duplicate_threshold", .number, default: "0.5",
                   help: "Text similarity (0-1, estimated Jaccard of character 3-grams) at or above which one customer's two complaints are near-duplicates; their numbers (amounts, dates, order numbers) must also agree."),
        OptionSpec("cluster_threshold", .number, default: "0.6",
                   help: "Text similarity (0-1) at or above which complaints of any customers join one incident cluster."),
        OptionSpec("cluster_window_hours", .integer, default: "24",
                   help: "How far back a complaint looks for a cluster to join."),
        OptionSpec("mass_complaint_customers", .integer, default: "20",
                   help: "Distinct customers in one cluster within mass_complaint_window_minutes that flag it as a mass complaint (log warning, metric, `complaint-gateway clusters --mass`)."),
        OptionSpec("mass_complaint_window_minutes", .integer, default: "60",
                   help: "The window of mass_complaint_customers."),
    ]
    /// Keys of a `[[token]]` table.
    public static let tokenOptions: [OptionSpec] = [
        OptionSpec("name", .string, required: true, help: "Names the token in logs; unique."),
        SecretValue.option("secret", required: true, help: "The bearer token's value."),
        OptionSpec("scopes", .stringArray, required: true,
                   help: "Any of: " + APIToken.Scope.allCases.map(\.rawValue).joined(separator: ", ") + "."),
    ]
    static let topLevelKeys = ["server", "storage", "archive", "dedup", "incidents", "token", "sink", "channel"]
    static let channelNamePattern = "letters, digits, '-' and '_'"

    public init(registry: PluginRegistry) {
        self.registry = registry
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

        let storageTable = section("storage", in: root, problem: problem)
        let storageValues = validate(storageTable, against: Self.storageOptions, path: "storage", label: "storage", problem: problem)
        let archiveTable = section("archive", in: root, problem: problem)
        let archiveValues = validate(archiveTable, against: Self.archiveOptions, path: "archive", label: "archive", problem: problem)
        var storage = StorageSettings(
            engine: storageValues["type"]?.stringValue.flatMap(StorageSettings.Engine.init(rawValue:)) ?? .sqlite,
            path: ConfigPaths.resolve(storageValues["path"]?.stringValue ?? "var/complaints.sqlite", against: baseDirectory))
        if storage.engine == .postgres {
            storage.postgres = postgresSettings(storageValues, baseDirectory: baseDirectory, problem: problem)
        } else {
            for key in ["url", "password", "schema", "max_connections"] where storageValues[key] != nil {
                problem("storage.\(key)", "storage: \(key) applies to type = \"postgres\" only")
            }
        }
        let retention = archiveValues["retention_days"]?.intValue
        if let retention, retention < 1 {
            problem("archive.retention_days", "archive: retention_days must be at least 1")
        }
        var permissions = FilePermissions.ownerOnly
        if let mode = archiveValues["mode"]?.stringValue {
            if let parsed = FilePermissions(octal: mode) {
                permissions = parsed
            } else {
                problem("archive.mode", "archive: mode must be octal like \"0600\" or \"0640\": the owner reads and writes, others get nothing")
            }
        }
        let archive = ArchiveSettings(
            path: ConfigPaths.resolve(archiveValues["path"]?.stringValue ?? "var/archive", against: baseDirectory),
            retentionDays: retention, permissions: permissions)

        let serverTable = section("server", in: root, problem: problem)
        let serverValues = validate(serverTable, against: Self.serverOptions, path: "server", label: "server", problem: problem)
        var server = ServerSettings()
        if let listen = serverValues["listen"]?.stringValue {
            if let parsed = ServerSettings.parseListen(listen) {
                server.host = parsed.host
                server.port = parsed.port
            } else {
                problem("server.listen", "server: listen: \"\(listen)\" is not HOST:PORT with a port from 0 to 65535")
            }
        }
        for proxy in serverValues["trusted_proxies"]?.stringArrayValue ?? [] {
            if let range = IPRange(proxy) {
                server.trustedProxies.append(range)
            } else {
                problem("server.trusted_proxies", "server: trusted_proxies: \"\(proxy)\" is not an IP address or a CIDR range such as \"10.0.0.0/8\"")
            }
        }
        let serverNumbers: [(String, Int, Int, WritableKeyPath<ServerSettings, Int>)] = [
            ("scan_interval_seconds", 1, 86_400, \.scanInterval),
            ("shutdown_grace_seconds", 0, 3_600, \.shutdownGrace),
            ("idle_timeout_seconds", 1, 3_600, \.idleTimeout),
            ("body_timeout_seconds", 1, 3_600, \.bodyTimeout),
            ("max_connections", 1, 1_000_000, \.maxConnections),
            ("store_timeout_seconds", 1, 3_600, \.storeTimeout),
        ]
        for (key, minimum, maximum, field) in serverNumbers {
            guard let value = serverValues[key]?.intValue else { continue }
            if value < minimum || value > maximum {
                problem("server.\(key)", "server: \(key) must be from \(minimum) to \(maximum)")
            } else {
                server[keyPath: field] = value
            }
        }

        let dedupTable = section("dedup", in: root, problem: problem)
        let dedupValues = validate(dedupTable, against: Self.dedupOptions, path: "dedup", label: "dedup", problem: problem)
        var dedup = DedupSettings()
        if let enabled = dedupValues["enabled"]?.boolValue { dedup.enabled = enabled }
        for (key, path) in [("near_duplicate_threshold", \DedupSettings.nearDuplicateThreshold),
                            ("cluster_threshold", \DedupSettings.clusterThreshold)] {
            guard let value = dedupValues[key]?.doubleValue else { continue }
            if value > 0, value <= 1 {
                dedup[keyPath: path] = value
            } else {
                problem("dedup.\(key)", "dedup: \(key) must be greater than 0 and at most 1, found \(value)")
            }
        }
        for (key, unit) in [("window_days", 86_400.0), ("cluster_window_hours", 3_600.0), ("mass_complaint_window_minutes", 60.0),
                            ("mass_complaint_customers", 0)] {
            guard let value = dedupValues[key]?.intValue else { continue }
            let minimum = key == "mass_complaint_customers" ? 2 : 1
            guard value >= minimum else {
                problem("dedup.\(key)", "dedup: \(key) must be at least \(minimum), found \(value)")
                continue
            }
            switch key {
            case "window_days": dedup.window = Double(value) * unit
            case "cluster_window_hours": dedup.clusterWindow = Double(value) * unit
            case "mass_complaint_window_minutes": dedup.massComplaintWindow = Double(value) * unit
            default: dedup.massComplaintCustomers = value
            }
        }

        let incidentValues = validate(section("incidents", in: root, problem: problem), against: IncidentSettings.options,
                                      path: "incidents", label: "incidents", problem: problem)
        dedup.incidents = IncidentSettings.parse(incidentValues) { key, message in problem(key, message) }

        var tokens: [APIToken] = []
        switch root["token"] {
        case nil:
            break
        case .array(let items):
            var names = Set<String>()
            var secrets = Set<[UInt8]>()
            for (i, item) in items.enumerated() {
                let path = "token[\(i)]"
                let values = validate(item, against: Self.tokenOptions, path: path, label: "token #\(i + 1)", problem: problem)
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
                    problem("\(path).secret", "token \"\(name)\": \(reason.text)")
                }
            }
        default:
            problem("token", "tokens are declared as [[token]] tables")
        }

        var sinks: [SinkSettings] = []
        switch root["sink"] {
        case nil:
            break
        case .array(let items):
            var names = Set<String>()
            for (i, item) in items.enumerated() {
                let path = "sink[\(i)]"
                let before = problems.count
                let v = validate(item, against: SinkSettings.options, path: path, label: "sink #\(i + 1)", problem: problem)
                guard problems.count == before, let name = v["name"]?.stringValue,
                      let kind = v["type"]?.stringValue.flatMap(SinkSettings.Kind.init(rawValue:)) else { continue }
                if !names.insert(name).inserted { problem("\(path).name", "duplicate sink name \"\(name)\"") }
                var sink = SinkSettings(name: name, kind: kind, channels: v["channels"]?.stringArrayValue ?? [],
                                        types: v["types"]?.stringArrayValue ?? [])
                for type in sink.types where FeedEventType(rawValue: type) == nil {
                    problem("\(path).types", "sink \"\(name)\": unknown event type \"\(type)\"; known: " + FeedEventType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                for (key, minimum) in [("max_attempts", 1), ("initial_backoff_ms", 1), ("max_backoff_seconds", 1), ("timeout_seconds", 1), ("rotate_bytes", 1024)] {
                    if let n = v[key]?.intValue, n < minimum { problem("\(path).\(key)", "sink \"\(name)\": \(key) must be at least \(minimum)") }
                }
                sink.maxAttempts = max(1, v["max_attempts"]?.intValue ?? sink.maxAttempts)
                sink.initialBackoff = .milliseconds(max(1, v["initial_backoff_ms"]?.intValue ?? 1000))
                sink.maxBackoff = .seconds(max(1, v["max_backoff_seconds"]?.intValue ?? 300))
                sink.timeout = .seconds(max(1, v["timeout_seconds"]?.intValue ?? 10))
                sink.rotateBytes = max(1024, v["rotate_bytes"]?.intValue ?? sink.rotateBytes)
                sink.pii = v["pii"]?.boolValue ?? false
                switch kind {
                case .webhook:
                    if let text = v["url"]?.stringValue, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil {
                        sink.url = url
                    } else {
                        problem(v["url"] == nil ? path : "\(path).url", "sink \"\(name)\": a webhook needs url = \"https://...\"")
                    }
                    if let table = v["secret"]?.tableValue {
                        switch SecretValue.resolve(table, baseDirectory: baseDirectory) {
                        case .success(let secret): sink.secret = secret
                        case .failure(let reason): problem("\(path).secret", "sink \"\(name)\": \(reason.text)")
                        }
                    }
                case .ndjson:
                    if let folder = v["path"]?.stringValue {
                        sink.path = ConfigPaths.resolve(folder, against: baseDirectory)
                    } else {
                        problem(path, "sink \"\(name)\": an ndjson sink needs path = \"FOLDER\"")
                    }
                }
                sinks.append(sink)
            }
        default:
            problem("sink", "sinks are declared as [[sink]] tables")
        }

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

        var channels: [ConfiguredChannel] = []
        var namesSeen: [String: Int] = [:]
        var foldersSeen: [String: String] = [:]
        for (index, table) in channelTables.enumerated() {
            let prefix = "channel[\(index)]"
            let headerLine = locator.line(of: prefix)
            let name = table["name"]?.stringValue
            let label = name.map { "channel \"\($0)\"" } ?? "channel #\(index + 1)"
            var ok = true
            if let name {
                if name.isEmpty || !name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) {
                    problem("\(prefix).name", "\(label): name must be non-empty and use only \(Self.channelNamePattern)")
                    ok = false
                } else if let first = namesSeen[name] {
                    problem("\(prefix).name", "duplicate channel name \"\(name)\" (first declared on line \(first))")
                    ok = false
                } else {
                    namesSeen[name] = locator.line(of: "\(prefix).name") ?? headerLine ?? 0
                }
            } else if table["name"] == nil {
                problem(nil, "\(label): missing required key \"name\"", line: headerLine)
                ok = false
            } else {
                problem("\(prefix).name", "\(label): name must be a string")
                ok = false
            }
            guard let typeValue = table["type"] else {
                problem(nil, "\(label): missing required key \"type\" (one of: \(registry.types.joined(separator: ", ")))", line: headerLine)
                continue
            }
            guard let type = typeValue.stringValue, let plugin = registry[type] else {
                problem("\(prefix).type", "\(label): unknown channel type \(typeValue.stringValue.map { "\"\($0)\"" } ?? typeValue.kindName); known types: \(registry.types.joined(separator: ", "))")
                continue
            }
            var rest = table
            rest["name"] = nil
            rest["type"] = nil
            let before = problems.count
            let valid = validate(.table(rest), against: plugin.options, path: prefix, label: label, problem: problem,
                                 reserved: ["name", "type"])
            if problems.count != before { ok = false }
            // The plugin's own checks run on the values whose kinds are right, even
            // when others are wrong, so one run of `check` reports every problem;
            // without a required value they would only guess (and mislead).
            guard let name, plugin.options.allSatisfy({ !$0.required || valid[$0.key] != nil }) else { continue }
            var checked = valid
            checked["name"] = table["name"]
            checked["type"] = table["type"]
            let settings = ChannelSettings(name: name, type: type, values: checked, keyPrefix: prefix, file: file,
                                           baseDirectory: baseDirectory, locator: locator)
            for (key, url) in plugin.watchedFolders(in: settings) {
                let path = url.resolvingSymlinksInPath().path
                if let refusal = WatchedFolderPolicy.problem(with: url, store: storage.engine == .sqlite ? storage.path : nil,
                                                              archive: archive.path) {
                    problems.append(settings.problem(key, refusal))
                    ok = false
                }
                if let other = foldersSeen[path] {
                    problems.append(settings.problem(key, "folder \(path) is already watched by channel \"\(other)\"; a file must belong to one channel"))
                    ok = false
                } else {
                    foldersSeen[path] = name
                }
            }
            // Both steps run even when the first fails, so every problem is reported at once.
            var parser: (any ChannelParser)? = nil
            var intake: HTTPIntake? = nil
            var polls: [PollTarget] = []
            var remotes: [any RemoteSource] = []
            for step in 0..<4 {
                do {
                    switch step {
                    case 0: parser = try plugin.makeParser(settings)
                    case 1: intake = try plugin.httpIntake(settings)
                    case 2: polls = try plugin.pollTargets(settings)
                    default: remotes = try plugin.remoteSources(settings)
                    }
                } catch let error as ConfigError {
                    problems += error.problems
                    ok = false
                } catch {
                    problems.append(ConfigProblem(file: file, line: headerLine, key: label, message: "\(error)"))
                    ok = false
                }
            }
            if ok, let parser {
                channels.append(ConfiguredChannel(settings: settings, plugin: plugin, parser: parser, httpIntake: intake, pollTargets: polls,
                                                  remoteSources: remotes))
            }
        }
        guard problems.isEmpty else {
            throw ConfigError(problems.sorted { ($0.line ?? 0, $0.key ?? "") < ($1.line ?? 0, $1.key ?? "") })
        }
        return (GatewayConfig(file: file, server: server, storage: storage, archive: archive, dedup: dedup, tokens: tokens, sinks: sinks,
                              channels: channels.map(\.settings)), channels)
    }

    private func section(_ name: String, in root: [String: ConfigValue], problem: (String?, String, Int?) -> Void) -> ConfigValue {
        guard let value = root[name] else { return .table([:]) }
        if case .table = value { return value }
        problem(name, "must be a [\(name)] table, found \(value.kindName)", nil)
        return .table([:])
    }

    /// Checks a table against declared options; returns its values.
    @discardableResult
    private func validate(_ value: ConfigValue, against options: [OptionSpec], path: String, label: String,
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
        var s = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\t": s += "\\t"
            case "\r": s += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    s += String(format: "\\u%04X", scalar.value)
                } else {
                    s.unicodeScalars.append(scalar)
                }
            }
        }
        return s + "\""
    }
}

extension ConfigLoader {
    /// The `[storage]` keys of `type = "postgres"`.
    func postgresSettings(_ values: [String: ConfigValue], baseDirectory: URL,
                          problem: (String?, String, Int?) -> Void) -> PostgresSettings? {
        guard let url = values["url"]?.stringValue else {
            problem("storage", "storage: type = \"postgres\" needs url = \"postgres://USER@HOST:5432/DATABASE\"", nil)
            return nil
        }
        var settings: PostgresSettings
        switch PostgresSettings.parse(url: url) {
        case .success(let parsed): settings = parsed
        case .failure(let reason):
            problem("storage.url", "storage: \(reason.text)", nil)
            return nil
        }
        if let table = values["password"]?.tableValue {
            switch SecretValue.resolve(table, baseDirectory: baseDirectory) {
            case .success(let secret): settings.password = secret
            case .failure(let reason): problem("storage.password", "storage: \(reason.text)", nil)
            }
        }
        if let schema = values["schema"]?.stringValue {
            // The schema name is spliced into SQL (it cannot be a bind parameter).
            guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                problem("storage.schema", "storage: schema must be lower-case letters, digits and _ (at most 63), starting with a letter or _", nil)
                return nil
            }
            settings.schema = schema
        }
        if let max = values["max_connections"]?.intValue {
            guard (1...1000).contains(max) else {
                problem("storage.max_connections", "storage: max_connections must be between 1 and 1000", nil)
                return nil
            }
            settings.maxConnections = max
        }
        return settings
    }
}
