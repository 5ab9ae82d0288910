import Foundation
import ComplaintModel

/// One recorded ingestion of an archived input.
public struct IngestionRecord: Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var sha256: String
    public var size: Int
    public var sourceName: String
    public var receivedAt: Date
    public var status: IngestionStatus
    /// The process that ran it, when recorded.
    public var worker: WorkerIdentity?
    /// The media type the input arrived with, when it has its own (a form
    /// post's Content-Type); nil means the channel plugin's.
    public var mediaType: String?
    /// See `RawInput.metadata`.
    public var metadata: [String: String]

    public init(id: Int64, channel: String, sha256: String, size: Int, sourceName: String, receivedAt: Date,
                status: IngestionStatus, worker: WorkerIdentity? = nil, mediaType: String? = nil, metadata: [String: String] = [:]) {
        self.worker = worker
        self.mediaType = mediaType
        self.metadata = metadata
        self.id = id
        self.channel = channel
        self.sha256 = sha256
        self.size = size
        self.sourceName = sourceName
        self.receivedAt = receivedAt
        self.status = status
    }
}
