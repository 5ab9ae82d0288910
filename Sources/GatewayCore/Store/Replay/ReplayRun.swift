import Foundation
import ComplaintModel

/// A replay in progress, persisted so an interrupted replay resumes.
public struct ReplayRun: Sendable, Equatable {
    public var id: Int64
    /// The latest ingestion id the run covers.
    public var through: Int64
    /// The last ingestion id processed.
    public var cursor: Int64
    /// True when an earlier, interrupted run is being continued.
    public var resumed: Bool

    public init(id: Int64, through: Int64, cursor: Int64, resumed: Bool) {
        self.id = id
        self.through = through
        self.cursor = cursor
        self.resumed = resumed
    }
}
