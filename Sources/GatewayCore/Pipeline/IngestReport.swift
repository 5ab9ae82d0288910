/// What processing one input produced: its counts, and the first complaint ids
/// and rejections, for callers that answer for one input (an HTTP form post
/// replies with the complaint id, or with the fields at fault).
public struct IngestReport: Sendable, Equatable {
    public var counts = IngestCounts()
    /// Ids of the complaints the input produced (new, updated or unchanged), in
    /// input order, at most `IngestReport.sampleLimit`.
    public var complaintIDs: [String] = []
    /// The input's rejections, in input order, at most `IngestReport.sampleLimit`.
    public var rejections: [Rejection] = []
    /// The manifest id of the ingestion.
    public var ingestion: Int64 = 0
    /// The parser could not read the input to its end: what was read is
    /// kept and the input itself is in quarantine (`ingest` exits 1).
    public var inputQuarantined = false

    /// Large inputs (a million-row CSV) report counts; only the first ids and
    /// rejections are kept so memory stays flat.
    public static let sampleLimit = 100

    public init() {}
}
