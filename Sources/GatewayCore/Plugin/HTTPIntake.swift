/// How a channel takes inputs over HTTP (`POST /v1/forms/{channel}`), as its
/// plugin declares it from the channel's settings.
///
/// The server enforces all of it before a byte reaches the parser: the body
/// limit, the accepted media types, rate limits, the signature and CORS. The
/// plugin stays free of HTTP: it only parses the archived body.
public struct HTTPIntake: Sendable, Equatable {
    /// Bodies larger than this are refused with 413, reading no further.
    public var maxBodyBytes: Int
    /// Media types (lower case, without parameters) the channel parses; any
    /// other Content-Type is refused with 415.
    public var acceptedMediaTypes: [String]
    /// Posts allowed per client address.
    public var clientRate: RateLimit?
    /// Posts allowed for the channel as a whole.
    public var channelRate: RateLimit?
    /// Origins allowed to post from a browser (`https://www.example.com`); empty
    /// allows any origin and sends no CORS headers.
    public var corsOrigins: [String]
    /// When set, every post must carry `X-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    public var signatureSecret: SecretValue?
    /// Where a browser goes after posting (303 See Other) when it asked for HTML.
    public var thankYouURL: String?
    /// Whether posts need a bearer token with the `forms:write` scope
    /// (server-to-server channels; browsers cannot hold a secret).
    public var requiresToken = false

    public init(maxBodyBytes: Int, acceptedMediaTypes: [String], clientRate: RateLimit? = nil, channelRate: RateLimit? = nil,
                corsOrigins: [String] = [], signatureSecret: SecretValue? = nil, thankYouURL: String? = nil) {
        self.maxBodyBytes = maxBodyBytes
        self.acceptedMediaTypes = acceptedMediaTypes
        self.clientRate = clientRate
        self.channelRate = channelRate
        self.corsOrigins = corsOrigins
        self.signatureSecret = signatureSecret
        self.thankYouURL = thankYouURL
    }

    /// Metadata keys the server records with each post (see `RawInput.metadata`).
    public enum MetadataKey {
        /// The `Idempotency-Key` request header.
        public static let idempotencyKey = "idempotency_key"
        /// The client's address, for abuse review; kept in the manifest, never in the complaint.
        public static let remoteAddress = "remote_address"
        /// The `User-Agent` request header, for abuse review; manifest only.
        public static let userAgent = "user_agent"
    }
}
