import Foundation
import ComplaintModel

/// Where complaints, the feed, the archive manifest and the quarantine live.
///
/// One protocol for every engine (SQLite embedded, PostgreSQL later), so the
/// pipeline, the CLI and the server are generic over it. Implementations must
/// make `commit` atomic: a batch's complaints, feed events and quarantine
/// entries are stored together or not at all, and the dedup decision for each
/// complaint is taken inside the same transaction, so two writers can never
/// both insert one complaint.
public protocol ComplaintStore: Sendable {
    /// Records that an archived input is about to be processed for a channel
    /// (the archive manifest); returns the ingestion's id.
    func beginIngestion(_ start: IngestionStart) async throws -> Int64

    /// Applies one batch: asks `dedup` about each complaint given the version
    /// already stored under its id, writes what it decides and the quarantine
    /// entries, in one transaction.
    func commit<Stage: DedupStage>(_ batch: PreparedBatch<Stage>, quarantine: [QuarantineEntry], ingestion: Int64,
                                   dedup: Stage) async throws -> CommitResult

    /// Commits whole inputs in one transaction: for each, in order, its
    /// manifest entry and ingestion (recorded finished, with its counts), its
    /// complaints as `dedup` decides them, and its quarantine entries. All of
    /// them or none are stored; the outcomes are in the inputs' order.
    func commitInputs<Stage: DedupStage>(_ inputs: [PreparedIntake<Stage>], dedup: Stage) async throws -> [IntakeOutcome]

    /// Records how an ingestion ended, with its counts.
    func finishIngestion(_ id: Int64, counts: IngestCounts, status: IngestionStatus) async throws

    /// Whether this exact input (by digest) was already processed to its end
    /// for `channel`: completed, or failed and quarantined as a whole. An
    /// ingestion interrupted midway (still `processing`) does not count, so a
    /// drop-folder scan picks that input up again.
    func hasFinishedIngestion(sha256: String, channel: String) async throws -> Bool

    /// Feed events with a sequence greater than `after`, in sequence order.
    func feed(after: Int64, limit: Int) async throws -> [FeedEvent]

    /// Feed events after `query.after` that match the query's filters, in
    /// sequence order (the paged API and the live stream).
    func feed(_ query: FeedQuery) async throws -> [FeedEvent]

    /// The current revision of one complaint.
    func complaint(id: String) async throws -> Complaint?

    /// Every stored revision of one complaint, newest first; empty when unknown.
    func revisions(of id: String) async throws -> [Complaint]

    /// The feed sequence a delivery sink has handled up to (0 when new).
    func sinkCursor(_ sink: String) async throws -> Int64

    /// Records that `sink` has handled the feed up to `cursor`.
    func advanceSink(_ sink: String, to cursor: Int64) async throws

    /// Records an event a sink gave up on.
    func addDeadLetter(_ letter: DeadLetter) async throws

    /// Dead letters, oldest first, of one sink or all.
    func deadLetters(sink: String?, limit: Int) async throws -> [DeadLetter]

    /// Removes a dead letter (delivered on retry).
    func removeDeadLetter(id: Int64) async throws

    /// One feed event by sequence.
    func feedEvent(sequence: Int64) async throws -> FeedEvent?

    /// The most recent quarantine entries, newest first.
    func quarantined(limit: Int) async throws -> [QuarantineRecord]

