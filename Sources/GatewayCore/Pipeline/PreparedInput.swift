/// An input read to its end within one batch, ready to be queued for a
/// group commit: what to write, and the report to give once it is written.
struct PreparedInput: Sendable {
    var commit: IntakeCommit
    /// Sample ids and rejections (counts are filled in from the commit).
    var report: IngestReport

    /// Nil when the input is larger than one batch (it is committed as it is read).
    init?(_ parse: InputParse) {
        guard parse.finished else { return nil }
        commit = IntakeCommit(start: parse.start, complaints: parse.complaints, quarantine: parse.quarantine,
                              parsed: parse.counts, status: parse.status)
        report = parse.report
    }
}
