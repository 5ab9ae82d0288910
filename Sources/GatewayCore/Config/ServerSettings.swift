/// The `[server]` table: how `serve` listens and paces its background work.
public struct ServerSettings: Sendable, Equatable {
    public static let defaultListen = "127.0.0.1:8080"
    public static let defaultScanInterval = 5
    public static let defaultShutdownGrace = 30
    public static let defaultIdleTimeout = 30
    public static let defaultBodyTimeout = 60
    public static let defaultMaxConnections = 4096
    public static let defaultStoreTimeout = 30

    public var host = "127.0.0.1"
    public var port = 8080
    /// Seconds between scans of the drop folders.
    public var scanInterval = ServerSettings.defaultScanInterval
    /// Seconds in-flight work may take after SIGTERM.
    public var shutdownGrace = ServerSettings.defaultShutdownGrace
    /// Seconds a connection may stay silent (no request part read, no response
    /// written) before it is closed; this also bounds how long a client may
    /// take to send a request's headers.
    public var idleTimeout = ServerSettings.defaultIdleTimeout
    /// Seconds a client may take to send a whole request body.
    public var bodyTimeout = ServerSettings.defaultBodyTimeout
    /// Connections served at once; more get a 503 (health checks excepted).
    public var maxConnections = ServerSettings.defaultMaxConnections
    /// Seconds a form post may wait for the store to commit it before it is
    /// answered 503 (nothing acknowledged; the archived post is finished by
    /// recovery or by the client's retry, which dedup makes harmless).
    public var storeTimeout = ServerSettings.defaultStoreTimeout
    /// Reverse proxies whose `X-Forwarded-For` names the client (for per-client
    /// rate limits and the recorded remote address); empty: the peer is the client.
    public var trustedProxies: [NetworkRange] = []
    /// Where clients reach the gateway (`https://complaints.example.cn`), when
    /// a proxy in front of it terminates TLS: an https URL makes the console's
    /// session cookie `Secure`.
    public var publicURL: String?

    public init() {}

    /// Whether a request reached the gateway over TLS: `public_url` is https,
    /// or a trusted proxy says so in `X-Forwarded-Proto` (the gateway itself
    /// listens in plain HTTP).
    public func cameOverTLS(peer: String, forwardedProto: String?) -> Bool {
        if publicURL?.lowercased().hasPrefix("https://") == true { return true }
        guard let forwardedProto, trustedProxies.contains(where: { $0.contains(peer) }) else { return false }
        return forwardedProto.split(separator: ",").last?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    /// `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces); nil when malformed.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (host.isEmpty ? "0.0.0.0" : String(host), port)
    }
}

extension ServerSettings {
    /// Keys of the `[server]` table (used by `serve`).
    public static let options: [OptionSpec] = [
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
        OptionSpec("public_url", .string,
                   help: "The URL clients reach the gateway at, through a TLS-terminating proxy (\"https://complaints.example.cn\"): https makes the console's session cookie Secure."),
        OptionSpec("trusted_proxies", .stringArray,
                   help: "Addresses or CIDR ranges of reverse proxies (\"127.0.0.1\", \"10.0.0.0/8\"): from them, the client is the last address in X-Forwarded-For that is not itself a trusted proxy. Absent: the connection's peer is the client."),
    ]

    /// The settings of a checked `[server]` table; a value out of range keeps its default.
    static func parse(_ values: [String: ConfigValue], problem: ConfigProblemReport) -> ServerSettings {
        var server = ServerSettings()
        if let listen = values["listen"]?.stringValue {
            if let parsed = ServerSettings.parseListen(listen) {
                server.host = parsed.host
                server.port = parsed.port
            } else {
                problem("server.listen", "server: listen: \"\(listen)\" is not HOST:PORT with a port from 0 to 65535")
            }
        }
        if let url = values["public_url"]?.stringValue {
            if url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://") {
                server.publicURL = url
            } else {
                problem("server.public_url", "server: public_url: \"\(url)\" is not an http:// or https:// URL")
            }
        }
        for proxy in values["trusted_proxies"]?.stringArrayValue ?? [] {
            if let range = NetworkRange(proxy) {
                server.trustedProxies.append(range)
            } else {
                problem("server.trusted_proxies", "server: trusted_proxies: \"\(proxy)\" is not an IP address or a CIDR range such as \"10.0.0.0/8\"")
            }
        }
        let numbers: [(String, Int, Int, WritableKeyPath<ServerSettings, Int>)] = [
            ("scan_interval_seconds", 1, 86_400, \.scanInterval),
            ("shutdown_grace_seconds", 0, 3_600, \.shutdownGrace),
            ("idle_timeout_seconds", 1, 3_600, \.idleTimeout),
            ("body_timeout_seconds", 1, 3_600, \.bodyTimeout),
            ("max_connections", 1, 1_000_000, \.maxConnections),
            ("store_timeout_seconds", 1, 3_600, \.storeTimeout),
        ]
        for (key, minimum, maximum, field) in numbers {
            guard let value = values[key]?.intValue else { continue }
            if value < minimum || value > maximum {
                problem("server.\(key)", "server: \(key) must be from \(minimum) to \(maximum)")
            } else {
                server[keyPath: field] = value
            }
        }
        return server
    }
}
