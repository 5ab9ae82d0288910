import Foundation
import ComplaintModel

/// Which feed events a consumer asks for.
public struct FeedQuery: Sendable, Equatable {
    /// Events with a greater sequence.
    public var after: Int64
    public var limit: Int
    /// Only this channel's complaints.
    public var channel: String?
    /// Only complaints with this `dedup.status`.
    public var dedupStatus: String?
    /// Whether complaints marked `duplicate` or `near_duplicate` are included.
    public var includeDuplicates: Bool
    /// Whether complaints a machine sent (`automated` set: bounces,
    /// auto-replies, list mail) are included.
    public var includeAutomated: Bool

    public init(after: Int64 = 0, limit: Int = 100, channel: String? = nil, dedupStatus: String? = nil, includeDuplicates: Bool = true,
                includeAutomated: Bool = true) {
        self.after = after
        self.limit = limit
        self.channel = channel
        self.dedupStatus = dedupStatus
        self.includeDuplicates = includeDuplicates
        self.includeAutomated = includeAutomated
    }
}
