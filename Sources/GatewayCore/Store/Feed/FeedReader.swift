import Foundation
import ComplaintModel

/// Reads the normalized feed and the complaints it announces: the paged API,
/// the live stream, the CLI's `feed` and `tap`.
public protocol FeedReader: Sendable {
    /// Feed events with a sequence greater than `after`, in sequence order.
    func feed(after: Int64, limit: Int) async throws -> [FeedEvent]

    /// Feed events after `query.after` that match the query's filters, in
    /// sequence order (the paged API and the live stream).
    func feed(_ query: FeedQuery) async throws -> [FeedEvent]

    /// One feed event by sequence.
    func feedEvent(sequence: Int64) async throws -> FeedEvent?

    /// The sequence of the newest feed event; 0 when the feed is empty.
    func latestFeedSequence() async throws -> Int64

    /// The store's identity: random, made with the store, never changed. A
    /// consumer whose cursor came from another id must start again (the store
    /// was reset or restored), since sequences then mean other events.
    func storeID() async throws -> String

    /// The current revision of one complaint.
    func complaint(id: String) async throws -> Complaint?

    /// Every stored revision of one complaint, newest first; empty when unknown.
    func revisions(of id: String) async throws -> [Complaint]

    /// Number of stored complaints (current revisions).
    func complaintCount() async throws -> Int
}
