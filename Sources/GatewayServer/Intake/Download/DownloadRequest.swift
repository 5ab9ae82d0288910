import Foundation
import GatewayCore

/// One GET, its limits and where it may go.
public struct DownloadRequest: Sendable {
    public var url: URL
    /// Request headers besides `User-Agent` and `Accept-Encoding`.
    public var headers: [(name: String, value: String)]
    /// Largest body, counted both as it arrives and after content decoding
    /// (a gzip bomb stops here, not after inflating).
    public var maxBytes: Int
    /// The whole request: connecting, redirects, a server sending 1 byte/s.
    public var deadline: Duration
    /// Redirects followed at most.
    public var maxRedirects: Int
    /// Which addresses a connection may reach, checked on the address
    /// libcurl resolved for every connection, the redirects' included.
    public var permits: @Sendable (NetworkAddress) -> Bool
    /// Whether a redirect may lead to a host.
    public var permitsRedirect: @Sendable (_ host: String) -> Bool

    public init(url: URL, headers: [(name: String, value: String)] = [], maxBytes: Int, deadline: Duration, maxRedirects: Int = 5,
                permits: @escaping @Sendable (NetworkAddress) -> Bool = { !$0.isInternal },
                permitsRedirect: @escaping @Sendable (String) -> Bool = { _ in true }) {
        self.url = url
        self.headers = headers
        self.maxBytes = maxBytes
        self.deadline = deadline
        self.maxRedirects = maxRedirects
        self.permits = permits
        self.permitsRedirect = permitsRedirect
    }

    /// A feed poll: the target's limits and address rules, conditional headers from the last answer.
    public init(poll target: PollTarget, etag: String? = nil, lastModified: String? = nil) {
        var headers = [(name: "Accept", value: target.accept)]
        if let etag { headers.append((name: "If-None-Match", value: etag)) }
        if let lastModified { headers.append((name: "If-Modified-Since", value: lastModified)) }
        self.init(url: target.url, headers: headers, maxBytes: target.maxBytes, deadline: target.timeout,
                  permits: { target.permits($0) }, permitsRedirect: { target.permitsRedirect(toHost: $0) })
    }
}

/// The final answer of a download.
public struct DownloadResponse: Sendable {
    public var status: Int
    /// The final response's headers, names in lower case (the last of a repeated name).
    public var headers: [String: String]
    /// The URL that answered, after redirects.
    public var finalURL: URL
    /// A 2xx body, archived (nil for an empty body or another status).
    public var object: ArchivedObject?
    /// Bytes received as sent (before content decoding), over every hop.
    public var wireBytes: Int
}