    /// Quarantine entries with an id greater than `after`, oldest first
    /// (`tap --quarantined` follows them as they are committed).
    func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord]

    /// The sequence of the newest feed event; 0 when the feed is empty.
    func latestFeedSequence() async throws -> Int64

    /// Where a remote source was last read up to (`RemoteSource.key`); nil before its first input.
    func sourcePosition(_ key: String) async throws -> String?

    /// Saves a remote source's position, after the input before it is committed.
    func saveSourcePosition(_ key: String, _ position: String) async throws

    /// Archive manifest entries with a digest greater than `after`, in digest
    /// order: lets a caller walk the whole archive a page at a time.
    func archivedObjects(after: String, limit: Int) async throws -> [ArchivedObjectRecord]

    /// Marks up to `limit` archived objects received before `cutoff` as pruned
    /// and returns them, skipping any object that is quarantined, has an
    /// ingestion running or at/after the cutoff, or produced a complaint with a
    /// feed event at/after the cutoff. With `dryRun` nothing is marked.
    func pruneCandidates(before cutoff: Date, limit: Int, dryRun: Bool) async throws -> [ArchivedObjectRecord]

    /// Inputs, bytes and outcomes per channel and UTC day of receipt.
    func archiveStatistics() async throws -> [ArchiveDayStatistics]

    /// The latest finished or interrupted ingestion of each (input, channel)
    /// pair matching `filter`, oldest first: what a replay goes through.
    /// Only ingestions with an id up to `through` count, so that the ingestions
    /// a replay itself records are not replayed again.
    func ingestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64, limit: Int) async throws -> [IngestionRecord]

    /// The id of the latest ingestion (0 when there is none).
    func latestIngestionID() async throws -> Int64

    /// How many inputs `ingestionsForReplay` would return after `after`.
    func countIngestionsForReplay(_ filter: ReplayFilter, through: Int64, after: Int64) async throws -> Int

    /// The unfinished replay run with this filter, or a new one over the
    /// ingestions up to `through`.
    func openReplayRun(filterKey: String, through: Int64) async throws -> ReplayRun

    /// Records that a replay run has processed every input up to `cursor`.
    func advanceReplayRun(_ id: Int64, cursor: Int64) async throws

    /// Marks a replay run finished.
    func finishReplayRun(_ id: Int64) async throws

    /// Ingestions still `processing`: interrupted by a crash or a kill.
    func interruptedIngestions() async throws -> [IngestionRecord]

    /// Marks an ingestion as one whose input was processed again by a later one.
    func markSuperseded(_ id: Int64) async throws

    /// Removes the quarantine entries of an input for a channel, before the input
    /// is processed again (entries that still fail are added anew).
    func clearQuarantine(sha256: String, channel: String) async throws

    /// Incident clusters matching `query`, most recently active first.
    func clusters(_ query: ClusterQuery) async throws -> [ClusterRecord]

    /// Clusters with an `[incidents]` level whose last complaint arrived at
    /// or after `activeSince`, highest level first, then most recent.
    func incidents(activeSince: Date, limit: Int) async throws -> [IncidentRecord]

    /// One incident cluster: its channels, its timeline in buckets of
    /// `bucket` seconds (nil: `IncidentDetail.automaticBucket`) and its newest
    /// `limit` complaints; nil when the cluster has no level.
    func incident(cluster: String, bucket: TimeInterval?, limit: Int) async throws -> IncidentDetail?

    /// Per channel: complaints stored from inputs received since `hour` and
    /// `day`, quarantine entries, the last input's time. Channels with no input are absent.
    func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity]

    /// Empties the dedup index and builds it again from the stored complaints
    /// in feed order: identities, entries and clusters. Stored verdicts
    /// (`duplicate`, `near_duplicate` and their `of`) are kept as they are;
    /// clusters are recomputed with `stage`'s settings where a complaint has
    /// none. Run it with ingestion stopped.
    func rebuildDedupIndex(_ stage: ComplaintDedupStage, progress: (@Sendable (Int) -> Void)?) async throws -> Int

    /// What `dedup` would decide for each complaint, without writing anything,
    /// with the stored complaint for every one that would change.
    func preview(_ complaints: [NormalizedComplaint], dedup: some DedupStage) async throws -> [(DedupDecision, Complaint?)]

    /// Number of stored complaints (current revisions).
    func complaintCount() async throws -> Int

    /// Claims an input (by digest) of a channel for `owner` for `duration`
    /// seconds, so that of several instances watching one shared drop folder
    /// only one processes it. True when taken: free, expired, or already
    /// `owner`'s (which renews it).
    func claimInput(sha256: String, channel: String, owner: String, for duration: TimeInterval) async throws -> Bool

    /// Gives a claim up (after the input is processed, or on failure).
    func releaseInput(sha256: String, channel: String, owner: String) async throws

    /// Takes or renews the named lease for `owner` for `duration` seconds;
    /// false while another owner holds it. Work that must run on one instance
    /// at a time (a feed poller) runs only while its lease is held, and moves to
    /// another instance when the holder stops renewing it.
    func acquireLease(_ name: String, owner: String, for duration: TimeInterval) async throws -> Bool

    /// Gives a lease up (on shutdown), so another instance takes over at once.
    func releaseLease(_ name: String, owner: String) async throws
}

extension ComplaintStore {
    /// `commit` of complaints not prepared yet (prepared here).
    public func commit(_ complaints: [NormalizedComplaint], quarantine: [QuarantineEntry], ingestion: Int64,
                       dedup: some DedupStage) async throws -> CommitResult {
        try await commit(PreparedBatch(complaints, dedup: dedup), quarantine: quarantine, ingestion: ingestion, dedup: dedup)
    }

    /// `commitInputs` of inputs not prepared yet (prepared here).
    public func commitInputs(_ inputs: [IntakeCommit], dedup: some DedupStage) async throws -> [IntakeOutcome] {
        try await commitInputs(inputs.map { PreparedIntake($0, dedup: dedup) }, dedup: dedup)
    }
}

extension ComplaintStore {
    // An embedded store is used by one instance: there is nobody to share with.
    // Engines shared by several instances (PostgreSQL) implement these.

    public func claimInput(sha256: String, channel: String, owner: String, for duration: TimeInterval) async throws -> Bool { true }

    public func releaseInput(sha256: String, channel: String, owner: String) async throws {}

    public func acquireLease(_ name: String, owner: String, for duration: TimeInterval) async throws -> Bool { true }

    public func releaseLease(_ name: String, owner: String) async throws {}
}

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

