import Foundation
import ComplaintModel

/// Any store engine behind one concrete type, for the parts that are generic
/// over their store (the pipeline, the server) when the engine is only known
/// from the configuration at run time. Every call forwards to `base`.
public struct AnyComplaintStore: ComplaintStore {
    public let base: any ComplaintStore

    public init(_ base: any ComplaintStore) {
        self.base = base
    }

    public func beginIngestion(_ start: IngestionStart) async throws -> Int64 {
        try await base.beginIngestion(start)
    }

    public func commit<Stage: DedupStage>(_ batch: PreparedBatch<Stage>, quarantine: [QuarantineEntry], ingestion: Int64,
                                          dedup: Stage) async throws -> CommitResult {
        try await base.commit(batch, quarantine: quarantine, ingestion: ingestion, dedup: dedup)
    }

    public func commitInputs<Stage: DedupStage>(_ inputs: [PreparedIntake<Stage>], dedup: Stage) async throws -> [IntakeOutcome] {
        try await base.commitInputs(inputs, dedup: dedup)
    }

    public func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws {
        try await base.finishIngestion(id, counts: counts, status: status)
    }

    public func hasFinishedIngestion(sha256: String, channel: String) async throws -> Bool {
        try await base.hasFinishedIngestion(sha256: sha256, channel: channel)
    }

    public func feed(after: Int64, limit: Int) async throws -> [FeedEvent] {
        try await base.feed(after: after, limit: limit)
    }

    public func feed(_ query: FeedQuery) async throws -> [FeedEvent] {
        try await base.feed(query)
    }

    public func complaint(id: String) async throws -> Complaint? {
        try await base.complaint(id: id)
    }

    public func revisions(of id: String) async throws -> [Complaint] {
        try await base.revisions(of: id)
    }

    public func sinkCursor(_ sink: String) async throws -> Int64 {
        try await base.sinkCursor(sink)
    }

    public func advanceSink(_ sink: String, to cursor: Int64) async throws {
        try await base.advanceSink(sink, to: cursor)
    }

    public func addDeadLetter(_ letter: DeadLetter) async throws {
        try await base.addDeadLetter(letter)
    }

    public func deadLetters(sink: String?, limit: Int) async throws -> [DeadLetter] {
        try await base.deadLetters(sink: sink, limit: limit)
    }

    public func removeDeadLetter(id: Int64) async throws {
        try await base.removeDeadLetter(id: id)
    }

    public func feedEvent(sequence: Int64) async throws -> FeedEvent? {
        try await base.feedEvent(sequence: sequence)
    }

    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        try await base.quarantined(limit: limit)
    }

    public func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord] {
        try await base.quarantined(after: after, limit: limit)
    }

    public func latestFeedSequence() async throws -> Int64 {
        try await base.latestFeedSequence()
    }

    public func sourcePosition(_ key: String) async throws -> String? {
        try await base.sourcePosition(key)
    }

    public func saveSourcePosition(_ key: String, _ position: String) async throws {
        try await base.saveSourcePosition(key, position)
    }

    public func archivedObjects(after: String, limit: Int) async throws -> [ArchivedObjectRecord] {
        try await base.archivedObjects(after: after, limit: limit)
    }

    public func pruneCandidates(before cutoff: Date, limit: Int, dryRun: Bool) async throws -> [ArchivedObjectRecord] {
        try await base.pruneCandidates(before: cutoff, limit: limit, dryRun: dryRun)
    }

    public func archiveStatistics() async throws -> [ArchiveDayStatistics] {
        try await base.archiveStatistics()
    }

    public func ingestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64, limit: Int) async throws -> [IngestionRecord] {
        try await base.ingestionsForReplay(filter, through: through, after: after, limit: limit)
    }

    public func latestIngestionID() async throws -> Int64 {
        try await base.latestIngestionID()
    }

    public func countIngestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64) async throws -> Int {
        try await base.countIngestionsForReplay(filter, through: through, after: after)
    }

    public func openReplayRun(filterKey: String, through: Int64) async throws -> ReplayRun {
        try await base.openReplayRun(filterKey: filterKey, through: through)
    }

    public func advanceReplayRun(_ id: Int64, cursor: Int64) async throws {
        try await base.advanceReplayRun(id, cursor: cursor)
    }

    public func finishReplayRun(_ id: Int64) async throws {
        try await base.finishReplayRun(id)
    }

    public func interruptedIngestions() async throws -> [IngestionRecord] {
        try await base.interruptedIngestions()
    }

    public func markSuperseded(_ id: Int64) async throws {
        try await base.markSuperseded(id)
    }

    public func clearQuarantine(sha256: String, channel: String) async throws {
        try await base.clearQuarantine(sha256: sha256, channel: channel)
    }

    public func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord] {
        try await base.clusters(query)
    }

    public func rebuildDedupIndex(_ stage: ComplaintDedupStage, progress: (@Sendable (Int) -> Void)?) async throws -> Int {
        try await base.rebuildDedupIndex(stage, progress: progress)
    }

    public func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)] {
        try await base.preview(complaints, dedup: dedup)
    }

    public func incidents(activeSince: Date, limit: Int) async throws -> [IncidentRecord] {
        try await base.incidents(activeSince: activeSince, limit: limit)
    }

    public func incident(cluster: String, bucket: TimeInterval?, limit: Int) async throws -> IncidentDetail? {
        try await base.incident(cluster: cluster, bucket: bucket, limit: limit)
    }

    public func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity] {
        try await base.channelActivity(hour: hour, day: day)
    }

    public func complaintCount() async throws -> Int {
        try await base.complaintCount()
    }

    public func claimInput(sha256: String, channel: String, owner: String, for duration: TimeInterval) async throws -> Bool {
        try await base.claimInput(sha256: sha256, channel: channel, owner: owner, for: duration)
    }

    public func releaseInput(sha256: String, channel: String, owner: String) async throws {
        try await base.releaseInput(sha256: sha256, channel: channel, owner: owner)
    }

    public func acquireLease(_ name: String, owner: String, for duration: TimeInterval) async throws -> Bool {
        try await base.acquireLease(name, owner: owner, for: duration)
    }

    public func releaseLease(_ name: String, owner: String) async throws {
        try await base.releaseLease(name, owner: owner)
    }
}
