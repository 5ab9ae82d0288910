/// Which inputs may revise a complaint once it is stored.
///
/// Decided by the plugin that knows what its source id means, and enforced by
/// the dedup stage inside the store's write transaction, so two inputs racing
/// for one id cannot both win.
public enum RevisionPolicy: Sendable, Equatable {
    /// The source record can change at its source (an edited feed item, a call
    /// re-exported with a summary): another input with different content under
    /// the same id is the record's next revision.
    case anyInput
    /// The source id names one submission chosen by the sender (an
    /// `Idempotency-Key`, a form's submission id): only the same raw input may
    /// arrive again under it. Another input reusing the id is a conflict,
    /// quarantined and refused, never a revision, so one sender cannot replace
    /// another's complaint by guessing its id.
    case sameInputOnly
}
