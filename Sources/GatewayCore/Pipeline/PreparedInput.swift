/// An input read to its end within one batch, ready to be queued for a
/// group commit: what to write, prepared for the writer (see
/// `PreparedBatch`), and the report to give once it is written.
struct PreparedInput: Sendable {
    var commit: PreparedIntake
    /// Sample ids and rejections (counts are filled in from the commit).
    var report: IngestReport

    /// Nil when the input is larger than one batch (it is committed as it is read).
    init?(_ parse: InputParse, dedup: any DedupStage) {
        guard parse.finished else { return nil }
        commit = PreparedIntake(IntakeCommit(start: parse.start, complaints: parse.complaints, quarantine: parse.quarantine,
                                             parsed: parse.counts, status: parse.status), dedup: dedup)
        report = parse.report
    }
}
