/// Where complaints, the feed, the archive manifest and the quarantine live:
/// every role an engine (SQLite embedded, PostgreSQL shared) plays.
///
/// Callers hold the role they use, not the whole store: the feed API a
/// `FeedReader`, a delivery sink a `FeedReader & SinkLedger`, health a
/// `StorePing`, the group committer a `ComplaintCommitter`. The pipeline,
/// which drives a whole input, holds `any ComplaintStore`.
public protocol ComplaintStore: IngestionLedger, ComplaintCommitter, FeedReader, SinkLedger, QuarantineLedger, ReplayLedger,
    ArchiveManifest, DedupAdmin, PersonDirectory, WorkLeases, StorePing {}
