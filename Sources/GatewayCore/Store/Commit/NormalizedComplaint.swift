import Foundation
import ComplaintModel

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
