import Foundation
import ComplaintModel

/// A stored quarantine entry.
public struct QuarantineRecord: Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var rawSHA256: String
    public var location: String?
    public var reason: String
    public var excerpt: String?
    public var createdAt: Date

    public init(id: Int64, channel: String, rawSHA256: String, location: String?, reason: String, excerpt: String?, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.rawSHA256 = rawSHA256
        self.location = location
        self.reason = reason
        self.excerpt = excerpt
        self.createdAt = createdAt
    }
}
