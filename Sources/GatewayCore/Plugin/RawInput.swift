import Foundation

/// One raw input handed to a parser: a file on disk (normally the archived
/// object itself, so replay reads exactly what was ingested).
public struct RawInput: Sendable, Equatable {
    /// Where the bytes are.
    public var url: URL
    /// Lower-case hex SHA-256 of the bytes.
    public var sha256: String
    public var size: Int
    public var mediaType: String
    /// The name the input had when it arrived (file name, upload name), for messages.
    public var originalName: String
    /// What arrived with the bytes but is not part of them (an HTTP request's
    /// `Idempotency-Key`, a feed's URL). Recorded in the manifest with the input,
    /// so a replay hands the parser exactly what the first run had.
    public var metadata: [String: String]

    public init(url: URL, sha256: String, size: Int, mediaType: String, originalName: String, metadata: [String: String] = [:]) {
        self.url = url
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.originalName = originalName
        self.metadata = metadata
    }
}
