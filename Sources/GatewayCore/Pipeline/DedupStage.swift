import Foundation
import ComplaintModel

/// Decides what a complaint means given what the store already holds.
///
/// Stages are decisions; the store calls them inside its write transaction
/// and carries out the result, so the decision and the write cannot be
/// separated by another writer. What a stage can compute from the complaint
/// alone (`features`) is computed before the transaction, off the write lock.
///
/// Callers hold a stage as `any DedupStage` (the pipeline, the committer, the
/// stores): no type is generic over which stage it runs.
public protocol DedupStage: Sendable {
    /// Computes a complaint's features (nil: the stage compares nothing but
    /// ids); called outside the write transaction.
    func features(of incoming: NormalizedComplaint) -> DedupFeatures?

    /// The decision for `incoming`, given the version stored under its id (nil
    /// when the id is new) and the store's dedup index.
    func decide(_ incoming: NormalizedComplaint, features: DedupFeatures?, existing: StoredVersion?,
                index: some DedupIndex) throws -> DedupDecision

    /// What deciding these complaints will read by identity, so an index that
    /// pays a round trip per statement can fetch it for a whole batch first.
    func reads(_ features: [DedupFeatures?]) -> DedupReads?
}

extension DedupStage {
    public func features(of incoming: NormalizedComplaint) -> DedupFeatures? { nil }
    public func reads(_ features: [DedupFeatures?]) -> DedupReads? { nil }
}

/// What a batch's decisions will read: the identity keys they look up and
/// the complaints of those customers they compare (`perPerson` most recent
/// within `window`), the LSH lookups for clusters to join (`perBand` newest
/// of each bucket), and how far back the mass-complaint rule counts a
/// cluster's customers.
public struct DedupReads: Sendable, Equatable {
    public var identityKeys: [String]
    public var window: ClosedRange<Date>
    public var perPerson: Int
    public var clusterLookups: [ClusterLookup]
    public var perBand: Int
    public var customersSince: Date

    /// One complaint's band keys and the time its cluster lookup covers.
    public struct ClusterLookup: Sendable, Equatable {
        public var bandKeys: [Int64]
        public var window: ClosedRange<Date>

        public init(bandKeys: [Int64], window: ClosedRange<Date>) {
            self.bandKeys = bandKeys
            self.window = window
        }
    }

    public init(identityKeys: [String], window: ClosedRange<Date>, perPerson: Int, clusterLookups: [ClusterLookup] = [],
                perBand: Int = 4, customersSince: Date) {
        self.identityKeys = identityKeys
        self.window = window
        self.perPerson = perPerson
        self.clusterLookups = clusterLookups
        self.perBand = perBand
        self.customersSince = customersSince
    }
}

/// The outcome of a dedup decision.
public enum DedupDecision: Sendable, Equatable {
    /// A complaint not seen before: store it and emit `complaint.received` (or
    /// `complaint.duplicate` when its `dedup.status` says it repeats another).
    case insert(Complaint)
    /// A known complaint whose content changed: store it as the given revision
    /// and emit `complaint.updated`.
    case revise(Complaint)
    /// A known complaint arriving again unchanged: nothing to store.
    case unchanged(id: String)
    /// An input reusing the id of a complaint that only its own input may
    /// revise (`RevisionPolicy.sameInputOnly`): nothing stored under the id; the
    /// store quarantines the input's record with this rejection instead.
    case conflict(Rejection)
}

/// Exact dedup: the same channel and source id always give the same complaint
/// id (`ComplaintIdentity`), so an id already stored with the same fingerprint
/// is a re-delivery (a re-ingested file, a replay) and changes nothing; with a
/// different fingerprint it is a new revision of the same complaint, which
/// keeps the verdict its first revision got.
public struct ExactDedupStage: DedupStage {
    public init() {}

    public func decide(_ incoming: NormalizedComplaint, features: DedupFeatures?, existing: StoredVersion?,
                       index: some DedupIndex) -> DedupDecision {
        guard let existing else { return .insert(incoming.complaint) }
        let complaint = incoming.complaint
        if incoming.revisionPolicy == .sameInputOnly, existing.rawSHA256 != complaint.raw.sha256 {
            // The same bytes may come again (a retry, a replay with a newer
            // parser); other bytes under a sender-chosen id are another submission.
            return .conflict(Rejection(
                reason: "source id \(complaint.sourceID) already names complaint \(complaint.id), stored from another input "
                    + "(raw \(existing.rawSHA256.prefix(12))); a new submission needs a new id",
                location: complaint.raw.location, excerpt: complaint.body, kind: .conflict))
        }
        if existing.fingerprint == incoming.fingerprint { return .unchanged(id: incoming.complaint.id) }
        var revised = incoming.complaint
        revised.revision = existing.revision + 1
        revised.dedup = existing.dedup
        // Who it is was decided with the first revision, like its verdict.
        revised.customer.person = existing.dedup.person
        revised.customer.personEvidence = existing.dedup.personEvidence
        return .revise(revised)
    }
}
