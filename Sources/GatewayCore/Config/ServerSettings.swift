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
    public var trustedProxies: [IPRange] = []

    public init() {}

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
