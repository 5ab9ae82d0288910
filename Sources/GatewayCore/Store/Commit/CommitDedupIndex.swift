/// A dedup index used inside one write transaction, with what the commit
/// loop reads back from it after each decision.
public protocol CommitDedupIndex: DedupIndex {
    /// The entry `add` stored last, linked to its complaint.
    var lastEntry: Int64? { get }
    func resetLastEntry()
    /// The clusters flagged as mass complaints since the last call.
    func takeFlagged() -> [String]
    /// The incident levels raised since the last call.
    func takeRaised() -> [IncidentRaise]
    /// The persons signalled since the last call.
    func takeSignals() -> [CustomerSignal]
}