/// Which archived inputs a replay takes.
public struct ReplayFilter: Sendable, Equatable {
    public var channel: String?
    /// Received at or after.
    public var since: Date?
    /// Received before.
    public var until: Date?
    public var sha256: String?
    /// Only inputs with quarantine entries.
    public var quarantinedOnly: Bool

    /// A stable text form, identifying the same replay across runs.
    public var key: String {
        [channel ?? "*", since.map(RFC3339.string(from:)) ?? "*", until.map(RFC3339.string(from:)) ?? "*",
         sha256 ?? "*", quarantinedOnly ? "quarantined" : "all"].joined(separator: "|")
    }

    public init(channel: String? = nil, since: Date? = nil, until: Date? = nil, sha256: String? = nil, quarantinedOnly: Bool = false) {
        self.channel = channel
        self.since = since
        self.until = until
        self.sha256 = sha256
        self.quarantinedOnly = quarantinedOnly
    }
}

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

/// How an ingestion ended.
public enum IngestionStatus: String, Sendable, Codable {
    /// Running (or interrupted, when found at start-up).
    case processing
    /// Every record was stored, skipped or quarantined.
    case completed
    /// The input could not be read to its end; what was read is kept and the
    /// input is in quarantine.
    case failed
    /// Interrupted, then processed again by a later ingestion (recovery).
    case superseded
}

/// A complaint on its way to the store, with its content fingerprint.
public struct NormalizedComplaint: Sendable, Equatable {
    public var complaint: Complaint
    /// `ComplaintIdentity.fingerprint(of:)` of `complaint`.
    public var fingerprint: String
    /// Which later inputs may revise it (the plugin's `ComplaintDraft.revisionPolicy`).
    public var revisionPolicy: RevisionPolicy

    public init(complaint: Complaint, fingerprint: String, revisionPolicy: RevisionPolicy = .anyInput) {
        self.complaint = complaint
        self.fingerprint = fingerprint
        self.revisionPolicy = revisionPolicy
    }
}

/// What the store holds under a complaint id, for dedup decisions.
public struct StoredVersion: Sendable, Equatable {
    public var revision: Int
    public var fingerprint: String
    /// The verdict the complaint's first revision got; later revisions keep it.
    public var dedup: DedupInfo
    /// SHA-256 of the raw input its current revision came from.
    public var rawSHA256: String

    public init(revision: Int, fingerprint: String, dedup: DedupInfo = DedupInfo(), rawSHA256: String = "") {
        self.revision = revision
        self.fingerprint = fingerprint
        self.dedup = dedup
        self.rawSHA256 = rawSHA256
    }
}

/// A record (or a whole input) that could not be parsed, on its way to quarantine.
public struct QuarantineEntry: Sendable, Equatable {
    public var channel: String
    public var rawSHA256: String
    public var rejection: Rejection

    public init(channel: String, rawSHA256: String, rejection: Rejection) {
        self.channel = channel
        self.rawSHA256 = rawSHA256
        self.rejection = rejection
    }
}

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

/// What one `commit` did.
public struct CommitResult: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    /// Of the inserted: marked `duplicate` and `near_duplicate`.
    public var duplicates = 0
    public var nearDuplicates = 0
    /// Clusters this commit made mass complaints (their ids).
    public var massComplaints: [String] = []
    /// Incident levels this commit raised, as their feed events carry them.
    public var incidents: [IncidentLevelChange] = []
    /// Complaints refused because another input already holds their id
    /// (`DedupDecision.conflict`); each was quarantined in the same transaction.
    public var conflicts: [Rejection] = []

    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0, duplicates: Int = 0, nearDuplicates: Int = 0,
                massComplaints: [String] = []) {
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.duplicates = duplicates
        self.nearDuplicates = nearDuplicates
        self.massComplaints = massComplaints
    }

    /// Counts a stored complaint: a new one by its verdict, or a new revision.
    public mutating func count(stored complaint: Complaint, isInsert: Bool) {
        guard isInsert else {
            updated += 1
            return
        }
        inserted += 1
        switch complaint.dedup.status {
        case .duplicate: duplicates += 1
        case .nearDuplicate: nearDuplicates += 1
        case .unique: break
        }
    }
}

/// A feed event a delivery sink could not deliver within its retry budget.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var sink: String
    public var sequence: Int64
    public var attempts: Int
    /// The last failure, for the operator.
    public var error: String
    public var createdAt: Date

    public init(id: Int64 = 0, sink: String, sequence: Int64, attempts: Int, error: String, createdAt: Date = Date()) {
        self.id = id
        self.sink = sink
        self.sequence = sequence
        self.attempts = attempts
        self.error = error
        self.createdAt = createdAt
    }
}

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


/// The store could not be reached or written; the input is archived and can be
/// processed again once it is back. Exits with 75 (EX_TEMPFAIL) from the CLI.
public struct StoreUnavailableError: Error, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "store unavailable: \(reason)" }
}
