/// Running totals of one ingestion, printed as the CLI's summary line.
public struct IngestCounts: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Records read from the input (complaints, skipped rows and rejected rows).
    public var read = 0
    /// Complaints stored for the first time.
    public var new = 0
    /// Known complaints whose content changed (a new revision).
    public var updated = 0
    /// Known complaints arriving again unchanged (nothing stored): the same
    /// row read again, not a dedup duplicate (those are `new`, marked in
    /// `dedup.status`).
    public var unchanged = 0
    /// Records (or whole inputs) sent to quarantine.
    public var quarantined = 0
    /// Well-formed records that the channel's rules say are not complaints.
    public var skipped = 0

    public init() {}

    /// Stored replay summaries wrote `duplicate`, the old name of `unchanged`.
    enum CodingKeys: String, CodingKey {
        case read, new, updated, quarantined, skipped
        case unchanged = "duplicate"
    }

    public static func += (lhs: inout IngestCounts, rhs: IngestCounts) {
        lhs.read += rhs.read
        lhs.new += rhs.new
        lhs.updated += rhs.updated
        lhs.unchanged += rhs.unchanged
        lhs.quarantined += rhs.quarantined
        lhs.skipped += rhs.skipped
    }

    public var description: String {
        "read \(read), new \(new), updated \(updated), unchanged \(unchanged), quarantined \(quarantined), skipped \(skipped)"
    }
}
