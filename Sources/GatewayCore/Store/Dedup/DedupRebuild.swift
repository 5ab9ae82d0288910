import Foundation
import ComplaintModel

/// What `dedup rebuild` does with each stored complaint, in feed order, over
/// an emptied dedup index: the engines read the complaints and write the
/// rows; the decisions are made here, the same way for both.
public struct DedupRebuild: Sendable {
    /// Whether verdicts are decided again with the stage's rules (the
    /// default: a store ingested under older rules is repaired), or the
    /// stored ones kept and only persons and clusters recomputed.
    public enum Mode: Sendable, Equatable {
        case recompute
        case keepVerdicts
    }

    /// One stored complaint as the rebuild reads it.
    public struct Item: Sendable {
        public var id: String
        /// The verdict stored with it.
        public var verdict: DedupInfo
        public var features: DedupFeatures
        /// Its current revision, and that revision's row and fingerprint.
        public var complaint: Complaint
        public var rowid: Int64
        public var fingerprint: String

        public init(id: String, verdict: DedupInfo, features: DedupFeatures, complaint: Complaint, rowid: Int64, fingerprint: String) {
            self.id = id
            self.verdict = verdict
            self.features = features
            self.complaint = complaint
            self.rowid = rowid
            self.fingerprint = fingerprint
        }
    }

    /// What the rebuild decided for one complaint: its verdict as stored from
    /// now on, and the new revision to write when the verdict changed.
    public struct Outcome: Sendable {
        public var verdict: DedupInfo
        public var revision: Complaint?
    }

    /// How many complaints were indexed, and how many got a new revision.
    public struct Report: Sendable, Equatable {
        public var complaints = 0
        public var revised = 0

        public init(complaints: Int = 0, revised: Int = 0) {
            self.complaints = complaints
            self.revised = revised
        }
    }

    public let stage: ComplaintDedupStage
    public let mode: Mode

    public init(stage: ComplaintDedupStage, mode: Mode) {
        self.stage = stage
        self.mode = mode
    }

    /// Indexes `item`. `cluster` finds the entry of a cluster by its public id
    /// (for a kept verdict, whose cluster is already indexed).
    public func rebuild(_ item: Item, index: some DedupIndex, cluster: (String) throws -> DedupEntry?) throws -> Outcome {
        switch mode {
        case .keepVerdicts:
            var joining: DedupEntry? = nil
            if let named = item.verdict.cluster, named != item.id { joining = try cluster(named) }
            let info = try stage.reindex(id: item.id, verdict: item.verdict, features: item.features, cluster: joining, index: index)
            return Outcome(verdict: info, revision: nil)
        case .recompute:
            let info = try stage.verdict(for: item.id, features: item.features, index: index)
            guard Self.differs(info, from: item.complaint) else {
                return Outcome(verdict: info, revision: nil)
            }
            var revised = item.complaint
            revised.dedup = info
            revised.customer.person = info.person
            revised.customer.personEvidence = info.personEvidence
            revised.revision += 1
            return Outcome(verdict: info, revision: revised)
        }
    }

    /// Whether a consumer would see another verdict than the complaint's
    /// current revision shows: status, original, score, cluster, or person
    /// with its evidence (compared with the document, not the stored verdict,
    /// which a `--keep-verdicts` rebuild may have relinked already).
    static func differs(_ new: DedupInfo, from shown: Complaint) -> Bool {
        new.status != shown.dedup.status || new.of != shown.dedup.of || new.score != shown.dedup.score
            || new.cluster != shown.dedup.cluster || new.person != shown.customer.person
            || new.personEvidence != shown.customer.personEvidence
    }
}
