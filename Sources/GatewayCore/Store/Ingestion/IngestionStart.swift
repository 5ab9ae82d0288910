import Foundation
import ComplaintModel

/// What `beginIngestion` records about an input.
public struct IngestionStart: Sendable {
    public var channel: ChannelRef
    public var object: ArchivedObject
    public var mediaType: String
    /// The input's name when it arrived (path, upload name).
    public var sourceName: String
    public var receivedAt: Date
    /// See `RawInput.metadata`.
    public var metadata: [String: String]

    public init(channel: ChannelRef, object: ArchivedObject, mediaType: String, sourceName: String, receivedAt: Date,
                metadata: [String: String] = [:]) {
        self.channel = channel
        self.object = object
        self.mediaType = mediaType
        self.sourceName = sourceName
        self.receivedAt = receivedAt
        self.metadata = metadata
    }
}
