import Foundation
import ComplaintModel
import GatewayCore

/// What the console's JSON endpoints answer (keys become snake_case).
enum ConsoleViews {
    struct Channel: Encodable {
        var name: String
        var type: String
        /// Where input comes from: the form path, folders, feed URLs, mailboxes.
        var sources: [String]
        /// `running`, or `failing` with `lastError`.
        var state: String
        var lastError: String?
        var complaintsLastHour: Int
        var complaintsLastDay: Int
        var quarantined: Int
        var quarantinedLastDay: Int
        var lastInputAt: Date?
    }

    struct Channels: Encodable {
        var generation: Int
        var levels: [Level]
        var channels: [Channel]
    }

    struct Level: Encodable {
        var name: String
        var customers: Int
        var minutes: Int
    }

    struct QuarantineEntry: Encodable {
        var id: Int64
        var channel: String
        var rawSha256: String
        var location: String?
        var reason: String
        var excerpt: String?
        /// The entry has an excerpt this reader may not see (no pii scope).
        var excerptWithheld: Bool
        var createdAt: Date
    }

    struct Change: Encodable {
        var path: String
        var old: String
        var new: String
    }

    struct Diff: Encodable {
        var complaintId: String
        var changes: [Change]
    }

    struct QuarantineList: Encodable {
        var entries: [QuarantineEntry]
        /// True with scope pii: the raw inputs hold personal data as sent.
        var rawDownloadable: Bool
    }

    struct ReplayResult: Encodable {
        var dryRun: Bool
        var inputs: Int
        var unchanged: Int
        var updated: Int
        var new: Int
        var stillFailing: Int
        /// Records the channel's rules say are not complaints: with the four
        /// above, every record the inputs hold.
        var skipped: Int
        var missingObjects: Int
        var unknownChannels: [String]
        var diffs: [Diff]
        var summary: String
    }

    struct IncidentDetail: Encodable {
        var incident: IncidentRecord
        var channels: [String]
        var bucketMinutes: Int
        var timeline: [IncidentPoint]
        /// Which buildings (rooms, meters) its customers name, and how many customers each.
        var locations: [IncidentLocation]
        var complaints: [ComplaintLine]
    }

    struct ComplaintLine: Encodable {
        var id: String
        var channel: String
        var receivedAt: String
        var customer: String
        var text: String
        var dedupStatus: String
    }

    struct Revision: Encodable {
        var revision: Int
        var receivedAt: String
        var rawSha256: String
        var rawLocation: String?
        var changes: [Change]
    }

    struct ComplaintDetail: Encodable {
        var id: String
        var channel: String
        var sourceId: String
        var subject: String?
        var body: String
        var customer: [String: String]
        var dedupStatus: String
        var duplicateOf: String?
        var score: Double?
        var cluster: String?
        /// `customer.person`, and the evidence that linked it (masked without pii).
        var person: String?
        var personEvidence: [Evidence]
        var revisions: [Revision]
        var rawDownloadable: Bool
    }

    struct Evidence: Encodable {
        var key: String
        var kind: String
        var foundIn: String
    }

    struct ReplayJob: Encodable {
        var id: String
        var state: String
        var filter: [String: String]
        var remainingAtStart: Int
        var inputs: Int
        var unchanged: Int
        var updated: Int
        var new: Int
        var stillFailing: Int
        var skipped: Int
        var error: String?
        var startedAt: Date
        var finishedAt: Date?
    }

    /// Without pii, the diff of the masked versions: a changed name or
    /// personal attribute shows masked, as in the feed.
    static func diffs(_ diffs: [ComplaintDiff], pii: Bool) -> [Diff] {
        diffs.map { diff in
            Diff(complaintId: diff.complaintID, changes: (pii ? diff.changes : diff.maskedChanges).map {
                Change(path: $0.path, old: $0.old, new: $0.new)
            })
        }
    }

    static func replayResult(_ summary: ReplaySummary, dryRun: Bool, pii: Bool) -> ReplayResult {
        ReplayResult(dryRun: dryRun, inputs: summary.inputs, unchanged: summary.counts.unchanged, updated: summary.counts.updated,
                     new: summary.counts.new, stillFailing: summary.counts.quarantined, skipped: summary.counts.skipped,
                     missingObjects: summary.missingObjects.count,
                     unknownChannels: Array(Set(summary.unknownChannels)).sorted(), diffs: diffs(summary.diffs, pii: pii),
                     summary: summary.description)
    }

    /// A quarantine entry as the console lists it. Without pii the excerpt
    /// (raw input: a form's name field, a signature) is withheld, since no
    /// field tells what in it is personal; the reason is scrubbed.
    static func quarantineEntry(_ entry: QuarantineRecord, pii: Bool) -> QuarantineEntry {
        QuarantineEntry(id: entry.id, channel: entry.channel, rawSha256: entry.rawSHA256, location: entry.location,
                        reason: pii ? entry.reason : PersonalTextScrubber().scrub(entry.reason),
                        excerpt: pii ? entry.excerpt : nil, excerptWithheld: !pii && entry.excerpt != nil, createdAt: entry.createdAt)
    }

    /// An incident as the console lists it: its excerpt masked without pii.
    static func incident(_ record: IncidentRecord, pii: Bool) -> IncidentRecord {
        var shown = record
        if !pii { shown.excerpt = PersonalTextScrubber().scrub(record.excerpt) }
        return shown
    }
}
