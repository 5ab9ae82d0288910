import Foundation
import GatewayCore
import Logging
import Synchronization

/// What `ingest` and `import` print and exit with, gathered as files finish.
final class IngestTally: Sendable {
    struct Summary {
        var inputs = 0
        var total = IngestCounts()
        /// Files that could not be read (exit 1, or 66 when none could).
        var failures = 0
        /// Inputs the parser could not read to their end, now in quarantine (exit 1).
        var quarantinedInputs = 0
        /// Drop-folder files skipped because they were ingested before.
        var alreadyIngested = 0
        /// The first failure of the archive or the store: the run exits with it.
        var fatal: (any Error)?
    }

    private let state = Mutex(Summary())
    private let printEach: Bool

    init(printEach: Bool) {
        self.printEach = printEach
    }

    var summary: Summary { state.withLock { $0 } }

    func add(_ file: IntakeFile, _ result: IntakeFileResult, logger: Logger) {
        switch result {
        case .ingested(let report):
            state.withLock {
                $0.inputs += 1
                $0.total += report.counts
                if report.inputQuarantined { $0.quarantinedInputs += 1 }
            }
            if printEach { print("\(file.channel.name) \(file.url.path): \(report.counts)") }
            if report.inputQuarantined, let reason = report.rejections.last?.reason {
                StandardError.write("complaint-gateway: \(file.url.path) quarantined: \(PersonalTextScrubber().scrub(reason))")
            }
        case .alreadyIngested:
            state.withLock { $0.alreadyIngested += 1 }
            logger.debug("already ingested", metadata: ["file": "\(file.url.path)"])
        case .claimedElsewhere:
            print("\(file.channel.name) \(file.url.path): skipped, another instance is ingesting it")
        case .failed(let error):
            if Self.isInputError(error) {
                StandardError.write("complaint-gateway: \(error)")
                state.withLock { $0.failures += 1 }
            } else {
                state.withLock { if $0.fatal == nil { $0.fatal = error } }
            }
        }
    }

    /// The file itself could not be read (missing, a link, not a regular file,
    /// an I/O error), as opposed to the archive or store failing.
    static func isInputError(_ error: any Error) -> Bool {
        if error is InputFileError { return true }
        if let archive = error as? ArchiveError { return !archive.isTransient }
        return false
    }
}
