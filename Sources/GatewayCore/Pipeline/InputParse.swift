import Foundation
import Logging
import ComplaintModel

/// One input being read, a batch at a time: the complaints and quarantine
/// entries of the batch not yet committed, the counts so far, and how the
/// input ended once it has.
///
/// Only the parser's errors end an input as `failed` (quarantined whole with
/// the reason); the store's errors belong to the caller.
struct InputParse {
    let start: IngestionStart
    let channel: ConfiguredChannel
    let batchSize: Int
    let log: Logger
    private var reader: NormalizingReader?
    private var parseError: (any Error)?
    private(set) var counts = IngestCounts()
    private(set) var complaints: [NormalizedComplaint] = []
    private(set) var quarantine: [QuarantineEntry] = []
    /// Sample ids and rejections for the caller (see `IngestReport`).
    private(set) var report = IngestReport()
    /// True once the input has been read to its end or to the error that stopped it.
    private(set) var finished = false
    private(set) var status = IngestionStatus.completed
    private let sha256: String

    init(start: IngestionStart, channel: ConfiguredChannel, input: RawInput, receivedAt: Date, normalizer: Normalizer, batchSize: Int, log: Logger) {
        self.start = start
        self.channel = channel
        self.batchSize = max(1, batchSize)
        self.log = log
        self.sha256 = input.sha256
        do {
            reader = try NormalizingReader(channel: channel, input: input, receivedAt: receivedAt, normalizer: normalizer)
        } catch {
            parseError = error
        }
    }

    /// Reads until a batch is full or the input ends.
    mutating func readBatch() {
        guard !finished else { return }
        if let reader, parseError == nil {
            while complaints.count < batchSize, quarantine.count < batchSize {
                let event: NormalizingReader.Event?
                do {
                    event = try reader.next()
                } catch {
                    parseError = error
                    break
                }
                guard let event else { break }
                counts.read += 1
                switch event {
                case .complaint(let complaint):
                    if report.complaintIDs.count < IngestReport.sampleLimit { report.complaintIDs.append(complaint.complaint.id) }
                    complaints.append(complaint)
                case .skipped:
                    counts.skipped += 1
                case .rejected(let rejection):
                    reject(rejection)
                    log.info("record quarantined", metadata: ["location": "\(rejection.location ?? "-")", "reason": "\(rejection.reason)"])
                }
                if complaints.count >= batchSize || quarantine.count >= batchSize { return }
            }
        }
        finished = true
        if let parseError {
            // The input could not be read to its end: keep what was read, quarantine the input.
            status = .failed
            var rejection = (parseError as? Rejection) ?? Rejection(reason: "\(parseError)")
            rejection.reason = counts.read == 0
                ? "cannot parse input: \(rejection.reason)"
                : "stopped after \(counts.read) records: \(rejection.reason)"
            // Reasons may quote the input; logs at the default level carry no personal data.
            log.warning("input quarantined", metadata: ["reason": "\(PersonalTextScrubber().scrub(rejection.description))"])
            report.inputQuarantined = true
            reject(rejection)
        }
    }

    /// The batch read so far, handed over for commit.
    mutating func takeBatch() -> (complaints: [NormalizedComplaint], quarantine: [QuarantineEntry]) {
        defer {
            complaints = []
            complaints.reserveCapacity(batchSize)
            quarantine = []
        }
        return (complaints, quarantine)
    }

    /// Adds a commit's conflict rejections to the sample.
    mutating func sample(_ rejections: [Rejection]) {
        for rejection in rejections where report.rejections.count < IngestReport.sampleLimit {
            report.rejections.append(rejection)
        }
    }

    private mutating func reject(_ rejection: Rejection) {
        counts.quarantined += 1
        if report.rejections.count < IngestReport.sampleLimit { report.rejections.append(rejection) }
        quarantine.append(QuarantineEntry(channel: channel.name, rawSHA256: sha256, rejection: rejection))
    }
}
