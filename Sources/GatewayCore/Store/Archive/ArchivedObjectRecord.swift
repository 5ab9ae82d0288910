import Foundation
import ComplaintModel

/// One object of the archive manifest.
public struct ArchivedObjectRecord: Sendable, Equatable {
    public var sha256: String
    public var size: Int
    public var mediaType: String
    public var firstReceivedAt: Date

    public init(sha256: String, size: Int, mediaType: String, firstReceivedAt: Date) {
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.firstReceivedAt = firstReceivedAt
    }
}
