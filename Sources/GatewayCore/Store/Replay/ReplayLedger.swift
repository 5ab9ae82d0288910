import Foundation
import ComplaintModel

/// What a replay goes through, and how far a persisted replay run got.
public protocol ReplayLedger: Sendable {
    /// The latest finished or interrupted ingestion of each (input, channel)
    /// pair matching `filter`, oldest first: what a replay goes through.
    /// Only ingestions with an id up to `through` count, so that the ingestions
    /// a replay itself records are not replayed again.
    func ingestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64, limit: Int) async throws -> [IngestionRecord]

    /// How many inputs `ingestionsForReplay` would return after `after`.
    func countIngestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64) async throws -> Int

    /// The id of the latest ingestion (0 when there is none).
    func latestIngestionID() async throws -> Int64

    /// The unfinished replay run with this filter, or a new one over the
    /// ingestions up to `through`.
    func openReplayRun(filterKey: String, through: Int64) async throws -> ReplayRun

    /// Records that a replay run has processed every input up to `cursor`.
    func advanceReplayRun(_ id: Int64, cursor: Int64) async throws

    /// Marks a replay run finished.
    func finishReplayRun(_ id: Int64) async throws
}
