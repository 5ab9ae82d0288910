import Foundation
import ComplaintModel

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
