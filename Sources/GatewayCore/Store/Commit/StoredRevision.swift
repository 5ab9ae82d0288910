import Foundation
import ComplaintModel

/// What a commit knows about a complaint id: its stored version and the rowid
/// of its current revision.
public struct StoredRevision: Sendable {
    public var version: StoredVersion
    public var rowid: Int64

    public init(version: StoredVersion, rowid: Int64) {
        self.version = version
        self.rowid = rowid
    }
}
