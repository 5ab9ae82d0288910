import Foundation
import ComplaintModel

/// The archive's objects as the store knows them: walked, pruned, counted.
public protocol ArchiveManifest: Sendable {
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
}
