import Foundation
import ComplaintModel

/// Archive statistics for one channel and one UTC day.
public struct ArchiveDayStatistics: Sendable, Equatable {
    public var channel: String
    /// `YYYY-MM-DD`
    public var day: String
    public var inputs: Int
    public var bytes: Int
    public var counts: IngestCounts

    public init(channel: String, day: String, inputs: Int, bytes: Int, counts: IngestCounts) {
        self.channel = channel
        self.day = day
        self.inputs = inputs
        self.bytes = bytes
        self.counts = counts
    }
}
