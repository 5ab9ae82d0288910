import Foundation
import ComplaintModel

/// The archive manifest's record of each input processed for a channel:
/// what intake writes before and after an input, what recovery reads back,
/// and where remote sources left off.
public protocol IngestionLedger: Sendable {
    /// Records that an archived input is about to be processed for a channel
    /// (the archive manifest); returns the ingestion's id.
    func beginIngestion(_ start: IngestionStart) async throws -> Int64

    /// Records how an ingestion ended, with its counts.
    func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws

    /// Whether this exact input (by digest) was already processed to its end
    /// for `channel`: completed, or failed and quarantined as a whole. An
    /// ingestion interrupted midway (still `processing`) does not count, so a
    /// drop-folder scan picks that input up again.
    func hasFinishedIngestion(sha256: String, channel: String) async throws -> Bool

    /// Ingestions still `processing`: interrupted by a crash or a kill.
    func interruptedIngestions() async throws -> [IngestionRecord]

    /// Marks an ingestion as one whose input was processed again by a later one.
    func markSuperseded(_ id: Int64) async throws

    /// Where a remote source was last read up to (`RemoteSource.key`); nil before its first input.
    func sourcePosition(_ key: String) async throws -> String?

    /// Saves a remote source's position, after the input before it is committed.
    func saveSourcePosition(_ key: String, _ position: String) async throws

    /// Per channel: complaints stored from inputs received since `hour` and
    /// `day`, quarantine entries, the last input's time. Channels with no input are absent.
    func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity]
}
