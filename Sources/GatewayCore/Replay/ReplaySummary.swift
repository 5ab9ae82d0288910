import ComplaintModel

/// What a replay did (or, in a dry run, would do).
public struct ReplaySummary: Sendable, Equatable, CustomStringConvertible {
    /// Archived inputs processed.
    public var inputs = 0
    /// Totals of records over those inputs: `unchanged` counts unchanged complaints,
    /// `updated` new revisions, `new` complaints not stored before,
    /// `quarantined` records that still fail.
    public var counts = IngestCounts()
    /// Inputs whose archived object is missing (see `archive verify`).
    public var missingObjects: [String] = []
    /// Inputs of channels no longer configured.
    public var unknownChannels: [String] = []
    /// A sample of what changed, field by field.
    public var diffs: [ComplaintDiff] = []
    /// Inputs left to process when the run started (for progress and ETA).
    public var remainingAtStart = 0
    /// When an interrupted replay was continued: the last ingestion it had finished.
    public var resumedAfter: Int64?

    public init() {}

    public var description: String {
        // Inputs are files or posts, the rest are records in them: both named,
        // so "40 inputs: unchanged 43" does not read as a miscount.
        var s = "\(inputs) input\(inputs == 1 ? "" : "s") (\(counts.read) record\(counts.read == 1 ? "" : "s")): "
            + "unchanged \(counts.unchanged), updated \(counts.updated), new \(counts.new), still failing \(counts.quarantined), not complaints \(counts.skipped)"
        if !missingObjects.isEmpty { s += ", missing from the archive \(missingObjects.count)" }
        if !unknownChannels.isEmpty { s += ", channel no longer configured \(unknownChannels.count)" }
        return s
    }
}

/// How a complaint would change: the fields that differ, old and new values.
public struct ComplaintDiff: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        /// Dotted JSON path (`customer.phone`, `attributes.queue`).
        public var path: String
        public var old: String
        public var new: String
    }

    public var complaintID: String
    public var changes: [Change]
    /// The same changes as a reader without the `pii` scope sees them: the
    /// diff of the two versions masked (`PIIMask`), so a changed name or
    /// personal attribute shows as `王*` or `***`, never as typed. Empty when
    /// no policy was given.
    public var maskedChanges: [Change] = []

    /// The content fields that differ between two versions of a complaint,
    /// and, given the channels' `policy`, what differs once both are masked.
    public static func between(_ old: Complaint, _ new: Complaint, policy: PersonalDataPolicy) -> ComplaintDiff {
        var diff = between(old, new)
        // Each side also hides the other's identifiers: an old name quoted in a
        // subject must not show beside the new name.
        let known = PIIMask.identifiers(of: old) + PIIMask.identifiers(of: new)
        diff.maskedChanges = between(PIIMask.apply(old, policy: policy, alsoHiding: known),
                                     PIIMask.apply(new, policy: policy, alsoHiding: known)).changes
        return diff
    }

    /// The content fields that differ between two versions of a complaint.
    public static func between(_ old: Complaint, _ new: Complaint) -> ComplaintDiff {
        var a: [UInt8] = [], b: [UInt8] = []
        ComplaintJSON.write(old, contentOnly: true, into: &a)
        ComplaintJSON.write(new, contentOnly: true, into: &b)
        let flatA = flatten(try? JSONSerialization.jsonObject(with: Data(a)))
        let flatB = flatten(try? JSONSerialization.jsonObject(with: Data(b)))
        var changes: [Change] = []
        for key in Set(flatA.keys).union(flatB.keys).sorted() where flatA[key] != flatB[key] {
            changes.append(Change(path: key, old: clip(flatA[key] ?? "(absent)"), new: clip(flatB[key] ?? "(absent)")))
        }
        return ComplaintDiff(complaintID: new.id, changes: changes)
    }

    private static func clip(_ s: String) -> String {
        s.count > 120 ? String(s.prefix(120)) + "…" : s
    }

    private static func flatten(_ value: Any?, prefix: String = "") -> [String: String] {
        switch value {
        case let dict as [String: Any]:
            var out: [String: String] = [:]
            for (k, v) in dict {
                out.merge(flatten(v, prefix: prefix.isEmpty ? k : "\(prefix).\(k)")) { a, _ in a }
            }
            return out
        case let array as [Any]:
            var out: [String: String] = [:]
            for (i, v) in array.enumerated() {
                out.merge(flatten(v, prefix: "\(prefix)[\(i)]")) { a, _ in a }
            }
            return out
        case nil, is NSNull:
            return [prefix: "null"]
        default:
            return [prefix: "\(value!)"]
        }
    }
}

import Foundation
