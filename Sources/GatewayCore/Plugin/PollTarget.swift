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

    public init(url: URL, interval: Duration, timeout: Duration, maxBytes: Int, accept: String = "*/*") {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.accept = accept
    }
}
