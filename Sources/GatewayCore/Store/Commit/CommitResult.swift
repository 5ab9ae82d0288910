import Foundation
import ComplaintModel

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
    /// Persons this commit signalled (`customer.repeat`, `customer.escalation_risk`).
    public var customerSignals: [CustomerSignal] = []
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
