import Foundation
import GatewayCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows a live count while a long input is ingested, on a terminal only
/// (nothing is written when standard error is a file or a pipe).
final class ProgressReporter: Sendable {
    private let label: String
    private let started = Date()
    private let lastDraw = Mutex<Date?>(nil)
    let enabled: Bool

    init(label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    /// Redraws at most four times a second.
    func update(_ counts: IngestCounts) {
        update { elapsed in
            "\(counts) (\(Int(Double(counts.read) / max(elapsed, 0.001))) records/s)"
        }
    }

    /// Redraws with a line made from the seconds elapsed, at most four times a second.
    func update(_ line: (TimeInterval) -> String) {
        guard enabled else { return }
        let now = Date()
        let draw = lastDraw.withLock { last -> Bool in
            if let l = last, now.timeIntervalSince(l) < 0.25 { return false }
            last = now
            return true
        }
        guard draw else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(label): \(line(now.timeIntervalSince(started)))".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
