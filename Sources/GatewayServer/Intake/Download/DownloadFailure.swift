/// Why a download ended without a response to use.
public struct DownloadFailure: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// Over the size limit, as sent (`wire`) or after gzip/deflate decoding.
        case tooLarge = "too_large"
        /// The whole request, redirects and every byte included, took longer than allowed.
        case deadline
        /// A connection to an address the target does not permit (SSRF guard).
        case refusedAddress = "refused_address"
        /// A redirect to another scheme, a host not allowed, or too many of them.
        case refusedRedirect = "refused_redirect"
        /// The request was cancelled (shutdown, or the target was removed by a reload).
        case cancelled
        /// Anything else libcurl reports: DNS, TLS, connection, protocol.
        case transport
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
