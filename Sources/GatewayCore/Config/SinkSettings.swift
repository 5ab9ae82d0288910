import Foundation

/// A `[[sink]]` of `channels.conf`: where `serve` pushes the feed.
///
/// ```toml
/// [[sink]]
/// name = "ticketing"
/// type = "webhook"
/// url = "https://tickets.example.cn/hooks/complaints"
/// secret = { env = "TICKETING_HOOK_SECRET" }
/// channels = ["web", "pbx"]          # default: all
///
/// [[sink]]
/// name = "warehouse"
/// type = "ndjson"
/// path = "var/feed"                  # rotating NDJSON files for batch loaders
/// ```
public struct SinkSettings: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// HTTP POST of each CloudEvent, at least once, with retries.
        case webhook
        /// Appends each CloudEvent as a line to rotating files.
        case ndjson
    }

    public var name: String
    public var kind: Kind
    /// Webhook target.
    public var url: URL?
    /// Signs webhook bodies (`X-Signature: sha256=<hex HMAC>`).
    public var secret: SecretValue?
    /// Only these channels' events; empty for all.
    public var channels: [String]
    /// Only these event types; empty for all.
    public var types: [String]
    /// Webhook attempts per event before it goes to the dead letters.
    public var maxAttempts: Int
    /// First retry delay; doubled per attempt (with jitter) up to `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// Seconds a webhook request may take.
    public var timeout: Duration
    /// NDJSON folder.
    public var path: URL?
    /// NDJSON files are rotated after this many bytes.
    public var rotateBytes: Int
    /// Whether the sink receives personal data unmasked (see `PIIMask`); off
    /// by default, like a token without the `pii` scope.
    public var pii = false

    public init(name: String, kind: Kind, url: URL? = nil, secret: SecretValue? = nil, channels: [String] = [], types: [String] = [],
                maxAttempts: Int = 8, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(300),
                timeout: Duration = .seconds(10), path: URL? = nil, rotateBytes: Int = 64 << 20) {
        self.name = name
        self.kind = kind
        self.url = url
        self.secret = secret
        self.channels = channels
        self.types = types
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.timeout = timeout
        self.path = path
        self.rotateBytes = rotateBytes
    }

    /// Whether the sink takes this event: an incident event counts as every
    /// channel its complaints came through, a customer signal as the channel
    /// of the complaint that crossed the line.
    public func accepts(_ event: FeedEvent) -> Bool {
        guard types.isEmpty || types.contains(event.type.rawValue) else { return false }
        guard !channels.isEmpty else { return true }
        switch event.body {
        case .complaint(let complaint): return channels.contains(complaint.channel.name)
        case .incident(let incident): return incident.channels.contains { channels.contains($0) }
        case .customer(let signal): return channels.contains(signal.channel)
        }
    }

    /// Keys of a `[[sink]]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("name", .string, required: true, help: "Unique; names the sink's delivery state and dead letters."),
        OptionSpec("type", .choice(Kind.allCases.map(\.rawValue)), required: true, help: "webhook or ndjson."),
        OptionSpec("url", .string, help: "webhook: the http(s) URL each event is POSTed to."),
        SecretValue.option("secret", help: "webhook: HMAC-SHA256 key for the X-Signature header."),
        OptionSpec("channels", .stringArray, help: "Only these channels' events (default: all); an incident event is sent when one of its channels is among them, a customer event when its complaint's channel is."),
        OptionSpec("types", .stringArray, help: "Only these event types, e.g. [\"complaint.received\"] (default: all)."),
        OptionSpec("max_attempts", .integer, default: "8", help: "webhook: attempts before an event goes to the dead letters."),
        OptionSpec("initial_backoff_ms", .integer, default: "1000", help: "webhook: first retry delay, doubled per attempt with jitter."),
        OptionSpec("max_backoff_seconds", .integer, default: "300", help: "webhook: longest retry delay."),
        OptionSpec("timeout_seconds", .integer, default: "10", help: "webhook: how long one request may take."),
        OptionSpec("path", .string, help: "ndjson: folder of the files (relative to the config file)."),
        OptionSpec("rotate_bytes", .integer, default: "67108864", help: "ndjson: start a new file after this many bytes."),
        OptionSpec("pii", .boolean, default: "false", help: "Deliver personal data unmasked (customer, personal attributes, numbers in texts)."),
    ]
}

extension SinkSettings {
    /// The sinks of the checked `[[sink]]` tables (a table with a wrong key
    /// or kind is left out; its problems are already reported).
    static func parse(_ items: [ConfigTableItem], baseDirectory: URL, problem: ConfigProblemReport,
                      secretProblem: ConfigProblemReport) -> [SinkSettings] {
        var sinks: [SinkSettings] = []
        var names = Set<String>()
        for item in items {
            let path = item.path, v = item.values
            guard item.isClean, let name = v["name"]?.stringValue,
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
                    case .failure(let reason): secretProblem("\(path).secret", "sink \"\(name)\": \(reason.text)")
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
        return sinks
    }
}
