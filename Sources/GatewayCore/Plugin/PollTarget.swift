import Foundation

/// A document a channel fetches over HTTP on a schedule (a feed), for the
/// server's poller. Plugins declare them from their settings; they never do
/// the networking themselves.
public struct PollTarget: Sendable, Equatable {
    public var url: URL
    /// Time between polls after a success (or a 304).
    public var interval: Duration
    /// Longest a request may take before it counts as a failure.
    public var timeout: Duration
    /// Largest body accepted; a larger one is a failure.
    public var maxBytes: Int
    /// The HTTP `Accept` header: the media types the plugin reads, in its order
    /// of preference. The poller knows nothing of what it fetches.
    public var accept: String
    /// Internal addresses (loopback, private, link-local: `NetworkAddress.isInternal`)
    /// the poller may connect to for this target. Empty by default: a feed URL
    /// or a redirect that resolves to one is refused, so a feed server cannot
    /// make the gateway fetch from inside its own network.
    public var allowedInternalRanges: [NetworkRange]
    /// Hosts a redirect may lead to besides the URL's own (`feeds.example.cn`,
    /// `*.example.cn`); nil: any host whose address is allowed.
    public var redirectHosts: [String]?

    public init(url: URL, interval: Duration, timeout: Duration, maxBytes: Int, accept: String = "*/*",
                allowedInternalRanges: [NetworkRange] = [], redirectHosts: [String]? = nil) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.accept = accept
        self.allowedInternalRanges = allowedInternalRanges
        self.redirectHosts = redirectHosts
    }

    /// Whether the poller may connect to `address` for this target.
    public func permits(_ address: NetworkAddress) -> Bool {
        !address.isInternal || allowedInternalRanges.contains { $0.contains(address) }
    }

    /// Whether a redirect may lead to `host` (compared without case; `*.example.cn`
    /// matches its subdomains, not `example.cn` itself).
    public func permitsRedirect(toHost host: String) -> Bool {
        let host = host.lowercased()
        if host == url.host?.lowercased() { return true }
        guard let redirectHosts else { return true }
        return redirectHosts.contains { pattern in
            let pattern = pattern.lowercased()
            if pattern.hasPrefix("*.") { return host.hasSuffix(pattern.dropFirst()) && host.count > pattern.count - 1 }
            return host == pattern
        }
    }
}
