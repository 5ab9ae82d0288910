import Foundation
import ComplaintModel

/// What could not be parsed, with the reasons, for the operator (entries are
/// written by `ComplaintCommitter` in the transaction of their input).
public protocol QuarantineLedger: Sendable {
    /// The most recent quarantine entries, newest first.
    func quarantined(limit: Int) async throws -> [QuarantineRecord]

    /// Quarantine entries with an id greater than `after`, oldest first
    /// (`tap --quarantined` follows them as they are committed).
    func quarantined(after: Int64, limit: Int) async throws -> [QuarantineRecord]

    /// Removes the quarantine entries of an input for a channel, before the input
    /// is processed again (entries that still fail are added anew).
    func clearQuarantine(sha256: String, channel: String) async throws
}
